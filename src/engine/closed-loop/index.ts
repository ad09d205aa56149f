/**
 * The closed loop: the engine accounts for its own actions. Entry point `settle()` takes the forecast state of the
 * last good sync (state.ts) and the ledger of what the engine did and promised this period (ledger.ts), and
 * returns the figures every view shows and the plan decision the lifecycle applies:
 *
 *  1. **Executed actions enter the forecast** (effects.ts): a deleted resource's forecast is zero from the instant of
 *     the call, a stopped server keeps its disks, a stopped RDS instance its storage until OTC restarts it after
 *     7 days, a resource removed by someone else (GONE) costs nothing from when it was noticed.
 *  2. **The budget and the gap** are computed on those figures.
 *  3. **Open items are commitments**: each one's saving is re-projected from its deadline (or now) on the adjusted
 *     forecast. Items whose resources are gone become GONE, items touching a vetoed resource are vetoed too, items
 *     whose group changed are cancelled (their resources are planned afresh), and when the commitments cover more
 *     than the gap, the ones not needed are cancelled — those sparing the most important resources first.
 *  4. **Only what no item covers is planned**: the planner gets the gap minus the commitments, and may not touch a
 *     resource that is vetoed, already acted on, or part of an open item.
 *
 * Pure: no store, no clock (`now` is passed), no I/O. The lifecycle (lifecycle.ts `applyDecision`) writes the
 * decision; the engine re-settles after every sync, operator command and execution, so Overview, Pending,
 * /metrics and the notifications agree at every moment.
 */
import { computeBudget } from "../budget.ts";
import { keptPerBudget, scopeBudgets, scopedNeeds, scopeSeries, scopeStates, withGhosts, type BudgetSetup, type ScopeRun, type ScopeSeries, type ScopeSeriesSetup } from "../budgets/index.ts";
import { planTerminations } from "../planner/index.ts";
import type {
  BudgetScopeState,
  BudgetSummary,
  ForecastSummary,
  PlanAction,
  PlannedTermination,
  PlanCoverage,
  QuantileName,
  ResourceForecast,
  ResourceUnit,
  TerminationPlan,
  VirtualResource,
} from "../types.ts";
import { COPY_COST_OF_STORAGE } from "../actions/copy-cost.ts";
import { isPark, isParkableKind } from "../actions/ladder.ts";
import { applyActions, FigureOverlay, stopUntil, wouldSave, type LeafAction } from "./effects.ts";
import { leafId, type ActionLedger, type OpenItem } from "./ledger.ts";
import { buildForecasts, summaries } from "./unit-forecast.ts";
import type { ForecastState } from "./state.ts";

export { emptyLedger, leafId, ledgerFromItems, type ActionLedger, type ExecutedEffect, type OpenItem, type VetoCover } from "./ledger.ts";
export { buildForecastState } from "./build-state.ts";
export type { ForecastState, UnitFigures } from "./state.ts";
export { RDS_AUTO_RESTART_MS } from "./effects.ts";

export interface SettleOptions {
  targetBudget: number;
  quantile: QuantileName;
  plannerMode: "classic" | "optimal";
  graceMs: number;
  currency?: string;
  timeZone?: string;
  /** `budgets:` (engine/budgets): settle every named budget too. Absent: the single budget, as always. */
  budgets?: BudgetSetup;
  /** Budgets or a fleet: each scope's daily series for the TUI (budgets/series.ts). */
  series?: ScopeSeriesSetup;
}

/** What happens to one open item. */
export interface OpenItemDecision {
  id: string;
  /** Its projected month-end saving on the adjusted forecast (0 when it is cancelled). */
  saving: number;
  outcome: "keep" | "CANCELLED" | "GONE" | "VETOED";
  reason?: string;
  /**
   * A new, earlier deadline (never less than the grace from now): the forecast rose and no resource outside the
   * open items can close the rest of the gap, so an item already announced acts sooner. The owner is told again.
   */
  advanceTo?: number;
}

