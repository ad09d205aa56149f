/**
 * Applying what the engine did to the forecast: the instant a resource is deleted its forecast is zero, a stopped
 * server keeps only its disks' cost, a stopped RDS instance keeps its storage until OTC starts it again by itself
 * seven days later, a resource removed by someone else costs nothing from when that was noticed.
 *
 * Everything works on the median paths of the forecast state (state.ts): an action scales a leaf's remaining days
 * by a factor, and the difference is carried up to its group, its root and the total — so a group's figures stay
 * the sums of its members' and the total stays "so far + Σ roots". The day in which the action happens is split
 * pro rata at the action's instant (the dashboard bills the hours before it).
 */
import type { ResourceKind } from "../types.ts";
import type { ForecastState, UnitFigures } from "./state.ts";

/** OTC starts a stopped RDS instance again by itself after this long (RDS user guide, "Stopping an Instance"). */
export const RDS_AUTO_RESTART_MS = 7 * 86_400_000;

export interface LeafAction {
  leaf: string;
  kind: ResourceKind;
  /** `stop` is a park's effect too (a park is a stop that ot3c undoes at the next period start). */
  action: "stop" | "delete" | "gone";
  at: number;
  /** When the stop ended early (the resource was started again): its window closes there. */
  until?: number;
  /** Counterfactual: the call was not really made (dry run), so cost data after `at` is not what it would be. */
  dryRun?: boolean;
}

/**
 * Until when a stop holds: its own end when it was resumed early, OTC's restart for RDS, else Infinity (a park
 * ends at the next period start, which is past every day forecast here).
 */
export function stopUntil(a: { kind: ResourceKind; at: number; until?: number }): number {
  return Math.min(a.until ?? Infinity, a.kind === "RDS" ? a.at + RDS_AUTO_RESTART_MS : Infinity);
}

/**
 * The leaf's billing rate over time given everything done to it, as a fraction of its untouched rate: 1 until the
 * first action, the stop's residual inside a stop's window, 0 from a delete (or removal) on. Actions combine by
 * time, not by multiplying day factors: a stop at 09:00 and a delete at 10:00 leave the day's cost up to 09:00.
 */
export function rateAt(t: number, actions: LeafAction[], residual: number): number {
  let rate = 1;
  for (const a of actions) {
    if (a.at > t) continue;
    if (a.action !== "stop") return 0;
    if (t < stopUntil(a)) rate = Math.min(rate, residual);
  }
  return rate;
}

/** Mean rate over [from, to): exact, integrating between the actions' instants and their windows' ends. */
export function meanRate(from: number, to: number, actions: LeafAction[], residual: number): number {
  const cuts = [from, to];
  for (const a of actions) {
    for (const t of [a.at, a.action === "stop" ? stopUntil(a) : Infinity]) if (t > from && t < to) cuts.push(t);
  }
  cuts.sort((x, y) => x - y);
  let area = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    if (cuts[i + 1] <= cuts[i]) continue;
    area += rateAt(cuts[i], actions, residual) * (cuts[i + 1] - cuts[i]);
  }
  return area / (to - from);
}

/** The residual rate of a stop: what keeps billing (the storage share). */
export function residualOf(state: ForecastState, leaf: string): number {
  return 1 - (state.stopShare.get(leaf) ?? 0);
}

/**
 * Fraction of each remaining day's untouched cost that is left after `actions` (all on one leaf), or undefined
 * when they leave every remaining day whole.
 */
export function dayFactors(state: ForecastState, actions: LeafAction[], residual: number): Float64Array | undefined {
  if (actions.length === 0) return undefined;
  const n = state.dates.length;
  const f = new Float64Array(n);
  let touched = false;
  for (let k = 0; k < n; k++) {
    f[k] = meanRate(state.dayStarts[k], state.dayStarts[k + 1], actions, residual);
    if (f[k] < 1) touched = true;
  }
  return touched ? f : undefined;
}

/** Mutable copy-on-write view of the state's figures, for applying actions without touching the state itself. */
export class FigureOverlay {
  private readonly changed = new Map<string, UnitFigures>();
  readonly totalPath: Float64Array;
  totalSoFar: number;
  totalShift = 0;

  constructor(private readonly state: ForecastState) {
    this.totalPath = state.total.path.slice();
    this.totalSoFar = state.total.soFar;
  }

