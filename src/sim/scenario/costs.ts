/**
 * Turns "billers" (one per resource and product, with a price and a lifetime) into Enterprise Dashboard daily
 * records, and suggests a target budget from them.
 *
 * Records are built day by day, so `world.costs` comes out ascending by date without a sort, and every string a
 * record holds (date, id, product, tags object) is shared with its biller — 1.8 M records cost ~100 bytes each
 * instead of a JSON line each.
 */
import type { SimCostRecord } from "../world.ts";
import type { Rng } from "./random.ts";
import { daysInMonth, weekday } from "./calendar.ts";

export interface Biller {
  resourceId: string;
  product: string;
  description: string;
  quantityType: string;
  consumptionType: "EL" | "RC";
  /** EL: amount of one full day; RC: the monthly fee charged on the 1st. */
  base: number;
  /** EL: quantity of one full day (e.g. 24 hours). */
  quantity: number;
  /** First billed day index (inclusive) and last (exclusive) within the history. */
  from: number;
  to: number;
  /** Day index from which the resource is stopped (compute no longer billed); Infinity = never. */
  stoppedFrom: number;
  /** Multiplier on Saturdays and Sundays (office-hours servers, autoscaled node pools). */
  weekendFactor: number;
  /** Relative growth over the whole history (0.1 = +10 % from first to last day). */
  trend: number;
  /** Whether random spikes (batch jobs, traffic peaks) happen. */
  spiky: boolean;
  tags: Record<string, string>;
}

export interface CostShape {
  /** Probability of a spike per spiky resource and day. */
  spikeChance: number;
  /** Relative day-to-day noise (0.03 = ±3 %). */
  noise: number;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function buildCosts(rng: Rng, billers: Biller[], days: string[], shape: CostShape): SimCostRecord[] {
  const costs: SimCostRecord[] = [];
  const span = Math.max(1, days.length - 1);
  for (let di = 0; di < days.length; di++) {
    const date = days[di]!;
    const wd = weekday(date);
    const weekend = wd === 0 || wd === 6;
    const monthStart = date.endsWith("-01");
    for (const b of billers) {
      if (di < b.from || di >= b.to) continue;
      if (b.consumptionType === "RC") {
        // Recurring packages are charged as one lump on the first of the month.
        if (monthStart) {
          costs.push({
            date,
            resourceId: b.resourceId,
            product: b.product,
            productDescription: b.description,
            amount: round6(b.base),
            quantity: 1,
            quantityType: "Month",
            consumptionType: "RC",
            tags: b.tags,
          });
        }
        continue;
      }
      if (di >= b.stoppedFrom) continue; // a stopped server bills no compute
      // The creation and deletion days are partial days.
      const partial = di === b.from && b.from > 0 ? 0.2 + 0.7 * rng.float() : di === b.to - 1 && b.to < days.length ? 0.1 + 0.8 * rng.float() : 1;
      let factor = (1 + (b.trend * di) / span) * (weekend ? b.weekendFactor : 1) * partial;
      factor *= 1 + shape.noise * (2 * rng.float() - 1);
      if (b.spiky && rng.float() < shape.spikeChance) factor *= 2 + 3 * rng.float();
      costs.push({
        date,
        resourceId: b.resourceId,
        product: b.product,
        productDescription: b.description,
        amount: round6(b.base * factor),
        quantity: round6(b.quantity * Math.min(factor, 1)),
        quantityType: b.quantityType,
        consumptionType: "EL",
        tags: b.tags,
      });
    }
  }
  return costs;
}

/**
 * The month-end spend a simple run-rate projects for the month of `today` (spend of the month so far plus the mean
 * elastic spend of the last seven days for every remaining day), divided by `overrun`. So `overrun: 1.3` makes the
 * projection exceed the suggested budget by 30 %.
 */
export function suggestTargetBudget(costs: SimCostRecord[], today: string, overrun: number): { targetBudget: number; projected: number } {
  const monthStart = today.slice(0, 8) + "01";
  const perDay = new Map<string, number>();
  let soFar = 0;
  for (const c of costs) {
    if (c.date >= monthStart) soFar += c.amount;
    if (c.consumptionType === "EL") perDay.set(c.date, (perDay.get(c.date) ?? 0) + c.amount);
  }
  const recent = [...perDay.keys()].sort().slice(-7);
  const runRate = recent.length ? recent.reduce((s, d) => s + perDay.get(d)!, 0) / recent.length : 0;
  const remaining = daysInMonth(today) - Number(today.slice(8, 10)) + 1;
  const projected = soFar + runRate * remaining;
  const raw = projected / overrun;
  // A round figure, as a person would write it into a config file.
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(raw, 1))) - 2);
  return { targetBudget: Math.max(1, Math.round(raw / magnitude) * magnitude), projected: Math.round(projected * 100) / 100 };
}
