/**
 * Steps 2 and 3 of the optimal planner (optimal.ts) for a chosen set of units: which rung of the ladder each unit
 * gets (park before snapshot-delete before delete, engine/actions) and which date (as late as possible), given
 * that together they must close the gap.
 */
import { harmOf, rungOf } from "../actions/ladder.ts";
import { RDS_MAX_STOPPED_MS } from "../actions/resume.ts";
import type { PlanAction, VirtualResource } from "../types.ts";
import type { PlannerInput } from "./units.ts";
import { canStop, copyDays, offers, stopDays } from "./units.ts";

export const EPS = 1e-9;
/** Above this many (action, date) combinations the date phase uses the heuristic instead of exhaustive search. */
const EXACT_LIMIT = 200_000;

export interface Unit {
  vr: VirtualResource;
  prio: number;
  maxSave: number;
}

/** One rung a unit offers, with its saving per candidate date. */
export interface Option {
  action: Exclude<PlanAction, "stop">;
  /** Suffix sums over candidate dates: saving when acted on at cands[j]; length C + 1, last 0. */
  sums: Float64Array;
}

export interface Scheduled {
  unit: Unit;
  /** The rungs the unit offers that save something, least harm first. */
  options: Option[];
  /** Chosen option (index into `options`) and date (index into the candidate dates). */
  o: number;
  j: number;
}

export interface Ctx {
  input: PlannerInput;
  cands: number[];
  candDates: string[];
  candIndex: Map<string, number>;
}

function suffix(amounts: Float64Array): Float64Array {
  const s = new Float64Array(amounts.length + 1);
  for (let j = amounts.length - 1; j >= 0; j--) s[j] = s[j + 1] + amounts[j];
  return s;
}

/** Harm of an option's rung (1 schedule … 4 delete). */
export const harmOfOption = (opt: Option): number => harmOf(rungOf(opt.action));

export function schedule(ctx: Ctx, unit: Unit): Scheduled {
  const { input, candIndex, cands } = ctx;
  const vr = unit.vr;
  const perDay = (points: Iterable<{ date: string; amount: number }>) => {
    const out = new Float64Array(cands.length);
    for (const d of points) {
      const j = candIndex.get(d.date);
      if (j !== undefined) out[j] += d.amount;
    }
    return out;
  };
  const options: Option[] = [];
  if (offers(vr, "park") && canStop(vr, input.stopped)) {
    const park = suffix(perDay(stopDays(vr, input.forecasts, input.period, input.timeZone, { stopped: input.stopped, kinds: "not-RDS" })));
    // A park lasts until the next period start (the end of what is planned here), but OTC starts a stopped RDS
    // instance again by itself after 7 days: for a database a park saves at most the 7 days after it.
    const rds = perDay(stopDays(vr, input.forecasts, input.period, input.timeZone, { stopped: input.stopped, kinds: "RDS" }));
    for (let j = 0; j < cands.length; j++) for (let k = j; k < Math.min(cands.length, j + RDS_STOP_DAYS); k++) park[j] += rds[k];
    if (park.some((x) => x > 0)) options.push({ action: "park", sums: park });
  }
  const removable = offers(vr, "snapshot-delete") || offers(vr, "delete");
  const del = removable ? suffix(perDay(input.forecasts[vr.id]?.rest ?? [])) : undefined;
  if (del && offers(vr, "snapshot-delete")) {
    const copy = suffix(perDay(copyDays(vr, input.forecasts, input.period, input.timeZone)));
    const net = new Float64Array(del.length);
    for (let j = 0; j < net.length; j++) net[j] = Math.max(0, del[j] - copy[j]);
    if (net.some((x) => x > 0)) options.push({ action: "snapshot-delete", sums: net });
  }
  if (del && offers(vr, "delete") && del.some((x) => x > 0)) options.push({ action: "delete", sums: del });
  // Start from the option that saves most (ties: the less harmful).
  let o = 0;
  for (let i = 1; i < options.length; i++) if (options[i].sums[0] > options[o].sums[0] + EPS) o = i;
  return { unit, options, o, j: 0 };
}

/** Days an RDS stop lasts before OTC restarts the instance (one constant with the closed loop's effects). */
const RDS_STOP_DAYS = Math.round(RDS_MAX_STOPPED_MS / 86_400_000);

export const saving = (s: Scheduled, o = s.o, j = s.j): number => (s.options.length === 0 ? 0 : s.options[o].sums[j]);
export const actionOf = (s: Scheduled): Option["action"] => s.options[s.o].action;
/** The most the unit can save (at the earliest date). */
export const maxSaveOf = (s: Scheduled): number => s.options.reduce((m, opt) => Math.max(m, opt.sums[0]), 0);

/**
 * Step 2: the least harmful rungs the slack allows. First every unit that would be deleted moves to its cheapest
 * less harmful rung (smallest loss first) — fewer deletions matter most; then units on `snapshot-delete` move to
 * `park` the same way.
 */
