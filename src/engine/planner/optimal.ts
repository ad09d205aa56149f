/**
 * The `optimal` planner: reach the saving with the least harm (harm.ts defines the order precisely:
 * importance of what is touched, then number of resources, then deletes, then earliness).
 *
 * Algorithm (units = plannable roots: managed, prio > 0, not a ghost, not vetoed; a group is one unit):
 *  0. Dates: only day starts (00:00 local) at or after now + max(grace, minLead) and before the period end.
 *     Saving is counted per whole day (units.ts), so a date between two midnights would only be earlier for
 *     the same counted saving. `maxSave(u)` = deleting u at the earliest date.
 *  1. Which units (exact for the count part of the harm order): walk prio tiers from least to most important
 *     and find the first tier k whose cumulative maxSave closes the gap. Then, from tier k down to the least
 *     important tier, take in each tier the fewest units that still close what the less important tiers cannot,
 *     choosing the largest maxSave first. Per tier that is the minimum count, and the largest sum for that count,
 *     which leaves the most room for the next tiers — so the per-prio count vector is lexicographically minimal.
 *  2. Stop before delete: a unit that can be stopped (servers, databases, their groups) loses
 *     maxSave − stopSave when stopped instead of deleted. With slack = Σ maxSave − gap, switch the units with
 *     the smallest loss first while the slack lasts (maximises the number of stops for this set).
 *  3. As late as possible: moving a unit one day later loses that day's cost. Small instances are searched
 *     exhaustively over (action, date) per unit (fewest deletes, then latest); larger ones take the better of
 *     "cheapest next day first" (a heap) and "one unit as late as the slack allows, then cheapest next day".
 *     Small plans (≤ 40 items) then get a swap repair: a deleted unit is replaced by an equally important
 *     unit that can be stopped, when that lowers the harm (step 1 ranks units by delete saving only).
 *  4. Safety net: the seed's classic plan (with the same minimum lead), pruned and put through steps 2–3, is
 *     kept if it does less harm — never expected after step 1, but it makes "never worse than classic" a
 *     property of the code, not only of the proof.
 * When even all units cannot close the gap, every unit that saves something is planned at the earliest date
 * (stop where a stop saves as much as a delete): END_OF_MANAGEABLE_LIST, the partial plan is shown.
 * Cost: one pass over the forecasts and one sort — O(n·days + n log n); steps 2–3 touch only the chosen units.
 */
import { dayStart, daysOf } from "../period.ts";
import type { PlannedTermination, TerminationPlan, VirtualResource } from "../types.ts";
import { planClassic } from "./classic.ts";
import { compareHarm, harmOf } from "./harm.ts";
import { isRemoval } from "../actions/ladder.ts";
import { actionOf, EPS, maxSaveOf, refine, saving, schedule, type Ctx, type Scheduled, type Unit } from "./schedule.ts";
import { emptyPlan, isPlannable, money, offers, when, type PlannerInput } from "./units.ts";

/** Swap repair runs on plans up to this many items, with this many stoppable candidates per prio, this many rounds. */
const REPAIR_MAX_ITEMS = 40;
const REPAIR_CANDIDATES = 20;
const REPAIR_ROUNDS = 10;

