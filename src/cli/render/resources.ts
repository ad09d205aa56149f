/**
 * `ot3c list`: the seed's tree of virtual resources (ID, tags, cost so far, forecast; groups nested) with totals and
 * budget left — as text, and as the stable JSON/YAML document described in docs/output.md.
 */
import type { BillingPeriod, BudgetSummary, ForecastSummary, ResourceUnit } from "../../engine/types.ts";
import { budgetDocument, round2, type BudgetDocument } from "./budget.ts";
import { terminalSafe } from "../../util/terminal-safe.ts";
import { unitPrioLabel } from "../../format/index.ts";
import { amount } from "../../format/index.ts";
import { projectPlacer, type Placer } from "../../format/project.ts";
import { budgetsText, type BudgetScopeDocument, type ScopeChoice } from "../scope-filter.ts";

export interface ListDocumentResource {
  id: string;
  kind: string;
  name: string;
  /** `ot3c_prio` when ot3c manages the unit; null otherwise (see `prioLabel`) — never 0 for an untagged resource. */
  prio: number | null;
  /** What the prio column says: the prio, or untagged / prepaid / ghost / baseline. */
  prioLabel: string;
  owner: string | null;
  group: string | null;
  managed: boolean;
  /** Why the resource is unmanaged or has prio 0 when that is not obvious from its tags (null otherwise). */
  note: string | null;
  tags: Record<string, string>;
  /** The OTC project and region it was listed in (a group: its first member's; a ghost: its cost records'). */
  project: string;
  region: string;
  costSoFar: number;
  forecast: { p10: number; p50: number; p90: number } | null;
  members: ListDocumentResource[];
}

export interface ListDocument {
  version: 1;
  project: { name: string; region: string; fleet?: true };
  period: { start: string; end: string; days: number };
  currency: string;
  budget: (BudgetDocument & { left: number }) | null;
  resources: ListDocumentResource[];
  /** Resources of other ot3c instances (`ot3c_instance`): not in the tree; their spend is in the budget as baseline. */
  excluded: { count: number; costSoFar: number; forecastP50: number };
  /** `--budget` / `--project`: only the resources in them are listed (absent without a filter). */
  filter?: { budget: string | null; project: string | null };
  /** With `budgets:`: every budget (`all` first) with its figures and the open items serving it. */
  budgets?: BudgetScopeDocument[];
}


function isManaged(vr: ResourceUnit): boolean {
  const m = vr.managed;
  return m ?? (vr.kind !== "GHOST" && vr.prio > 0);
}

function toDocResource(vr: ResourceUnit, forecasts: Record<string, ForecastSummary>, place: Placer): ListDocumentResource {
  const f = forecasts[vr.id];
  return {
    id: vr.id,
    kind: vr.kind,
    name: vr.name,
    prio: isManaged(vr) || vr.tags.ot3c_prio !== undefined ? vr.prio : null,
    prioLabel: unitPrioLabel(vr),
    owner: vr.owner ?? null,
    group: vr.group ?? null,
    managed: isManaged(vr),
    note: vr.note ?? null,
    tags: vr.tags,
    ...place(vr),
    costSoFar: round2(f?.costSoFar ?? 0),
    forecast: f ? { p10: round2(f.monthEnd.p10), p50: round2(f.monthEnd.p50), p90: round2(f.monthEnd.p90) } : null,
    members: vr.members.map((m) => toDocResource(m, forecasts, place)),
  };
}

export function listDocument(input: {
  project: { name: string; region: string; fleet?: true };
  period: BillingPeriod;
  currency: string;
  roots: ResourceUnit[];
  forecasts: Record<string, ForecastSummary>;
  budget?: BudgetSummary;
  excluded?: ResourceUnit[];
  filter?: ScopeChoice;
  budgets?: BudgetScopeDocument[];
}): ListDocument {
  const b = input.budget;
  const place = projectPlacer(input.roots, { project: input.project.name, region: input.project.region }, input.project.fleet === true);
  return {
    version: 1,
    project: input.project,
    period: { start: input.period.startDate, end: input.period.endDate, days: input.period.days },
    currency: input.currency,
    budget: b ? { ...budgetDocument(b), left: round2(b.target - b.forecast[b.quantile]) } : null,
    resources: input.roots.map((r) => toDocResource(r, input.forecasts, place)),
    excluded: {
      count: input.excluded?.length ?? 0,
      costSoFar: round2((input.excluded ?? []).reduce((s, r) => s + (input.forecasts[r.id]?.costSoFar ?? 0), 0)),
      forecastP50: round2((input.excluded ?? []).reduce((s, r) => s + (input.forecasts[r.id]?.monthEnd.p50 ?? 0), 0)),
    },
    ...(input.filter ? { filter: { budget: input.filter.budget ?? null, project: input.filter.project ?? null } } : {}),
    ...(input.budgets ? { budgets: input.budgets } : {}),
  };
}