export interface PlanDecision {
  /** New items, for the part of the gap no open item covers. */
  create: PlannedTermination[];
  open: OpenItemDecision[];
}

export interface Settled {
  budget: BudgetSummary;
  /** The planner's output for the uncovered part (the new items), with the coverage of the whole gap. */
  plan: TerminationPlan;
  forecasts: Record<string, ForecastSummary>;
  decision: PlanDecision;
  /** Leaf id → the veto that protects it (the TUI marks these resources). */
  vetoedLeaves: Map<string, { itemId: string; reason: string }>;
  /** With `budgets:`: every budget's figures and coverage, and which budgets an item is in. */
  budgets?: { states: BudgetScopeState[]; budgetsOf: ScopeRun["budgetsOf"] };
  /** Each named budget's and (in a fleet) each large project's spend per day and median path. */
  series?: ScopeSeries;
}

/** Below this the gap counts as closed (money is shown with two decimals). */
const EPS = 0.005;
/**
 * An open item is cancelled as surplus only when the others still cover the gap with this much to spare (as a
 * share of the gap): forecasts move a little every day, and an owner should not see their item cancelled one day
 * and planned again the next.
 */
const SURPLUS_MARGIN = 0.02;

export function settle(state: ForecastState, ledger: ActionLedger, now: number, o: SettleOptions): Settled {
  const overlay = new FigureOverlay(state);
  const unitById = indexUnits(state.roots);

  // 1. What was done enters the figures: per leaf, all its actions at once, combined by time (a stop, then the
  //    delete that escalated it, each day counted once).
  const stopped = new Set<string>();
  const acted = new Set<string>();
  const done = new Map<string, LeafAction[]>();
  for (const e of ledger.executed.slice().sort((a, b) => a.at - b.at)) {
    const leaf = state.alias.get(e.leaf) ?? e.leaf;
    const a: LeafAction = {
      leaf,
      kind: e.kind,
      action: e.action === "gone" ? "gone" : isPark(e.action) ? "stop" : "delete",
      at: e.at,
      dryRun: e.dryRun,
      ...(e.until !== undefined ? { until: e.until } : {}),
    };
    const list = done.get(leaf) ?? [];
    list.push(a);
    done.set(leaf, list);
    if (a.action === "stop") {
      if (now < stopUntil(a)) stopped.add(e.leaf);
      else stopped.delete(e.leaf);
    } else {
      acted.add(e.leaf);
      stopped.delete(e.leaf);
    }
  }
  for (const [leaf, actions] of done) applyActions(overlay, state, leaf, actions);
  // Servers and databases their owners stopped: a stop saves nothing more. Not those stopped by their schedule for
  // the night: a park keeps them stopped through the hours the schedule would run them (schedules.ts).
  const onSchedule = new Set(state.schedules?.map((s) => s.leaf));
  for (const u of unitById.values()) {
    const st = u.resource?.status;
    if (u.members.length === 0 && (st === "SHUTOFF" || st === "SHUTDOWN") && !onSchedule.has(u.id)) stopped.add(u.id);
    // A node pool someone scaled to 0: parking it saves nothing more.
    if (u.members.length === 0 && u.resource?.kind === "CCE" && u.resource.nodeCount === 0) stopped.add(u.id);
  }

  // 2. Figures and budget.
  const forecasts = buildForecasts(state, overlay);
  const budget = computeBudget({
    roots: state.roots,
    forecasts,
    total: totalOf(state, overlay),
    target: o.targetBudget,
    quantile: o.quantile,
    period: state.period,
    now,
    excludedSpend: state.excludedSpend,
    lastCompleteDay: state.lastCompleteDay,
    actualDaily: state.actualDaily,
    timeZone: o.timeZone,
  });

  // 3. Commitments.
  const vetoedLeaves = new Map([...ledger.vetoed].map(([k, v]) => [k, { itemId: v.itemId, reason: v.reason }]));
  const liveLeaves = new Set<string>();
  for (const u of unitById.values()) if (u.members.length === 0) liveLeaves.add(u.id);
  const rootIds = new Set(state.roots.map((r) => r.id));
  const decisions: OpenItemDecision[] = [];
  const claimed = new Set<string>();
  const keepers: Array<{ d: OpenItemDecision; open: OpenItem }> = [];
  for (const open of ledger.open.slice().sort((a, b) => a.item.deadline - b.item.deadline || (a.item.id < b.item.id ? -1 : 1))) {
    const { item } = open;
    const d: OpenItemDecision = { id: item.id, saving: 0, outcome: "keep" };
    decisions.push(d);
    const live = open.leaves.filter((l) => liveLeaves.has(l));
    if (item.state !== "EXECUTING") {
      if (item.resources.every((r) => !liveLeaves.has(leafId(r)))) {
        d.outcome = "GONE";
        d.reason = "resource no longer exists";
        continue;
      }
      const veto = [item.vrId, ...item.resources.map(leafId)].map((id) => ledger.vetoed.get(id)).find((v) => v !== undefined && v.itemId !== item.id);
      if (veto) {
        d.outcome = "VETOED";
        d.reason = `touches a resource vetoed with item ${veto.itemId} (${veto.reason})`;
        continue;
      }
      if (!rootIds.has(item.vrId)) {
        d.outcome = "CANCELLED";
        d.reason = "its resources were regrouped (a volume attached, or a tag changed); planned afresh if still needed";
        continue;
      }
    }
    const at = item.state === "EXECUTING" ? now : Math.max(item.deadline, now);
    d.saving = live.filter((l) => !claimed.has(l)).reduce((sum, leaf) => sum + savingOf(state, unitById.get(leaf), item.action, at, stopped, done.get(leaf) ?? []), 0);
    for (const l of live) claimed.add(l);
    keepers.push({ d, open });
  }
  const gap = budget.gap;
  const cancellable = (k: { open: OpenItem }) => k.open.item.state === "PENDING" || k.open.item.state === "APPROVED";
  const scopes = o.budgets ? scopeBudgets(withGhosts(o.budgets, state.alias, ledger.actedResources), state.roots, state.excluded, forecasts, budget) : undefined;
  let committedPer: Map<string, number> | undefined;
  if (scopes) {
    // Several budgets: an item counts for each budget it is in, and stays while any of them needs it.
    const scoped = keepers.map((k) => ({ d: k.d, cancellable: cancellable(k), rank: rank(k.open), prio: k.open.item.prio, budgets: scopes.budgetsOf(k.open.item) }));
    committedPer = scopes.cancelSurplus(scoped, EPS, SURPLUS_MARGIN);
  } else if (!(gap > EPS)) {
    for (const k of keepers) {
      if (!cancellable(k)) continue;
      k.d.outcome = "CANCELLED";
      k.d.reason = "budget no longer at risk";
      k.d.saving = 0;
    }
  } else {
    let committed = keepers.reduce((s, k) => s + k.d.saving, 0);
    // Surplus: spare the most important resources first (PENDING before APPROVED — an approval is a decision).
    const order = keepers
      .filter((k) => cancellable(k) && k.d.saving > 0)
      .sort((a, b) => rank(a.open) - rank(b.open) || a.open.item.prio - b.open.item.prio || a.d.saving - b.d.saving);
    for (const k of order) {
      if (committed - k.d.saving >= gap * (1 + SURPLUS_MARGIN)) {
        committed -= k.d.saving;
        k.d.outcome = "CANCELLED";
        k.d.reason = "no longer needed: the other planned items cover the gap";
        k.d.saving = 0;
      }
    }
  }
  const committed = decisions.reduce((s, d) => s + (d.outcome === "keep" ? d.saving : 0), 0);

  // 4. The rest of the gap, with everything covered, vetoed or done kept out of the planner's reach.
  const blocked = new Set<string>([...vetoedLeaves.keys(), ...acted, ...ledger.held]);
  for (const k of keepers) if (k.d.outcome === "keep") for (const r of k.open.item.resources) blocked.add(leafId(r));
  const remaining = gap - committed;
  const base = { forecasts, period: state.period, now, graceMs: o.graceMs, mode: o.plannerMode, stopped, currency: o.currency, timeZone: o.timeZone };
  const scopedPlan = scopes ? scopes.plan({ base, roots: state.roots as VirtualResource[], blocked, committed: committedPer!, eps: EPS }) : undefined;
  const plan =
    scopedPlan?.plan ??
    planTerminations({
      ...base,
      roots: state.roots as VirtualResource[],
      gap: remaining > EPS ? remaining : 0,
      vetoed: blocked,
      baselineExceedsBudget: budget.baselineExceedsBudget,
    });
  // 5. Still uncovered and nobody else left: open items act sooner (least important first, as late as still
  //    closes the gap, never before the grace from now).
  let uncovered = gap - committed - plan.savings;
  let advanced = 0;
  // With budgets: what each still lacks; an item moves for the largest lack among its budgets (budgets/advance.ts).
  const needs = scopes && scopedPlan ? scopedNeeds(scopes.figures, committedPer!, scopedPlan.planned, EPS) : undefined;
  if (uncovered > EPS || needs?.any()) {
    const days = candidateDays(state, now + o.graceMs);
    // An item an operator postponed (its deadline past the date it was planned for) keeps the operator's date.
    const postponed = (k: { open: OpenItem }) => k.open.item.deadline > k.open.item.tdate + 60_000;
    const movable = keepers
      .filter((k) => k.d.outcome === "keep" && cancellable(k) && !postponed(k))
      .sort((a, b) => b.open.item.prio - a.open.item.prio || (a.open.item.id < b.open.item.id ? -1 : 1));
    for (const k of movable) {
      if (needs ? !needs.any() : uncovered <= EPS) break;
      const item = k.open.item;
      const budgets = needs ? scopes!.budgetsOf(item) : [];
      const want = needs ? needs.of(budgets) : uncovered;
      if (want <= EPS) continue;
      const current = Math.max(item.deadline, now);
      const live = k.open.leaves.filter((l) => liveLeaves.has(l));
      const savingAt = (t: number) => live.reduce((sum, leaf) => sum + savingOf(state, unitById.get(leaf), item.action, t, stopped, done.get(leaf) ?? []), 0);
      // The latest day that closes what is left; when none does, the earliest (it closes the most).
      const earlier = days.filter((t) => t < current);
      let chosen: number | undefined;
      let gain = 0;
      for (let i = earlier.length - 1; i >= 0; i--) {
        const g = savingAt(earlier[i]) - k.d.saving;
        if (g >= want - EPS) {
          chosen = earlier[i];
          gain = g;
          break;
        }
      }
      if (chosen === undefined && earlier.length > 0) {
        chosen = earlier[0];
        gain = savingAt(chosen) - k.d.saving;
      }
      if (chosen === undefined || gain <= EPS) continue;
      k.d.advanceTo = chosen;
      k.d.saving += gain;
      uncovered -= gain;
      advanced += gain;
      needs?.apply(budgets, gain);
    }
  }
  const coverage: PlanCoverage = {
    gap,
    committed: committed + advanced,
    planned: plan.savings,
    uncovered: Math.max(0, uncovered),
  };
  plan.coverage = coverage;
  plan.gap = gap;
  if (gap > EPS && remaining <= EPS && plan.outcome === "NOT_NEEDED") plan.outcome = "OK";
  budget.coverage = coverage;
  const series = state.scopeActuals && o.series ? scopeSeries(state.scopeActuals, o.series, state.roots, state.excluded, (id) => overlay.get(id), state.dates.length, scopes?.byRoot) : undefined;

  return {
    budget,
    plan,
    forecasts: summaries(state, overlay),
    decision: { create: plan.items, open: decisions },
    vetoedLeaves,
    ...(scopes && scopedPlan ? { budgets: { states: scopeStates(o.budgets!, scopes, keptPerBudget(keepers.map((k) => ({ d: k.d, item: k.open.item })), scopes), scopedPlan.planned), budgetsOf: scopes.budgetsOf } } : {}),
    ...(series ? { series } : {}),
  };
}

