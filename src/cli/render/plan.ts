/**
 * `ot3c plan`: the budget lines, then the seed's text form of the termination plan (`renderPlanText`) with its
 * outcome — and the stable JSON/YAML document (docs/output.md). Times in the document are RFC3339 with the
 * billing time zone's offset (as in plan files); money is rounded to cents.
 */
import { terminalSafe } from "../../util/terminal-safe.ts";
import { DEFAULT_TIME_ZONE } from "../../engine/period.ts";
import { outcomeLine, renderPlanText } from "../../engine/planner/plan-file.ts";
import type { BudgetSummary, ForecastSummary, PlanAction, PlanOutcome, ResourceUnit, TerminationPlan } from "../../engine/types.ts";
import { budgetDocument, round2, type BudgetDocument } from "./budget.ts";
import { amount, money as fmtMoney, utcIso, zonedTime } from "../../format/index.ts";
import { memberLines, planMembers, type PlanMember } from "../../format/members.ts";
import { budgetsText, type BudgetScopeDocument, type ScopeChoice } from "../scope-filter.ts";

export interface PlanDocument {
  version: 1;
  project: { name: string; region: string };
  period: { start: string; end: string; days: number };
  currency: string;
  budget: BudgetDocument & { gap: number };
  plan: {
    mode: "classic" | "optimal";
    createdAt: string;
    /** False when the forecast is within the budget (outcome NOT_NEEDED). */
    needed: boolean;
    outcome: PlanOutcome;
    outcomeText: string;
    gap: number;
    savings: number;
    /** How the gap is covered: by items already planned (the state database's), by these new items, and not at all. */
    coverage: { committed: number; planned: number; uncovered: number } | null;
    items: Array<{
      vrId: string;
      action: PlanAction;
      prio: number;
      owner: string | null;
      tdate: string;
      tsave: number;
      tasap: boolean;
      reason: string;
      /** Display name of the virtual resource ("" when it has none). */
      name: string;
      /** The leaf cloud resources it touches; `saving` is the item's saving split by their forecasts (estimate). */
      members: Array<{ kind: string; name: string; id: string; prio: number | null; owner: string | null; saving: number | null }>;
      /** With `budgets:`: the budgets whose spend it lowers (`all` first). */
      budgets?: string[];
    }>;
  };
  /** `--budget` / `--project`: only the items serving them are listed (the plan file, if written, is whole). */
  filter?: { budget: string | null; project: string | null };
  /** With `budgets:`: every budget (`all` first), its figures and how its gap is covered. */
  budgets?: BudgetScopeDocument[];
  /** Virtual resources vetoed in this period (state DB): left out of the plan. */
  vetoed: string[];
  /** Where `--out FILE` wrote the plan file, else null. */
  file: string | null;
}


export function planDocument(input: {
  project: { name: string; region: string };
  currency: string;
  budget: BudgetSummary;
  plan: TerminationPlan;
  file?: string;
  vetoed?: string[];
  units?: Map<string, ResourceUnit>;
  forecasts?: Record<string, ForecastSummary>;
  filter?: ScopeChoice;
  budgets?: BudgetScopeDocument[];
}): PlanDocument {
  const { budget: b, plan: p } = input;
  const units = input.units ?? new Map<string, ResourceUnit>();
  const member = (m: PlanMember) => ({
    kind: m.kind,
    name: m.name,
    id: m.id,
    prio: m.prio ?? null,
    owner: m.owner ?? null,
    saving: m.saving === undefined ? null : round2(m.saving),
  });
  return {
    version: 1,
    project: input.project,
    period: { start: p.period.startDate, end: p.period.endDate, days: p.period.days },
    currency: input.currency,
    budget: { ...budgetDocument(b), gap: round2(b.gap) },
    plan: {
      mode: p.mode,
      createdAt: utcIso(p.createdAt),
      needed: p.outcome !== "NOT_NEEDED",
      outcome: p.outcome,
      outcomeText: outcomeLine(p, input.currency),
      gap: round2(p.gap),
      savings: round2(p.savings),
      coverage: p.coverage ? { committed: round2(p.coverage.committed), planned: round2(p.coverage.planned), uncovered: round2(p.coverage.uncovered) } : null,
      items: p.items.map((i) => ({
        vrId: i.vrId,
        action: i.action,
        prio: i.prio,
        owner: i.owner ?? null,
        tdate: utcIso(i.tdate),
        tsave: round2(i.tsave),
        tasap: i.tasap,
        reason: i.reason,
        name: units.get(i.vrId)?.name ?? "",
        members: planMembers(i, units, input.forecasts).map(member),
        ...(i.budgets ? { budgets: i.budgets } : {}),
      })),
    },
    vetoed: input.vetoed ?? [],
    file: input.file ?? null,
    ...(input.filter ? { filter: { budget: input.filter.budget ?? null, project: input.filter.project ?? null } } : {}),
    ...(input.budgets ? { budgets: input.budgets } : {}),
  };
}

