/**
 * Planning for several budgets at once (issue #18): close the gap of every over-budget scope that a plan can
 * close, with the least harm overall. The single-budget planners (engine/planner) do the work; this decides which
 * part of the gap each one closes and over which resources:
 *
 *  1. What each budget still needs: its gap − the saving of the open items in it (commitments.ts) − the saving of
 *     the items already chosen here that are in it. An item counts for every budget it is in.
 *  2. Budgets are planned narrowest first (fewest resources), `all` last. A narrow budget's gap can only be closed
 *     by its own resources, and what is chosen for it also lowers every budget around it — so the budgets around
 *     it then need less, and an item that closes several gaps at once is chosen before one that closes one.
 *     Each budget's planner sees only that budget's resources, minus the resources already chosen, vetoed, held
 *     or in open items, and picks with the planner's own harm order (planner/harm.ts).
 *  3. A budget whose baseline alone exceeds its target is not planned (no plan can reach it): it is reported.
 *     When a budget already holds items chosen for narrower budgets inside it, it is also planned afresh (those
 *     items' resources free again): that plan is kept instead when it still closes every budget planned before and
 *     does less harm overall (planner/harm.ts) — one item acting earlier may close both gaps where keeping the
 *     narrow choice would add a second, more important resource.
 *  4. Prune and consolidate (only when more than one budget was planned): an item whose every over budget stays
 *     closed without it is dropped again — the most important resources first (lowest prio), and among equally
 *     important ones the item that serves fewer budgets first. So items closing several gaps at once are preferred
 *     only when the harm is equal. Then two items serving different budgets are replaced by one resource lying in
 *     all of them when that does less harm (fewer resources; `consolidate`, plans of up to 40 items).
 * With only `all` over budget this is one call of the planner on the whole tree, exactly as without `budgets:`.
 */
import { compareHarm, harmOf, planTerminations } from "../planner/index.ts";
import type { PlannerInput } from "../planner/units.ts";
import type { PlannedTermination, TerminationPlan, VirtualResource } from "../types.ts";
import type { ScopeFigures } from "./figures.ts";
import { ALL } from "./scope.ts";

export interface ScopedPlanInput {
  /** Everything the single planner needs except the gap, the roots and the blocked ids. */
  base: Omit<PlannerInput, "gap" | "roots" | "vetoed" | "baselineExceedsBudget">;
  roots: VirtualResource[];
  blocked: Set<string>;
  /** `all` first, then the named budgets. */
  figures: ScopeFigures[];
  /** Saving of the open items kept, per budget. */
  committed: Map<string, number>;
  /** Root id → the budgets it is in. */
  byRoot: Map<string, string[]>;
  eps: number;
}

export interface ScopedPlan {
  plan: TerminationPlan;
  /** Saving of the new items per budget. */
  planned: Map<string, number>;
  /** Budgets the planner could not close (not even with every resource it may touch). */
  exhausted: Set<string>;
}

