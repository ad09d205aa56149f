/**
 * Schedules lower the forecast before the planner looks (issue #17): a leaf that follows an office-hours schedule
 * bills its compute only inside the schedule's hours, whether or not the budget is at risk, so its forecast is
 * scaled per remaining day — before any gap, commitment or plan is computed from it.
 *
 * Per day k: g_k = 1 − stopShare × (1 − share_k), share_k = the fraction of the (Berlin billing) day the schedule
 * keeps it running. The forecast model saw the leaf's history; whether that history already followed the schedule
 * decides the scaling:
 * - history without the schedule (the usual case when a schedule is new): path_k × g_k;
 * - history that already followed it: the model has already learnt the scheduled level (a seasonal model even
 *   its weekly shape), so the forecast is left as it is — scaling it again would count the schedule twice.
 * When ot3c runs the schedule, it knows since when (`since`): the leaf is then forecast from its history before
 * that day (build-state.ts, like an action) and scaled. Otherwise the data decides: the scheduled model (cost_d ≈ full × g_d) is taken when it explains the last
 * two weeks at least as well as a flat one. On a tie (the schedule cannot show in the data), the forecast is left
 * alone — the safe side of a promise to the operator.
 *
 * A park or delete of such a leaf then saves only what still runs: its stop share becomes the share of its scheduled
 * remaining cost that a stop ends (Σ full × s × share / Σ full × g).
 */
import { runningShareByDay, type Schedule } from "../actions/schedule.ts";
import { addDays, isoDay as isoDayOf } from "../period.ts";
import type { DailyCost, IsoDate } from "../types.ts";
import { FigureOverlay } from "./effects.ts";
import type { ForecastState } from "./state.ts";

/** History days the model looks at (and the enforcement test reads). */
const HISTORY_DAYS = 14;

export interface ScheduledLeaf {
  leaf: string;
  schedule: Schedule;
  stopShare: number;
  history: DailyCost[];
  /** When ot3c began to run this schedule: the forecast was made from the history before it (not scheduled). */
  since?: number;
}

export interface ScheduleEffect {
  leaf: string;
  schedule: string;
  /** True when the history already followed the schedule (the forecast is left as the model made it). */
  inHistory: boolean;
  /** Month-end forecast the schedule removes. */
  saving: number;
}

/**
 * The stop share is read from the period's cost records (virtual/build.ts); once the schedule runs, those show its
 * compute thinned by the nights and weekends, so the share comes out too low — and the schedule's saving with it.
 * With r the mean running share of the period's data days (1 before the schedule began), an observed share s_o
 * belongs to a true share s = s_o / (r + s_o (1 − r)) (from s_o = s·r / (1 − s + s·r)).
 */
export function unthinnedStopShare(l: ScheduledLeaf, state: Pick<ForecastState, "period" | "lastCompleteDay" | "timeZone">): number {
  if (l.since === undefined || l.schedule.enforce === "start-only") return l.stopShare;
  const days: IsoDate[] = [];
  for (let d = state.period.startDate; d <= state.lastCompleteDay && d < state.period.endDate; d = addDays(d, 1)) days.push(d);
  if (days.length === 0) return l.stopShare;
  const share = runningShareByDay(l.schedule, days, state.timeZone);
  const sinceDay = isoDayOf(l.since, state.timeZone);
  let sum = 0;
  for (const d of days) sum += d >= sinceDay ? (share.get(d) ?? 1) : 1;
  const r = sum / days.length;
  const so = l.stopShare;
  const denom = r + so * (1 - r);
  return denom > 0 ? Math.min(1, Math.max(so, so / denom)) : so;
}