/** Day starts inside the period at or after `from` (the instants a plan may act on), ascending. */
function candidateDays(state: ForecastState, from: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < state.dates.length; k++) if (state.dayStarts[k] >= from && state.dayStarts[k] < state.period.end) out.push(state.dayStarts[k]);
  return out;
}

/** PENDING items are cancelled as surplus before APPROVED ones. */
function rank(open: OpenItem): number {
  return open.item.state === "PENDING" ? 0 : 1;
}

/**
 * What one open item's action on one leaf would still save. A park is a stop until the next period start; a
 * snapshot-delete saves what a delete does minus the backup's own cost from then on (actions/copy-cost.ts).
 */
function savingOf(state: ForecastState, unit: ResourceUnit | undefined, action: PlanAction, at: number, stopped: Set<string>, done: LeafAction[]): number {
  if (!unit || unit.kind === "GROUP" || unit.kind === "GHOST") return 0;
  const park = isPark(action);
  if (park && (!isParkableKind(unit.kind) || stopped.has(unit.id))) return 0;
  const saved = wouldSave(state, unit.id, done, { leaf: unit.id, kind: unit.kind, action: park ? "stop" : "delete", at });
  return action === "snapshot-delete" && unit.kind === "RDS" ? Math.max(0, saved - copyCost(state, unit.id, at)) : saved;
}

