/**
 * The seed's `CreateTerminationPlan` (dta4/ot3c planning/planning.go; reference/otc-and-ot3c.md §4.2), kept
 * step for step so operators can compare it with `optimal`:
 *
 *   sort roots by prio descending (least important first);
 *   for each: prio 0 → stop with "End of manageable Resource list";
 *             item = createTerminationItem(vr, toSave); toSave -= item.tsave; append; stop when toSave ≤ 0.
 *   createTerminationItem:
 *     tillEnd = forecast of [today 00:00, period end);
 *     if tillEnd > toSave ("later"): walk the forecast days in [now, end) newest first, subtracting each day's
 *        cost from toSave; the first day where it reaches ≤ 0 is tdate (default: the ASAP date now + grace);
 *        tsave = forecast of [tdate, end); tasap = false;
 *     else (ASAP): tdate = now + grace; tsave = forecast of [now + grace, end); tasap = true.
 *
 * Quirks kept on purpose: tillEnd counts today while the backward walk does not (a walk that never reaches
 * ≤ 0 leaves the ASAP date with tasap = false); "later" dates may fall inside the grace window; the last item may
 * save more than needed; every resource walked gets an item, even one that saves nothing; only deletes.
 *
 * Deliberate differences, each marked DIFF below:
 *  1. gap ≤ 0 plans nothing (NOT_NEEDED); the seed planned even at a gap of exactly 0.
 *  2. The partial plan is returned with outcome END_OF_MANAGEABLE_LIST instead of being dropped, and running out
 *     of resources without reaching prio 0 is reported the same way (the seed then claimed success).
 *  3. The period end is exclusive (the seed counted the first day of the next period).
 *  4. Vetoed, unmanaged and ghost roots are skipped (the seed had no vetoes; it had filtered untagged ones out).
 *  5. Ties in prio are ordered by id (the seed's sort was unstable).
 *  6. When the baseline alone exceeds the budget nothing is planned (BASELINE_EXCEEDS_BUDGET): no termination
 *     can reach the target, so every one of them would be harm without purpose.
 *  7. With `minLeadMs` given, no date is earlier than now + minLeadMs (opt-in; used to compare with optimal).
 *  8. The ladder (engine/actions) limits it like every planner: a unit that may not be deleted (`ot3c_action`
 *     park / never-delete / schedule) is skipped, and a database whose last rung is `snapshot-delete`
 *     (copy-before-delete) gets a backup first — still a deletion, saving the forecast minus the backup's cost.
 *     Without an `actions` configuration nothing changes.
 */
import { dayStart, isoDay } from "../period.ts";
import type { PlannedTermination, TerminationPlan, VirtualResource } from "../types.ts";
import { compareRoots } from "../virtual/build.ts";
import { copyDays, costFrom, emptyPlan, isVetoed, money, offers, restDays, when, type PlannerInput } from "./units.ts";

export function planClassic(input: PlannerInput): TerminationPlan {
  const { gap, period, now, forecasts, timeZone } = input;
  if (!(gap > 0)) return emptyPlan(input, "NOT_NEEDED"); // DIFF 1
  if (input.baselineExceedsBudget) return emptyPlan(input, "BASELINE_EXCEEDS_BUDGET"); // DIFF 6
  const currency = input.currency ?? "EUR";
  const lead = input.minLeadMs !== undefined ? Math.max(input.graceMs, input.minLeadMs) : input.graceMs;
  const asap = now + lead;
  const todayStart = dayStart(isoDay(now, timeZone), timeZone);

  const sorted = input.roots.slice().sort(compareRoots); // DIFF 5
  const items: PlannedTermination[] = [];
  let toSave = gap;
  let reachedEnd = true;
  for (const vr of sorted) {
    if (vr.prio === 0) break; // "End of manageable Resource list"
    if (vr.managed === false || vr.kind === "GHOST" || isVetoed(vr, input.vetoed)) continue; // DIFF 4
    if (!offers(vr, "delete") && !offers(vr, "snapshot-delete")) continue; // DIFF 8
    const item = createTerminationItem(vr, toSave);
    toSave -= item.tsave;
    items.push(item);
    if (toSave <= 0) {
      reachedEnd = false;
      break;
    }
  }

  const savings = items.reduce((s, i) => s + i.tsave, 0);
  return {
    createdAt: now,
    period,
    mode: "classic",
    gap,
    savings,
    // DIFF 2: a plan that does not close the gap is shown as such, never as OK.
    outcome: reachedEnd && toSave > 0 ? "END_OF_MANAGEABLE_LIST" : "OK",
    items,
  };

  function createTerminationItem(vr: VirtualResource, stillToSave: number): PlannedTermination {
    let days = restDays(forecasts[vr.id]?.rest, period, timeZone); // DIFF 3: days ≥ period end never appear
    const withCopy = !offers(vr, "delete"); // DIFF 8
    if (withCopy) {
      const copy = new Map(copyDays(vr, forecasts, period, timeZone).map((d) => [d.date, d.amount]));
      days = days.map((d) => ({ ...d, amount: Math.max(0, d.amount - (copy.get(d.date) ?? 0)) }));
    }
    const tillEnd = costFrom(days, todayStart);
    const base = { vrId: vr.id, action: withCopy ? ("snapshot-delete" as const) : ("delete" as const), prio: vr.prio, owner: vr.owner };
    if (tillEnd > stillToSave) {
      let tdate = asap;
      let rem = stillToSave;
      for (let i = days.length - 1; i >= 0 && days[i].start >= now; i--) {
        rem -= days[i].amount;
        if (rem <= 0) {
          tdate = days[i].start;
          break;
        }
      }
      if (input.minLeadMs !== undefined && tdate < asap) tdate = asap; // DIFF 7
      const tsave = costFrom(days, tdate);
      return {
        ...base,
        tdate,
        tsave,
        tasap: false,
        reason:
          `prio ${vr.prio}, next in the seed's order (least important first); its remaining forecast covers the ` +
          `${money(stillToSave, currency)} still to save, so deleting it on ${when(tdate, timeZone)} avoids ${money(tsave, currency)}`,
      };
    }
    const tsave = costFrom(days, asap);
    return {
      ...base,
      tdate: asap,
      tsave,
      tasap: true,
      reason:
        `prio ${vr.prio}, next in the seed's order (least important first); its remaining forecast ` +
        `(${money(tillEnd, currency)}) does not cover the ${money(stillToSave, currency)} still to save, so deleting it ` +
        `as soon as the grace period allows (${when(asap, timeZone)}) avoids ${money(tsave, currency)}`,
    };
  }
}