/** Per-day factors for one leaf over `dates`, and whether its history already followed the schedule. */
export function scheduleFactors(l: ScheduledLeaf, dates: IsoDate[], lastCompleteDay: IsoDate, timeZone: string): { factors: Float64Array; inHistory: boolean } {
  if (l.schedule.enforce === "start-only") return { factors: new Float64Array(dates.length).fill(1), inHistory: false };
  const g = (share: number) => 1 - l.stopShare * (1 - share);
  const ahead = runningShareByDay(l.schedule, dates, timeZone);
  const histDates: IsoDate[] = [];
  for (let k = HISTORY_DAYS - 1; k >= 0; k--) histDates.push(addDays(lastCompleteDay, -k));
  const past = runningShareByDay(l.schedule, histDates, timeZone);
  const byDate = new Map(l.history.map((d) => [d.date, d.amount]));
  const cost = histDates.map((d) => byDate.get(d) ?? 0);
  const gh = histDates.map((d) => g(past.get(d) ?? 1));
  const inHistory = l.since === undefined && followsSchedule(cost, gh);
  const factors = new Float64Array(dates.length).fill(1);
  if (!inHistory) for (let k = 0; k < dates.length; k++) factors[k] = g(ahead.get(dates[k]) ?? 1);
  return { factors, inHistory };
}

/** Does cost_d ≈ full × g_d explain the days at least as well as a flat level? */
export function followsSchedule(cost: number[], g: number[]): boolean {
  const n = cost.length;
  if (n === 0 || cost.every((c) => c === 0)) return true;
  const mean = cost.reduce((a, b) => a + b, 0) / n;
  let e0 = 0;
  for (const c of cost) e0 += (c - mean) ** 2;
  let cg = 0;
  let gg = 0;
  for (let i = 0; i < n; i++) {
    cg += cost[i] * g[i];
    gg += g[i] * g[i];
  }
  const full = gg > 0 ? cg / gg : 0;
  let e1 = 0;
  for (let i = 0; i < n; i++) e1 += (cost[i] - full * g[i]) ** 2;
  return e1 <= e0 * (1 + 1e-9);
}

/**
 * Scales every scheduled leaf's remaining days in the state itself (leaf, its groups, the total and its band), so
 * every later step — effects, budget, commitments, planner — starts from the scheduled forecast. Returns what each
 * schedule removed.
 */
export function applySchedules(state: ForecastState, input: ScheduledLeaf[]): ScheduleEffect[] {
  if (input.length === 0) return [];
  const overlay = new FigureOverlay(state);
  const out: ScheduleEffect[] = [];
  for (const raw of input) {
    const l = { ...raw, stopShare: unthinnedStopShare(raw, state) };
    const fig = state.units.get(l.leaf);
    if (!fig) continue;
    const { factors, inHistory } = scheduleFactors(l, state.dates, state.lastCompleteDay, state.timeZone);
    const ahead = runningShareByDay(l.schedule, state.dates, state.timeZone);
    const delta = new Float64Array(state.dates.length);
    let saving = 0;
    let runningCompute = 0;
    let scheduledTotal = 0;
    for (let k = 0; k < delta.length; k++) {
      const after = fig.path[k] * factors[k];
      delta[k] = after - fig.path[k];
      saving -= delta[k];
      // What a stop still ends on day k: the compute of the hours the schedule keeps it running.
      const g = 1 - l.stopShare * (1 - (ahead.get(state.dates[k]) ?? 1));
      const full = g > 0 ? after / g : 0;
      runningCompute += full * l.stopShare * (ahead.get(state.dates[k]) ?? 1);
      scheduledTotal += after;
    }
    if (saving !== 0) overlay.addToLeaf(l.leaf, delta, 0);
    if (scheduledTotal > 0) state.stopShare.set(l.leaf, Math.min(l.stopShare, runningCompute / scheduledTotal));
    out.push({ leaf: l.leaf, schedule: l.schedule.name, inHistory, saving });
  }
  // Write the scaled figures back: the state now is the scheduled forecast.
  for (const id of overlay.changedIds()) state.units.set(id, overlay.get(id)!);
  const shift = overlay.totalShift;
  const t = state.total;
  const band = t.band.map((b, k) => {
    const d = overlay.totalPath[k] - t.path[k];
    const m = Math.max(0, b.p50 + d);
    return { date: b.date, p10: Math.min(m, Math.max(0, b.p10 + d)), p50: m, p90: Math.max(m, b.p90 + d) };
  });
  const p50 = Math.max(t.soFar, t.monthEnd.p50 + shift);
  state.total = {
    soFar: t.soFar,
    path: overlay.totalPath,
    monthEnd: { p10: Math.min(p50, Math.max(t.soFar, t.monthEnd.p10 + shift)), p50, p90: Math.max(p50, t.monthEnd.p90 + shift) },
    band,
  };
  return out;
}