/** The forecast cost of a database's backup made at `at`, to the period end. */
function copyCost(state: ForecastState, leaf: string, at: number): number {
  const base = state.units.get(leaf);
  if (!base) return 0;
  const storage = 1 - (state.stopShare.get(leaf) ?? 0);
  let sum = 0;
  for (let k = 0; k < state.dates.length; k++) {
    const from = Math.max(at, state.dayStarts[k]);
    const to = state.dayStarts[k + 1];
    if (to <= from) continue;
    sum += base.path[k] * storage * COPY_COST_OF_STORAGE * ((to - from) / (to - state.dayStarts[k]));
  }
  return sum;
}

function indexUnits(roots: ResourceUnit[]): Map<string, ResourceUnit> {
  const out = new Map<string, ResourceUnit>();
  const walk = (u: ResourceUnit) => {
    out.set(u.id, u);
    u.members.forEach(walk);
  };
  roots.forEach(walk);
  return out;
}

/** The tree's total after the actions: median shifted by what they removed, the band shifted with it. */
function totalOf(state: ForecastState, overlay: FigureOverlay): ForecastState["total"] {
  const t = state.total;
  const shift = overlay.totalShift;
  const soFar = overlay.totalSoFar;
  const p50 = Math.max(soFar, t.monthEnd.p50 + shift);
  const monthEnd = { p10: Math.min(p50, Math.max(soFar, t.monthEnd.p10 + shift)), p50, p90: Math.max(p50, t.monthEnd.p90 + shift) };
  const band = t.band.map((b, k) => {
    const d = overlay.totalPath[k] - t.path[k];
    const m = Math.max(0, b.p50 + d);
    return { date: b.date, p10: Math.min(m, Math.max(0, b.p10 + d)), p50: m, p90: Math.max(m, b.p90 + d) };
  });
  return { soFar, path: overlay.totalPath, monthEnd, band };
}
