/**
 * Synthetic daily cost series with known truth, for the backtest and the interval calibration.
 *
 * Each series lives in one target billing period (a calendar month, so 28–31 days occur) plus 5–9 weeks of
 * history before it, unless it is created later (churn). Its daily cost is a product of components, each present
 * with some probability so that the mix resembles a real project: flat volumes, weekday-only dev machines,
 * growing clusters, resized servers, reserved packages billed on the 1st, resources deleted mid-month, spikes.
 * Everything comes from one seeded PRNG (mulberry32), so a seed reproduces the same set bit for bit.
 */
import type { BillingPeriod, DailyCost } from "../types.ts";
import { epochDay, isoDay, monthPeriodOf } from "./dates.ts";

export interface SyntheticSeries {
  id: string;
  period: BillingPeriod;
  /** Full daily history including the whole target period (days without cost are absent, as from the dashboard). */
  daily: DailyCost[];
  /** Components present, for reading the backtest (e.g. "weekly", "lump", "stop"). */
  traits: string[];
}

export { mulberry32 } from "../../util/random.ts";
import { mulberry32 } from "../../util/random.ts";

type Rng = () => number;
const uniform = (rng: Rng, a: number, b: number) => a + (b - a) * rng();
function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Target months to draw from: 24 consecutive months, so every month length and weekday alignment occurs. */
function targetPeriod(rng: Rng): BillingPeriod {
  const k = Math.floor(rng() * 24);
  const y = 2025 + Math.floor(k / 12);
  const m = (k % 12) + 1;
  return monthPeriodOf(`${y}-${String(m).padStart(2, "0")}-01`);
}

export function generateOne(rng: Rng, id: string, period: BillingPeriod): SyntheticSeries {
  const traits: string[] = [];
  const ps = epochDay(period.startDate);
  const pe = epochDay(period.endDate);
  let start = ps - Math.floor(uniform(rng, 35, 63));
  let end = pe; // exclusive
  if (rng() < 0.1) {
    start = ps + Math.floor(uniform(rng, -20, period.days - 3));
    traits.push("created");
  }
  if (rng() < 0.08) {
    end = Math.max(start + 1, ps + Math.floor(uniform(rng, 0, period.days)));
    traits.push("stop");
  }
  const base = Math.exp(uniform(rng, Math.log(0.5), Math.log(200)));
  const flat = rng() < 0.15;
  if (flat) traits.push("flat");
  const weekday = [1, 1, 1, 1, 1, 1, 1];
  if (!flat && rng() < 0.45) {
    const weekend = rng() < 0.4 ? 0 : uniform(rng, 0.2, 0.9);
    weekday[0] = weekend; // Sunday
    weekday[6] = weekend; // Saturday
    traits.push(weekend === 0 ? "weekdays-only" : "weekly");
  } else if (!flat && rng() < 0.2) {
    for (let i = 0; i < 7; i++) weekday[i] = uniform(rng, 0.75, 1.25);
    traits.push("weekly-profile");
  }
  const trend = !flat && rng() < 0.35 ? uniform(rng, -0.008, 0.015) : 0;
  if (trend) traits.push("trend");
  let stepDay = Infinity;
  let stepFactor = 1;
  if (!flat && rng() < 0.3) {
    stepDay = start + Math.floor(uniform(rng, 0, end - start));
    stepFactor = rng() < 0.5 ? uniform(rng, 0.3, 0.7) : uniform(rng, 1.4, 2.5);
    traits.push("step");
  }
  const lump = rng() < 0.2 ? base * uniform(rng, 10, 30) : 0;
  if (lump) traits.push("lump");
  const spikes = !flat && rng() < 0.2;
  if (spikes) traits.push("spikes");
  const sigma = flat ? 0 : uniform(rng, 0.02, 0.25);
  const startDom = new Date(ps * 86_400_000).getUTCDate();

  const daily: DailyCost[] = [];
  for (let d = start; d < end; d++) {
    const dow = (((d + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    let v = base * weekday[dow] * Math.pow(1 + trend, d - start);
    if (d >= stepDay) v *= stepFactor;
    if (sigma > 0) v *= Math.exp(sigma * gaussian(rng) - (sigma * sigma) / 2);
    if (spikes && rng() < 0.03) v *= uniform(rng, 2, 5);
    if (lump && new Date(d * 86_400_000).getUTCDate() === startDom) v += lump;
    if (v > 0) daily.push({ date: isoDay(d), amount: Math.round(v * 1e4) / 1e4 });
  }
  return { id, period, daily, traits };
}

/** `count` independent series, each in its own random target month. */
export function generateSeries(count: number, seed: number): SyntheticSeries[] {
  const rng = mulberry32(seed);
  const out: SyntheticSeries[] = [];
  for (let i = 0; i < count; i++) out.push(generateOne(rng, `syn-${seed}-${i}`, targetPeriod(rng)));
  return out;
}

/**
 * Portfolios: `count` projects sharing one target month each, of log-uniformly drawn sizes in [minSize, maxSize]
 * (the "total" pool: a total's relative error shrinks with the number of resources, so the pool mixes sizes).
 */
export function generatePortfolios(count: number, minSize: number, maxSize: number, seed: number): SyntheticSeries[][] {
  const rng = mulberry32(seed ^ 0x5eed);
  const out: SyntheticSeries[][] = [];
  for (let p = 0; p < count; p++) {
    const period = targetPeriod(rng);
    const size = Math.round(Math.exp(uniform(rng, Math.log(minSize), Math.log(maxSize))));
    const members: SyntheticSeries[] = [];
    for (let i = 0; i < size; i++) members.push(generateOne(rng, `pf-${seed}-${p}-${i}`, period));
    out.push(members);
  }
  return out;
}

/** Actual spend of a series inside its target period. */
export function periodTotal(s: { daily: DailyCost[]; period: BillingPeriod }): number {
  const a = epochDay(s.period.startDate);
  const b = epochDay(s.period.endDate);
  let sum = 0;
  for (const r of s.daily) {
    const d = epochDay(r.date);
    if (d >= a && d < b) sum += r.amount;
  }
  return sum;
}