export function planOptimal(input: PlannerInput): TerminationPlan {
  const { gap, period, now } = input;
  if (!(gap > 0)) return emptyPlan(input, "NOT_NEEDED");
  if (input.baselineExceedsBudget) return emptyPlan(input, "BASELINE_EXCEEDS_BUDGET");
  const lead = Math.max(input.graceMs, input.minLeadMs ?? 0);
  const earliest = now + lead;
  const candDates: string[] = [];
  const cands: number[] = [];
  for (const d of daysOf(period)) {
    const t = dayStart(d, input.timeZone);
    if (t >= earliest && t < period.end) {
      candDates.push(d);
      cands.push(t);
    }
  }
  const ctx: Ctx = { input, cands, candDates, candIndex: new Map(candDates.map((d, i) => [d, i])) };
  if (cands.length === 0) return emptyPlan(input, "END_OF_MANAGEABLE_LIST");

  // maxSave per plannable unit, straight from the forecast (dates compare as strings: YYYY-MM-DD).
  const first = candDates[0];
  const units: Unit[] = [];
  for (const vr of input.roots) {
    if (!isPlannable(vr, input.vetoed)) continue;
    let maxSave = 0;
    if (offers(vr, "delete")) {
      // A delete saves the most: its saving is the forecast itself (the cheap path for most units).
      const rest = input.forecasts[vr.id]?.rest;
      if (rest) for (const d of rest) if (d.date >= first && d.date < period.endDate) maxSave += d.amount;
    } else {
      // A ladder without `delete` (ot3c_action=park, a database with copy-before-delete, …): what its rungs save.
      const s = schedule(ctx, { vr, prio: vr.prio, maxSave: 0 });
      if (s.options.length === 0) continue; // nothing it offers saves anything (e.g. ot3c_action=schedule)
      maxSave = maxSaveOf(s);
    }
    units.push({ vr, prio: vr.prio, maxSave });
  }
  units.sort((a, b) => b.prio - a.prio || b.maxSave - a.maxSave || (a.vr.id < b.vr.id ? -1 : a.vr.id > b.vr.id ? 1 : 0));

  // Tiers, least important first.
  const tiers: Array<{ prio: number; units: Unit[]; sum: number }> = [];
  for (const u of units) {
    const last = tiers[tiers.length - 1];
    if (last && last.prio === u.prio) {
      last.units.push(u);
      last.sum += u.maxSave;
    } else tiers.push({ prio: u.prio, units: [u], sum: u.maxSave });
  }
  let cumulative = 0;
  let k = -1;
  for (let i = 0; i < tiers.length; i++) {
    cumulative += tiers[i].sum;
    if (cumulative >= gap - EPS) {
      k = i;
      break;
    }
  }

  if (k < 0) {
    // Not even everything closes the gap: save as much as possible, as early as allowed.
    const all = units.filter((u) => u.maxSave > 0).map((u) => schedule(ctx, u)).filter((s) => s.options.length > 0);
    // The least harmful rung that saves as much as the most saving one.
    for (const s of all) s.o = s.options.findIndex((opt) => opt.sums[0] >= maxSaveOf(s) - EPS);
    return finish(ctx, all, "END_OF_MANAGEABLE_LIST", tiers);
  }

  // Step 1: fewest units per tier, from the decisive tier k down to the least important.
  const below = new Array<number>(k + 1).fill(0); // Σ maxSave of tiers less important than i
  for (let i = 1; i <= k; i++) below[i] = below[i - 1] + tiers[i - 1].sum;
  const chosen: Unit[] = [];
  let got = 0;
  for (let i = k; i >= 0; i--) {
    const need = gap - got - below[i];
    if (need <= EPS) continue;
    let acc = 0;
    for (const u of tiers[i].units) {
      // units within a tier are sorted by maxSave descending
      if (acc >= need - EPS) break;
      chosen.push(u);
      acc += u.maxSave;
    }
    got += acc;
  }
  let best = finish(ctx, refine(ctx, chosen.map((u) => schedule(ctx, u))), "OK", tiers);
  if (chosen.length <= REPAIR_MAX_ITEMS && best.items.some((i) => isRemoval(i.action))) best = repair(ctx, units, chosen, best, tiers);

  // Step 4: the classic plan as a safety net (same minimum lead, so its dates are allowed here too).
  const classic = planClassic({ ...input, mode: "classic", minLeadMs: lead });
  if (classic.outcome === "OK") {
    const byId = new Map(units.map((u) => [u.vr.id, u]));
    let set = classic.items.map((i) => byId.get(i.vrId)).filter((u): u is Unit => u !== undefined && u.maxSave > 0);
    // Classic ranks by the forecast (a delete's saving); a unit that cannot be deleted saves its own maxSave.
    let total = set.reduce((s, u) => s + u.maxSave, 0);
    // Drop what is not needed, most important and smallest first.
    for (const u of set.slice().sort((a, b) => a.prio - b.prio || a.maxSave - b.maxSave)) {
      if (total - u.maxSave >= gap - EPS) {
        set = set.filter((x) => x !== u);
        total -= u.maxSave;
      }
    }
    if (total >= gap - EPS) {
      const alt = finish(ctx, refine(ctx, set.map((u) => schedule(ctx, u))), "OK", tiers);
      if (compareHarm(harmOf(alt.items, period.end), harmOf(best.items, period.end)) < 0) best = alt;
    }
  }
  return best;
}

/** What keeps billing after a stop, in words. */
function stopNote(vr: VirtualResource): string {
  const kinds = new Set<string>();
  const visit = (v: VirtualResource): void => {
    if (v.members.length === 0) kinds.add(v.kind);
    else v.members.forEach(visit);
  };
  visit(vr);
  if (kinds.has("EVS")) return kinds.has("RDS") ? "compute billing ends; volumes and database storage keep billing" : "compute billing ends; its volumes keep billing";
  if (kinds.has("RDS")) return "compute billing ends; database storage keeps billing; OTC starts a database again after 7 days";
  return "compute billing ends";
}

