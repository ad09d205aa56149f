/**
 * Steps 2 and 3 of the optimal planner (optimal.ts) for a chosen set of units: which action (stop before
 * delete) and which date (as late as possible) each unit gets, given that together they must close the gap.
 */
import type { PlannerInput } from "./units.ts";
import { canStop, stopDays } from "./units.ts";
import type { VirtualResource } from "../types.ts";

export const EPS = 1e-9;
/** Above this many (action, date) combinations the date phase uses the heuristic instead of exhaustive search. */
const EXACT_LIMIT = 200_000;

export interface Unit {
  vr: VirtualResource;
  prio: number;
  maxSave: number;
}

export interface Scheduled {
  unit: Unit;
  /** Suffix sums over candidate dates: saving when deleted / stopped at cands[j]; length C + 1, last 0. */
  del: Float64Array;
  stop?: Float64Array;
  action: "stop" | "delete";
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

export function schedule(ctx: Ctx, unit: Unit): Scheduled {
  const { input, candIndex, cands } = ctx;
  const del = new Float64Array(cands.length);
  for (const d of input.forecasts[unit.vr.id]?.rest ?? []) {
    const j = candIndex.get(d.date);
    if (j !== undefined) del[j] += d.amount;
  }
  const s: Scheduled = { unit, del: suffix(del), action: "delete", j: 0 };
  if (canStop(unit.vr, input.stopped)) {
    const perDay = (kinds: "RDS" | "not-RDS") => {
      const out = new Float64Array(cands.length);
      for (const d of stopDays(unit.vr, input.forecasts, input.period, input.timeZone, { stopped: input.stopped, kinds })) {
        const j = candIndex.get(d.date);
        if (j !== undefined) out[j] += d.amount;
      }
      return out;
    };
    const stop = suffix(perDay("not-RDS"));
    // OTC starts a stopped RDS instance again by itself after 7 days: a stop saves at most the 7 days after it.
    const rds = perDay("RDS");
    for (let j = 0; j < cands.length; j++) for (let k = j; k < Math.min(cands.length, j + RDS_STOP_DAYS); k++) stop[j] += rds[k];
    if (stop.some((x) => x > 0)) s.stop = stop;
  }
  return s;
}

/** Days an RDS stop lasts before OTC restarts the instance (engine/closed-loop/effects.ts). */
const RDS_STOP_DAYS = 7;

export const saving = (s: Scheduled, action = s.action, j = s.j): number => (action === "stop" ? s.stop![j] : s.del[j]);

/** Steps 2 and 3 for a set whose Σ maxSave closes the gap. */
export function refine(ctx: Ctx, set: Scheduled[]): Scheduled[] {
  const gap = ctx.input.gap;
  const C = ctx.cands.length;
  let combos = 1;
  for (const s of set) {
    combos *= C * (s.stop ? 2 : 1);
    if (combos > EXACT_LIMIT) break;
  }
  if (set.length > 0 && combos <= EXACT_LIMIT) return exact(ctx, set);

  let slack = set.reduce((a, s) => a + s.del[0], 0) - gap;
  // Step 2: stop instead of delete, smallest loss first.
  const stoppable = set.filter((s) => s.stop).sort((a, b) => a.del[0] - a.stop![0] - (b.del[0] - b.stop![0]));
  for (const s of stoppable) {
    const loss = s.del[0] - s.stop![0];
    if (loss <= slack + EPS) {
      s.action = "stop";
      slack -= loss;
    }
  }
  // Step 3: later dates, best of two heuristics.
  const a = delayGreedy(ctx, set, set.map(() => 0), slack);
  let bestJ = a.js;
  let bestLate = a.lateness;
  let bestU = -1;
  let bestSingle = -1;
  for (let u = 0; u < set.length; u++) {
    const s = set[u];
    let j = 0;
    while (j + 1 < C && saving(s, s.action, 0) - saving(s, s.action, j + 1) <= slack + EPS) j++;
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
    while (j + 1 < C && saving(s, s.action, 0) - saving(s, s.action, j + 1) <= slack + EPS) j++;
    start[bestU] = j;
    const b = delayGreedy(ctx, set, start, slack - (saving(s, s.action, 0) - saving(s, s.action, j)));
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
  const nextLoss = (u: number) => saving(set[u], set[u].action, js[u]) - saving(set[u], set[u].action, js[u] + 1);
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

/** Exhaustive (action, date) search for small sets: fewest deletes, then latest, subject to closing the gap. */
function exact(ctx: Ctx, set: Scheduled[]): Scheduled[] {
  const gap = ctx.input.gap;
  const C = ctx.cands.length;
  const maxRest = new Float64Array(set.length + 1);
  for (let u = set.length - 1; u >= 0; u--) maxRest[u] = maxRest[u + 1] + set[u].del[0];
  const cur: Array<{ action: "stop" | "delete"; j: number }> = set.map(() => ({ action: "delete", j: 0 }));
  let best: typeof cur | undefined;
  let bestDeletes = Infinity;
  let bestLate = -Infinity;
  const walk = (u: number, saved: number, deletes: number, late: number): void => {
    if (saved + maxRest[u] < gap - EPS) return;
    if (deletes > bestDeletes) return;
    if (u === set.length) {
      if (deletes < bestDeletes || late > bestLate) {
        bestDeletes = deletes;
        bestLate = late;
        best = cur.map((c) => ({ ...c }));
      }
      return;
    }
    const s = set[u];
    const actions: Array<"stop" | "delete"> = s.stop ? ["stop", "delete"] : ["delete"];
    for (const action of actions) {
      for (let j = C - 1; j >= 0; j--) {
        cur[u] = { action, j };
        walk(u + 1, saved + saving(s, action, j), deletes + (action === "delete" ? 1 : 0), late + ctx.cands[j] - ctx.cands[0]);
      }
    }
  };
  walk(0, 0, 0, 0);
  if (best) set.forEach((s, i) => ((s.action = best![i].action), (s.j = best![i].j)));
  return set;
}

