/**
 * The days one sync fetches, the same for the daemon, `list`, `plan` and `dump-data` so they all plan on the same
 * records: the billing period of `now` plus the forecast's history window, through today. The window ends at the
 * last complete day (at most yesterday), so starting `HISTORY_DAYS` before today covers it; the range ends with
 * today because the dashboard may already hold part of it.
 */
import { HISTORY_DAYS } from "./forecast/series.ts";
import { addDays, billingPeriod, DEFAULT_TIME_ZONE, isoDay } from "./period.ts";
import type { BillingPeriod, IsoDate } from "./types.ts";

/** [from, toExclusive), and the period it serves. */
export interface CostRange {
  period: BillingPeriod;
  from: IsoDate;
  toExclusive: IsoDate;
}

export function costRange(
  now: number,
  o: { billingBeginDay: number; historyDays?: number },
  timeZone: string = DEFAULT_TIME_ZONE,
): CostRange {
  const period = billingPeriod(now, o.billingBeginDay, timeZone);
  const today = isoDay(now, timeZone);
  const historyStart = addDays(today, -(o.historyDays ?? HISTORY_DAYS));
  const from = historyStart < period.startDate ? historyStart : period.startDate;
  return { period, from, toExclusive: addDays(today, 1) };
}