const money = (n: number, c: string) => fmtMoney(n, c);

/** Budget lines, then the seed's plan text (or the "not needed" line alone), then where the file went. */
export function renderPlanCommandText(input: {
  budget: BudgetSummary;
  plan: TerminationPlan;
  currency: string;
  file?: string;
  vetoed?: string[];
  timeZone?: string;
  units?: Map<string, ResourceUnit>;
  forecasts?: Record<string, ForecastSummary>;
  filter?: ScopeChoice;
  budgets?: BudgetScopeDocument[];
}): string {
  const { budget: b, plan, currency: c } = input;
  const tz = input.timeZone ?? DEFAULT_TIME_ZONE;
  const units = input.units ?? new Map<string, ResourceUnit>();
  const q = b.quantile;
  const lines = [
    `Budget ${money(b.target, c)} · spent so far ${money(b.spendSoFar, c)} (data up to ${b.lastCompleteDay ?? "n/a"}) · ` +
      `month-end forecast ${money(b.forecast[q], c)} at ${q.toUpperCase()} (P10 ${money(b.forecast.p10, c)} … P90 ${money(b.forecast.p90, c)})`,
    `Baseline no plan can cut: ${money(b.baseline.monthEnd, c)} at month end · status ${b.status}`,
    "",
  ];
  if (plan.outcome === "NOT_NEEDED") {
    lines.push(outcomeLine(plan, c));
  } else {
    // The plan text quotes ids, names and owners from the cloud: every line is made safe on its own, so an injected
    // line break cannot forge a line either.
    lines.push(...glance(plan, units, c, tz).map(terminalSafe), "");
    lines.push(...withMembers(renderPlanText(plan, c, tz).trimEnd(), plan, units, input.forecasts, c).split("\n").map(terminalSafe));
  }
  if (input.vetoed && input.vetoed.length > 0) lines.push("", `Vetoed this period, left out: ${input.vetoed.map(terminalSafe).join(", ")}`);
  const f = input.filter;
  if (f && (f.budget !== undefined || f.project !== undefined)) {
    lines.push("", `Only the items for ${[f.budget !== undefined ? `budget ${terminalSafe(f.budget)}` : "", f.project !== undefined ? `project ${terminalSafe(f.project)}` : ""].filter(Boolean).join(" and ")} are listed.`);
  }
  if (input.budgets && input.budgets.length > 0) lines.push("", ...budgetsText(input.budgets, c, f?.budget));
  if (input.file) lines.push("", `Plan file written: ${input.file} (run it with \`ot3c exec -f ${input.file}\`)`);
  return lines.join("\n");
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const padL = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);

/** The plan at a glance: one row per item with a NAME column, the deadline in the billing zone (zone named). */
function glance(plan: TerminationPlan, units: Map<string, ResourceUnit>, c: string, tz: string): string[] {
  const rows = plan.items.map((i) => ({
    name: units.get(i.vrId)?.name || "-",
    action: i.action,
    members: planMembers(i, units).length,
    prio: String(i.prio),
    owner: i.owner ?? "-",
    saving: amount(i.tsave),
    date: zonedTime(i.tdate, tz),
    id: i.vrId,
  }));
  const w = (k: keyof (typeof rows)[number], min: number) => Math.max(min, ...rows.map((r) => String(r[k]).length));
  const nameW = Math.min(40, w("name", 4));
  const ownerW = Math.min(30, w("owner", 5));
  const savingW = w("saving", `SAVING ${c}`.length);
  const prioW = w("prio", 4);
  const head = `${pad("NAME", nameW)}  ${pad("ACTION", 6)}  ${padL("MEMBERS", 7)}  ${padL("PRIO", prioW)}  ${pad("OWNER", ownerW)}  ${padL(`SAVING ${c}`, savingW)}  ${pad("DATE", 20)}  ID`;
  return [
    head,
    ...rows.map(
      (r) =>
        `${pad(r.name, nameW)}  ${pad(r.action, 6)}  ${padL(String(r.members), 7)}  ${padL(r.prio, prioW)}  ${pad(r.owner, ownerW)}  ${padL(r.saving, savingW)}  ${pad(r.date, 20)}  ${r.id}`,
    ),
  ];
}

/** The seed's per-item form with each item's name and members added after its `Reason:` line. */
function withMembers(seedText: string, plan: TerminationPlan, units: Map<string, ResourceUnit>, forecasts: Record<string, ForecastSummary> | undefined, c: string): string {
  const blocks = seedText.split("\n\n");
  let k = 0;
  return blocks
    .map((block) => {
      if (!block.startsWith("ID: ") || k >= plan.items.length) return block;
      const item = plan.items[k++]!;
      const name = units.get(item.vrId)?.name;
      return [block, ...(name ? [`Name: ${name}`] : []), "Members:", ...memberLines(planMembers(item, units, forecasts), c, "  - ")].join("\n");
    })
    .join("\n\n");
}
