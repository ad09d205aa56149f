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
  action: "stop" | "delete" | "gone";
  at: number;
  /** Counterfactual: the call was not really made (dry run), so cost data after `at` is not what it would be. */
  dryRun?: boolean;
}

/** Until when a stop holds (RDS restarts itself), or Infinity. */
export function stopUntil(a: { kind: ResourceKind; at: number }): number {
  return a.kind === "RDS" ? a.at + RDS_AUTO_RESTART_MS : Infinity;
}

/**
 * Fraction of each remaining day's cost that is left after the action: 1 before `at`, the residual (0 for a
 * delete; the storage share for a stop) inside the action's window, pro rata on the days the window cuts.
 */
export function dayFactors(state: ForecastState, a: LeafAction, stopShare: number | undefined): Float64Array | undefined {
  const residual = a.action === "stop" ? 1 - (stopShare ?? 0) : 0;
  if (residual >= 1) return undefined;
  const from = a.at;
  const until = a.action === "stop" ? stopUntil(a) : Infinity;
  const n = state.dates.length;
  const f = new Float64Array(n);
  let touched = false;
  for (let k = 0; k < n; k++) {
    const ds = state.dayStarts[k];
    const de = state.dayStarts[k + 1];
    const overlap = Math.max(0, Math.min(de, until) - Math.max(ds, from));
    const frac = overlap / (de - ds);
    f[k] = 1 - frac * (1 - residual);
    if (frac > 0) touched = true;
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
    f = { soFar: base.soFar, path: base.path.slice(), monthEnd: { ...base.monthEnd }, excluded: base.excluded };
    this.changed.set(id, f);
    return f;
  }

  /** Adds `delta` (per remaining day) and `soFarDelta` to a leaf, its ancestors and — unless excluded — the total. */
  addToLeaf(leaf: string, delta: Float64Array, soFarDelta: number): void {
    let sum = 0;
    for (let k = 0; k < delta.length; k++) sum += delta[k];
    const shift = sum + soFarDelta;
    let excluded = false;
    for (let id: string | undefined = leaf; id !== undefined; id = this.state.parent.get(id)) {
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
 * Applies one action to a leaf. Returns the month-end saving it causes (what the forecast of the remaining days
 * loses, plus — for a dry run — the cost data that arrived after the action and would not exist had it been made).
 */
export function applyAction(overlay: FigureOverlay, state: ForecastState, a: LeafAction): number {
  const fig = overlay.get(a.leaf);
  if (!fig) return 0;
  const factors = dayFactors(state, a, state.stopShare.get(a.leaf));
  const delta = new Float64Array(state.dates.length);
  let saved = 0;
  if (factors) {
    for (let k = 0; k < delta.length; k++) {
      delta[k] = fig.path[k] * (factors[k] - 1);
      saved -= delta[k];
    }
  }
  let soFarDelta = 0;
  if (a.dryRun) {
    const after = counterfactualActuals(state, a);
    soFarDelta = -after;
    saved += after;
  }
  if (saved !== 0) overlay.addToLeaf(a.leaf, delta, soFarDelta);
  return saved;
}

/** Actual cost billed after a dry-run action's instant (within its window) that enforcement would have avoided. */
function counterfactualActuals(state: ForecastState, a: LeafAction): number {
  const days = state.actualsAfterAction.get(a.leaf);
  if (!days) return 0;
  const residual = a.action === "stop" ? 1 - (state.stopShare.get(a.leaf) ?? 0) : 0;
  const until = a.action === "stop" ? stopUntil(a) : Infinity;
  let sum = 0;
  for (const d of days) {
    const overlap = Math.max(0, Math.min(d.end, until) - Math.max(d.start, a.at));
    sum += d.amount * (overlap / (d.end - d.start)) * (1 - residual);
  }
  return sum;
}

/**
 * The saving an action *would* bring if made at `at` (for open items): the forecast of the remaining days it
 * would remove, on the current (already adjusted) figures, without changing them.
 */
export function wouldSave(overlay: FigureOverlay, state: ForecastState, a: LeafAction): number {
  const fig = overlay.get(a.leaf);
  if (!fig) return 0;
  const factors = dayFactors(state, a, state.stopShare.get(a.leaf));
  if (!factors) return 0;
  let saved = 0;
  for (let k = 0; k < factors.length; k++) saved += fig.path[k] * (1 - factors[k]);
  return saved;
}