function lowerRungs(set: Scheduled[], slack: number): number {
  for (const level of [harmOf("delete"), harmOf("snapshot-delete")]) {
    const moves: Array<{ s: Scheduled; o: number; loss: number }> = [];
    for (const s of set) {
      if (s.options.length === 0 || harmOfOption(s.options[s.o]) !== level) continue;
      let best = -1;
      for (let i = 0; i < s.options.length; i++) {
        if (harmOfOption(s.options[i]) >= level) continue;
        if (best < 0 || s.options[i].sums[0] > s.options[best].sums[0]) best = i;
      }
      if (best >= 0) moves.push({ s, o: best, loss: saving(s, s.o, 0) - saving(s, best, 0) });
    }
    moves.sort((a, b) => a.loss - b.loss);
    for (const m of moves) {
      if (m.loss <= slack + EPS) {
        m.s.o = m.o;
        slack -= m.loss;
      }
    }
  }
  return slack;
}

/** Steps 2 and 3 for a set whose Σ maxSave closes the gap. */
export function refine(ctx: Ctx, set: Scheduled[]): Scheduled[] {
  const gap = ctx.input.gap;
  const C = ctx.cands.length;
  let combos = 1;
  for (const s of set) {
    combos *= C * Math.max(1, s.options.length);
    if (combos > EXACT_LIMIT) break;
  }
  if (set.length > 0 && combos <= EXACT_LIMIT) return exact(ctx, set);

  let slack = set.reduce((a, s) => a + saving(s, s.o, 0), 0) - gap;
  // Step 2: the least harmful rungs, smallest loss first.
  slack = lowerRungs(set, slack);
  // Step 3: later dates, best of two heuristics.
  const a = delayGreedy(ctx, set, set.map(() => 0), slack);
  let bestJ = a.js;
  let bestLate = a.lateness;
  let bestU = -1;
  let bestSingle = -1;
  for (let u = 0; u < set.length; u++) {
    const s = set[u];
    let j = 0;
    while (j + 1 < C && saving(s, s.o, 0) - saving(s, s.o, j + 1) <= slack + EPS) j++;
    const late = ctx.cands[j] - ctx.cands[0];
    if (late > bestSingle) {
      bestSingle = late;
      bestU = u;
    }
  }
  if (bestU >= 0) {
    const start = set.map(() => 0);
    const s = set[bestU];
    let j = 0;
    while (j + 1 < C && saving(s, s.o, 0) - saving(s, s.o, j + 1) <= slack + EPS) j++;
    start[bestU] = j;
    const b = delayGreedy(ctx, set, start, slack - (saving(s, s.o, 0) - saving(s, s.o, j)));
    if (b.lateness > bestLate) {
      bestLate = b.lateness;
      bestJ = b.js;
    }
  }
  set.forEach((s, i) => (s.j = bestJ[i]));
  return set;
}

/** Cheapest next day first (a binary heap keyed by the cost of delaying each unit by one more day). */
function delayGreedy(ctx: Ctx, set: Scheduled[], start: number[], slack: number): { js: number[]; lateness: number } {
  const C = ctx.cands.length;
  const js = start.slice();
  const heap: Array<[number, number]> = [];
  const push = (e: [number, number]) => {
    heap.push(e);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p][0] <= heap[i][0]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
        if (r < heap.length && heap[r][0] < heap[m][0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  const nextLoss = (u: number) => saving(set[u], set[u].o, js[u]) - saving(set[u], set[u].o, js[u] + 1);
  for (let u = 0; u < set.length; u++) if (js[u] + 1 < C) push([nextLoss(u), u]);
  while (heap.length > 0) {
    const [loss, u] = pop();
    if (loss > slack + EPS) break; // the cheapest step no longer fits, so none does
    slack -= loss;
    js[u]++;
    if (js[u] + 1 < C) push([nextLoss(u), u]);
  }
  let lateness = 0;
  for (let u = 0; u < set.length; u++) lateness += ctx.cands[js[u]] - ctx.cands[0];
  return { js, lateness };
}

/**
 * Exhaustive (rung, date) search for small sets: fewest deletes, then fewest snapshot-deletes, then latest,
 * subject to closing the gap.
 */
function exact(ctx: Ctx, set: Scheduled[]): Scheduled[] {
  const gap = ctx.input.gap;
  const C = ctx.cands.length;
  const maxRest = new Float64Array(set.length + 1);
  for (let u = set.length - 1; u >= 0; u--) maxRest[u] = maxRest[u + 1] + maxSaveOf(set[u]);
  // Harm of a rung as a weight: one delete outweighs every snapshot-delete a set this small can have.
  const weight = (opt: Option) => (opt.action === "delete" ? 1_000_000 : opt.action === "snapshot-delete" ? 1 : 0);
  const cur = set.map((s) => ({ o: s.o, j: 0 }));
  let best: typeof cur | undefined;
  let bestHarm = Infinity;
  let bestLate = -Infinity;
  const walk = (u: number, saved: number, harm: number, late: number): void => {
    if (saved + maxRest[u] < gap - EPS) return;
    if (harm > bestHarm) return;
    if (u === set.length) {
      if (harm < bestHarm || late > bestLate) {
        bestHarm = harm;
        bestLate = late;
        best = cur.map((c) => ({ ...c }));
      }
      return;
    }
    const s = set[u];
    for (let o = 0; o < s.options.length; o++) {
      for (let j = C - 1; j >= 0; j--) {
        cur[u] = { o, j };
        walk(u + 1, saved + saving(s, o, j), harm + weight(s.options[o]), late + ctx.cands[j] - ctx.cands[0]);
      }
    }
  };
  walk(0, 0, 0, 0);
  if (best) set.forEach((s, i) => ((s.o = best![i].o), (s.j = best![i].j)));
  return set;
}