  get(id: string): UnitFigures | undefined {
    return this.changed.get(id) ?? this.state.units.get(id);
  }

  private own(id: string): UnitFigures | undefined {
    let f = this.changed.get(id);
    if (f) return f;
    const base = this.state.units.get(id);
    if (!base) return undefined;
    f = { soFar: base.soFar, path: base.path.slice(), monthEnd: { ...base.monthEnd }, excluded: base.excluded, parent: base.parent };
    this.changed.set(id, f);
    return f;
  }

  /** Adds `delta` (per remaining day) and `soFarDelta` to a leaf, its ancestors and — unless excluded — the total. */
  addToLeaf(leaf: string, delta: Float64Array, soFarDelta: number): void {
    let sum = 0;
    for (let k = 0; k < delta.length; k++) sum += delta[k];
    const shift = sum + soFarDelta;
    let excluded = false;
    for (let id: string | undefined = leaf; id !== undefined; id = this.state.units.get(id)?.parent) {
      const f = this.own(id);
      if (!f) break;
      excluded = !!f.excluded;
      for (let k = 0; k < delta.length; k++) f.path[k] = Math.max(0, f.path[k] + delta[k]);
      f.soFar += soFarDelta;
      f.monthEnd = shiftBand(f.monthEnd, shift, f.soFar);
    }
    if (excluded) return;
    for (let k = 0; k < delta.length; k++) this.totalPath[k] = Math.max(0, this.totalPath[k] + delta[k]);
    this.totalSoFar += soFarDelta;
    this.totalShift += shift;
  }

  changedIds(): Iterable<string> {
    return this.changed.keys();
  }
}

function shiftBand(q: { p10: number; p50: number; p90: number }, shift: number, soFar: number): { p10: number; p50: number; p90: number } {
  const p50 = Math.max(soFar, q.p50 + shift);
  return { p10: Math.min(p50, Math.max(soFar, q.p10 + shift)), p50, p90: Math.max(p50, q.p90 + shift) };
}

/**
 * Applies everything done to one leaf (all its actions at once, in time order). Returns the month-end saving it
 * causes: what the forecast of the remaining days loses, plus — for dry runs — the cost data that arrived after
 * the actions and would not exist had they been made.
 */
export function applyActions(overlay: FigureOverlay, state: ForecastState, leaf: string, actions: LeafAction[]): number {
  const fig = overlay.get(leaf);
  if (!fig || actions.length === 0) return 0;
  const residual = residualOf(state, leaf);
  const factors = dayFactors(state, actions, residual);
  const delta = new Float64Array(state.dates.length);
  let saved = 0;
  if (factors) {
    for (let k = 0; k < delta.length; k++) {
      delta[k] = fig.path[k] * (factors[k] - 1);
      saved -= delta[k];
    }
  }
  let soFarDelta = 0;
  const dry = actions.filter((a) => a.dryRun);
  if (dry.length > 0) {
    const after = counterfactualActuals(state, leaf, dry, residual);
    soFarDelta = -after;
    saved += after;
  }
  if (saved !== 0) overlay.addToLeaf(leaf, delta, soFarDelta);
  return saved;
}

/** Actual cost billed after dry-run actions (within their windows) that enforcement would have avoided. */
function counterfactualActuals(state: ForecastState, leaf: string, actions: LeafAction[], residual: number): number {
  const days = state.actualsAfterAction.get(leaf);
  if (!days) return 0;
  let sum = 0;
  for (const d of days) sum += d.amount * (1 - meanRate(d.start, d.end, actions, residual));
  return sum;
}

/**
 * The saving one more action on a leaf *would* bring (for open items), given what was already done to it: the
 * remaining days' forecast it would remove, measured on the untouched path so the two never count a day twice.
 */
export function wouldSave(state: ForecastState, leaf: string, done: LeafAction[], extra: LeafAction): number {
  const base = state.units.get(leaf);
  if (!base) return 0;
  const residual = residualOf(state, leaf);
  const without = dayFactors(state, done, residual);
  const withIt = dayFactors(state, [...done, extra], residual);
  if (!withIt) return 0;
  let saved = 0;
  for (let k = 0; k < withIt.length; k++) saved += base.path[k] * ((without ? without[k] : 1) - withIt[k]);
  return saved;
}