export function planScopes(input: ScopedPlanInput): ScopedPlan {
  const { figures, committed, byRoot, eps } = input;
  const exhausted = new Set<string>();
  const size = (f: ScopeFigures) => (f.name === ALL ? Infinity : (f.roots?.size ?? 0));
  const order = figures.slice().sort((a, b) => size(a) - size(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const inScope = (f: ScopeFigures, rootId: string) => f.name === ALL || !!f.roots?.has(rootId);
  const needOf = (f: ScopeFigures, items: PlannedTermination[]) =>
    f.gap - (committed.get(f.name) ?? 0) - items.reduce((s, i) => s + (inScope(f, i.vrId) ? i.tsave : 0), 0);
  const periodEnd = input.base.period.end;
  const call = (f: ScopeFigures, gap: number, taken: PlannedTermination[]) => {
    const isAll = f.name === ALL;
    const vetoed = new Set(input.blocked);
    for (const i of taken) vetoed.add(i.vrId);
    const plan = planTerminations({
      ...input.base,
      roots: isAll ? input.roots : input.roots.filter((r) => f.roots?.has(r.id)),
      gap: gap > eps ? gap : 0,
      vetoed,
      baselineExceedsBudget: isAll ? f.baselineExceedsBudget : false,
    });
    const items = plan.items.map((item) => ({ ...item, ...(isAll ? {} : { reason: `budget ${f.name}: ${item.reason}` }), budgets: byRoot.get(item.vrId) ?? [ALL] }));
    return { plan, items };
  };
  let chosen: PlannedTermination[] = [];
  const done: ScopeFigures[] = [];
  let allOutcome: TerminationPlan["outcome"] | undefined;
  let calls = 0;
  for (const f of order) {
    const isAll = f.name === ALL;
    if (!isAll && f.baselineExceedsBudget) continue;
    const gap = needOf(f, chosen);
    if (!(gap > eps) && !isAll) {
      done.push(f);
      continue;
    }
    // A: keep what the narrower budgets chose and close the rest of this one's gap around it.
    const a = call(f, gap, chosen);
    let next = chosen.concat(a.items);
    let outcome = a.plan.outcome;
    // B: plan this budget afresh, the narrower budgets' items in it included (one item, acting earlier, may close
    // both gaps where A adds a second, more important one); kept when it still closes every budget planned so far
    // and does less harm overall.
    const mine = chosen.filter((i) => inScope(f, i.vrId));
    if (gap > eps && mine.length > 0) {
      const others = chosen.filter((i) => !inScope(f, i.vrId));
      const b = call(f, needOf(f, others), others);
      const alt = others.concat(b.items);
      const closes = done.every((g) => g.baselineExceedsBudget || exhausted.has(g.name) || !(needOf(g, alt) > eps));
      if (b.plan.outcome === "OK" && closes && compareHarm(harmOf(alt, periodEnd), harmOf(next, periodEnd)) < 0) {
        next = alt;
        outcome = b.plan.outcome;
      }
    }
    if (isAll) allOutcome = outcome;
    if (next.length > chosen.length || gap > eps) calls++;
    if (outcome === "END_OF_MANAGEABLE_LIST") exhausted.add(f.name);
    chosen = next;
    done.push(f);
  }
  const planned = new Map<string, number>();
  const tally = (items: PlannedTermination[]) => {
    planned.clear();
    for (const i of items) for (const b of i.budgets ?? [ALL]) planned.set(b, (planned.get(b) ?? 0) + i.tsave);
  };
  tally(chosen);
  let items = calls > 1 ? prune(chosen, figures, committed, planned, eps) : chosen;
  if (calls > 1) {
    const closes = (alt: PlannedTermination[]) => done.every((g) => g.baselineExceedsBudget || exhausted.has(g.name) || !(needOf(g, alt) > eps));
    items = consolidate(items, input, byRoot, figures, needOf, closes, eps);
  }
  tally(items);
  const savings = items.reduce((s, i) => s + i.tsave, 0);
  const outcome: TerminationPlan["outcome"] =
    allOutcome === "BASELINE_EXCEEDS_BUDGET" || allOutcome === "END_OF_MANAGEABLE_LIST"
      ? allOutcome
      : exhausted.size > 0
        ? "END_OF_MANAGEABLE_LIST"
        : items.length > 0
          ? "OK"
          : (allOutcome ?? "NOT_NEEDED");
  items.sort((a, b) => a.tdate - b.tdate || b.prio - a.prio || (a.vrId < b.vrId ? -1 : 1));
  const all = figures.find((f) => f.name === ALL)!;
  return {
    plan: { createdAt: input.base.now, period: input.base.period, mode: input.base.mode, gap: all.gap, savings, outcome, items },
    planned,
    exhausted,
  };
}

/** Small plans only: pairs tried for a shared replacement, candidates per pair, rounds. */
const CONSOLIDATE_MAX_ITEMS = 40;
const CONSOLIDATE_CANDIDATES = 20;
const CONSOLIDATE_ROUNDS = 10;

/**
 * Two items serving different budgets may be replaced by one resource that lies in all of them (a team shared by two
 * projects): fewer resources is less harm (planner/harm.ts), which planning one budget at a time cannot see. Tried
 * on plans of up to 40 items, for resources at least as expendable as the pair's least expendable item; a
 * replacement is kept when every budget planned stays closed and the whole plan does less harm.
 */
function consolidate(
  items: PlannedTermination[],
  input: ScopedPlanInput,
  byRoot: Map<string, string[]>,
  figures: ScopeFigures[],
  needOf: (f: ScopeFigures, items: PlannedTermination[]) => number,
  closes: (items: PlannedTermination[]) => boolean,
  eps: number,
): PlannedTermination[] {
  if (items.length < 2 || items.length > CONSOLIDATE_MAX_ITEMS) return items;
  const end = input.base.period.end;
  const over = new Set(figures.filter((f) => f.name !== ALL && f.gap > eps).map((f) => f.name));
  let best = items;
  for (let round = 0; round < CONSOLIDATE_ROUNDS; round++) {
    let improved = false;
    const taken = new Set(best.map((i) => i.vrId));
    outer: for (let a = 0; a < best.length; a++) {
      for (let b = a + 1; b < best.length; b++) {
        const i = best[a]!;
        const j = best[b]!;
        const want = new Set([...(i.budgets ?? []), ...(j.budgets ?? [])].filter((n) => over.has(n)));
        if (want.size < 2) continue;
        const floor = Math.min(i.prio, j.prio);
        const candidates = input.roots
          .filter((r) => !taken.has(r.id) && !input.blocked.has(r.id) && r.prio >= floor && [...want].every((n) => byRoot.get(r.id)?.includes(n)))
          .sort((x, y) => y.prio - x.prio || (x.id < y.id ? -1 : 1))
          .slice(0, CONSOLIDATE_CANDIDATES);
        if (candidates.length === 0) continue;
        const rest = best.filter((x) => x !== i && x !== j);
        const gap = Math.max(0, ...figures.filter((f) => want.has(f.name) || f.name === ALL).map((f) => needOf(f, rest)));
        if (!(gap > eps)) continue;
        for (const u of candidates) {
          const p = planTerminations({ ...input.base, roots: [u], gap, vetoed: input.blocked, baselineExceedsBudget: false });
          if (p.outcome !== "OK" || p.items.length === 0) continue;
          const alt = rest.concat(p.items.map((x) => ({ ...x, reason: `budgets ${[...want].join(", ")}: ${x.reason}`, budgets: byRoot.get(x.vrId) ?? [ALL] })));
          if (!closes(alt) || compareHarm(harmOf(alt, end), harmOf(best, end)) >= 0) continue;
          best = alt;
          improved = true;
          break outer;
        }
      }
    }
    if (!improved) break;
  }
  return best;
}

function prune(items: PlannedTermination[], figures: ScopeFigures[], committed: Map<string, number>, planned: Map<string, number>, eps: number): PlannedTermination[] {
  const gap = new Map(figures.map((f) => [f.name, f.gap]));
  const covered = (b: string) => (committed.get(b) ?? 0) + (planned.get(b) ?? 0);
  const order = items
    .slice()
    .sort((a, b) => a.prio - b.prio || (a.budgets?.length ?? 1) - (b.budgets?.length ?? 1) || a.tsave - b.tsave || (a.vrId < b.vrId ? -1 : 1));
  const dropped = new Set<PlannedTermination>();
  for (const item of order) {
    const budgets = item.budgets ?? [ALL];
    // Only where the item's budgets are closed now and stay closed without it.
    const spare = budgets.every((b) => !((gap.get(b) ?? 0) > eps) || covered(b) - item.tsave >= (gap.get(b) ?? 0) - eps);
    if (!spare) continue;
    dropped.add(item);
    for (const b of budgets) planned.set(b, (planned.get(b) ?? 0) - item.tsave);
  }
  return items.filter((i) => !dropped.has(i));
}