const money = (n: number) => amount(n);
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const padL = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);

function shortId(id: string, width: number): string {
  return id.length <= width ? id : id.slice(0, width - 1) + "…";
}

function tagText(tags: Record<string, string>): string {
  return Object.entries(tags)
    .filter(([k]) => k.startsWith("ot3c_"))
    .map(([k, v]) => `${terminalSafe(k)}=${terminalSafe(v)}`)
    .join(" ");
}

function all(rs: ListDocumentResource[]): ListDocumentResource[] {
  return rs.flatMap((r) => [r, ...all(r.members)]);
}

export function renderListText(doc: ListDocument, opts: { width?: number } = {}): string {
  const c = doc.currency;
  // The widest name (capped), not the narrowest: Math.min over the spread would pick the shortest.
  const nameW = Math.max(12, Math.min(30, Math.max(0, ...all(doc.resources).map((r) => r.name.length + 2))));
  // A PROJECT column only when the tree spans several projects (a fleet); one project is named in the header.
  const projects = new Set(all(doc.resources).map((r) => `${r.project} (${r.region})`));
  const projW = projects.size > 1 ? Math.max(8, Math.min(24, Math.max(0, ...[...projects].map((p) => p.length + 1)))) : 0;
  const idW = Math.max(24, Math.min(60, (opts.width ?? 120) - 62 - nameW - projW));
  const projCell = (r: ListDocumentResource) => (projW > 0 ? `${pad(terminalSafe(`${r.project} (${r.region})`), projW)} ` : "");
  const lines: string[] = [];
  lines.push(`${doc.project.fleet ? `Projects: ${terminalSafe(doc.project.name)} in ${doc.project.region}` : `Project ${terminalSafe(doc.project.name)} (${doc.project.region})`} · period ${doc.period.start} … ${doc.period.end} (end exclusive) · amounts in ${c}`);
  if (doc.filter) lines.push(`Only ${[doc.filter.budget !== null ? `budget ${terminalSafe(doc.filter.budget)}` : "", doc.filter.project !== null ? `project ${terminalSafe(doc.filter.project)}` : ""].filter(Boolean).join(", ")}`);
  lines.push("");
  lines.push(`${pad("ID", idW)} ${pad("NAME", nameW)} ${projW > 0 ? `${pad("PROJECT", projW)} ` : ""}${padL("PRIO", 10)} ${padL(`SO FAR ${c}`, 12)} ${padL(`FORECAST ${c}`, 12)}  TAGS`);
  const walk = (r: ListDocumentResource, prefix: string, childPrefix: string) => {
    const prio = r.prioLabel;
    const label = shortId(prefix + terminalSafe(r.id), idW);
    lines.push(
      `${pad(label, idW)} ${pad(r.name, nameW)} ${projCell(r)}${padL(prio, 10)} ${padL(money(r.costSoFar), 12)} ${padL(r.forecast ? money(r.forecast.p50) : "-", 12)}  ${tagText(r.tags)}`,
    );
    if (r.note) lines.push(`${childPrefix}   note: ${terminalSafe(r.note)}`);
    r.members.forEach((m, i) => {
      const last = i === r.members.length - 1;
      walk(m, childPrefix + (last ? "└─ " : "├─ "), childPrefix + (last ? "   " : "│  "));
    });
  };
  for (const r of doc.resources) walk(r, "", "");
  lines.push("");
  const b = doc.budget;
  if (b) {
    lines.push(`Current total:    ${money(b.spendSoFar)} ${c} (data up to ${b.lastCompleteDay ?? "n/a"})`);
    lines.push(`Predicted total:  ${money(b.forecast.p50)} ${c}  (P10 ${money(b.forecast.p10)} ${c} … P90 ${money(b.forecast.p90)} ${c})`);
    const left = b.left;
    lines.push(
      `Budget:           ${money(b.target)} ${c} → ${left >= 0 ? `${money(left)} ${c} left` : `${money(-left)} ${c} OVER`} at ${b.quantile.toUpperCase()} · status ${b.status}`,
    );
    lines.push(`Baseline (untagged, prio 0, ghosts — no plan can cut it): ${money(b.baseline.spendSoFar)} ${c} so far, ${money(b.baseline.monthEnd)} ${c} at month end`);
    if (doc.excluded.count > 0) {
      lines.push(`Other ot3c instances (not listed, in the baseline): ${doc.excluded.count} resources, ${money(doc.excluded.costSoFar)} ${c} so far, ${money(doc.excluded.forecastP50)} ${c} at month end`);
    }
    if (b.baselineExceedsBudget) lines.push(`WARNING: the baseline alone exceeds the budget; no termination plan can reach it.`);
  } else {
    lines.push("No budget figures (no cost data).");
  }
  if (doc.budgets && doc.budgets.length > 0) {
    lines.push("");
    lines.push(...budgetsText(doc.budgets, c, doc.filter?.budget ?? undefined));
  }
  return lines.join("\n");
}