/**
 * Swap repair for small plans: the count step picks, per tier, the units with the largest delete saving, but an
 * equally important unit that can be *stopped* may do the job with less harm. Try replacing each deleted unit by
 * a stoppable unit of the same prio that is not in the plan (best stop savings first) and keep any swap that
 * lowers the harm; repeat until nothing improves.
 */
function repair(ctx: Ctx, units: Unit[], chosen: Unit[], plan: TerminationPlan, tiers: Array<{ prio: number; sum: number }>): TerminationPlan {
  const end = ctx.input.period.end;
  let best = plan;
  let set = chosen.slice();
  const gap = ctx.input.gap;
  // Candidates only from the prios of deleted items (the only swaps that keep the count vector).
  const prios = new Set(plan.items.filter((i) => isRemoval(i.action)).map((i) => i.prio));
  const pool = new Map<number, Array<{ unit: Unit; stop0: number }>>();
  for (const u of units) {
    if (!prios.has(u.prio) || u.maxSave <= 0 || !offers(u.vr, "park")) continue;
    const list = pool.get(u.prio) ?? [];
    list.push({ unit: u, stop0: 0 });
    pool.set(u.prio, list);
  }
  for (const [prio, list] of pool) {
    for (const c of list) {
      const park = schedule(ctx, c.unit).options.find((opt) => opt.action === "park");
      c.stop0 = park ? park.sums[0] : 0;
    }
    pool.set(prio, list.filter((c) => c.stop0 > 0).sort((a, b) => b.stop0 - a.stop0).slice(0, REPAIR_CANDIDATES));
  }
  for (let round = 0; round < REPAIR_ROUNDS; round++) {
    let improved = false;
    const deleted = best.items.filter((i) => isRemoval(i.action)).map((i) => i.vrId);
    for (const id of deleted) {
      const u = set.find((x) => x.vr.id === id);
      if (!u) continue;
      for (const c of pool.get(u.prio) ?? []) {
        if (set.includes(c.unit)) continue;
        const next = set.filter((x) => x !== u).concat(c.unit);
        if (next.reduce((a, x) => a + x.maxSave, 0) < gap - EPS) continue;
        const alt = finish(ctx, refine(ctx, next.map((x) => schedule(ctx, x))), "OK", tiers);
        if (compareHarm(harmOf(alt.items, end), harmOf(best.items, end)) < 0) {
          best = alt;
          set = next;
          improved = true;
          break;
        }
      }
      if (improved) break;
    }
    if (!improved) break;
  }
  return best;
}

function finish(
  ctx: Ctx,
  set: Scheduled[],
  outcome: TerminationPlan["outcome"],
  tiers: Array<{ prio: number; sum: number }>,
): TerminationPlan {
  const { input, cands } = ctx;
  const currency = input.currency ?? "EUR";
  const minPrio = set.length > 0 ? Math.min(...set.map((s) => s.unit.prio)) : 0;
  const lessImportant = tiers.filter((t) => t.prio > minPrio).reduce((a, t) => a + t.sum, 0);
  const leastTier = tiers.length > 0 ? tiers[0].prio : 0;
  const items: PlannedTermination[] = set
    .filter((s) => s.options.length > 0)
    .map((s) => {
      const tdate = cands[s.j];
      const tsave = saving(s);
      const vr = s.unit.vr;
      let tier = `prio ${vr.prio}`;
      if (vr.prio === leastTier) tier += ", the least important in the project";
      else if (vr.prio === minPrio) tier += `, needed because less important resources avoid at most ${money(lessImportant, currency)}`;
      const action = actionOf(s);
      const verb =
        action === "park"
          ? `parking it until the next period starts (${stopNote(vr)})`
          : action === "snapshot-delete"
            ? "deleting it after a backup that outlives it (its cost counted)"
            : "deleting it";
      const at = s.j === 0 ? `on ${when(tdate, input.timeZone)}, the first whole day after the grace period,` : `on ${when(tdate, input.timeZone)}`;
      const goal = outcome === "OK" ? `of the ${money(input.gap, currency)} gap` : `towards the ${money(input.gap, currency)} gap that cannot be closed`;
      return {
        vrId: vr.id,
        action,
        prio: vr.prio,
        owner: vr.owner,
        tdate,
        tsave,
        tasap: s.j === 0,
        reason: `${tier}; ${verb} ${at} avoids ${money(tsave, currency)} ${goal}`,
      };
    })
    .sort((a, b) => a.tdate - b.tdate || b.prio - a.prio || (a.vrId < b.vrId ? -1 : 1));
  return {
    createdAt: input.now,
    period: input.period,
    mode: "optimal",
    gap: input.gap,
    savings: items.reduce((a, i) => a + i.tsave, 0),
    outcome,
    items,
  };
}
