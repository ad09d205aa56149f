/**
 * `ot3c plan`: the budget lines, then the seed's text form of the termination plan (`renderPlanText`) with its
 * outcome — and the stable JSON/YAML document (docs/output.md). Times in the document are RFC3339 with the
 * billing time zone's offset (as in plan files); money is rounded to cents.
 */
import { terminalSafe } from "../../util/terminal-safe.ts";
import { DEFAULT_TIME_ZONE } from "../../engine/period.ts";
import { outcomeLine, renderPlanText, rfc3339 } from "../../engine/planner/plan-file.ts";
import type { BudgetSummary, PlanAction, PlanOutcome, TerminationPlan } from "../../engine/types.ts";
import { budgetDocument, round2, type BudgetDocument } from "./budget.ts";

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
    items: Array<{
      vrId: string;
      action: PlanAction;
      prio: number;
      owner: string | null;
      tdate: string;
      tsave: number;
      tasap: boolean;
      reason: string;
    }>;
  };
  /** Virtual resources vetoed in this period (state DB): left out of the plan. */
  vetoed: string[];
  /** Where `-o FILE` wrote the plan file, else null. */
  file: string | null;
}


export function planDocument(input: {
  project: { name: string; region: string };
  currency: string;
  budget: BudgetSummary;
  plan: TerminationPlan;
  file?: string;
  vetoed?: string[];
  timeZone?: string;
}): PlanDocument {
  const { budget: b, plan: p } = input;
  const tz = input.timeZone ?? DEFAULT_TIME_ZONE;
  return {
    version: 1,
    project: input.project,
    period: { start: p.period.startDate, end: p.period.endDate, days: p.period.days },
    currency: input.currency,
    budget: { ...budgetDocument(b), gap: round2(b.gap) },
    plan: {
      mode: p.mode,
      createdAt: rfc3339(p.createdAt, tz),
      needed: p.outcome !== "NOT_NEEDED",
      outcome: p.outcome,
      outcomeText: outcomeLine(p, input.currency),
      gap: round2(p.gap),
      savings: round2(p.savings),
      items: p.items.map((i) => ({
        vrId: i.vrId,
        action: i.action,
        prio: i.prio,
        owner: i.owner ?? null,
        tdate: rfc3339(i.tdate, tz),
        tsave: round2(i.tsave),
        tasap: i.tasap,
        reason: i.reason,
      })),
    },
    vetoed: input.vetoed ?? [],
    file: input.file ?? null,
  };
}

const money = (n: number, c: string) => `${n.toFixed(2)} ${c}`;

/** Budget lines, then the seed's plan text (or the "not needed" line alone), then where the file went. */
export function renderPlanCommandText(input: {
  budget: BudgetSummary;
  plan: TerminationPlan;
  currency: string;
  file?: string;
  vetoed?: string[];
  timeZone?: string;
}): string {
  const { budget: b, plan, currency: c } = input;
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
    // The seed's plan text (engine planner) quotes ids and owners: make every line safe on its own, so an injected
    // line break cannot forge a line either.
    lines.push(...renderPlanText(plan, c, input.timeZone ?? DEFAULT_TIME_ZONE).trimEnd().split("\n").map(terminalSafe));
  }
  if (input.vetoed && input.vetoed.length > 0) lines.push("", `Vetoed this period, left out: ${input.vetoed.map(terminalSafe).join(", ")}`);
  if (input.file) lines.push("", `Plan file written: ${input.file} (run it with \`ot3c exec -f ${input.file}\`)`);
  return lines.join("\n");
}
