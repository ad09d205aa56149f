/**
 * Evaluates the PromQL subset of promql.ts over the series a Prometheus scraping the simulated Metrics export
 * endpoint would hold: `confluent_kafka_server_{request,response}_bytes{kafka_id, principal_id, type}`, one sample
 * per minute (the minute's delta, stamped at the minute's start) while a traffic stream exists.
 *
 * Semantics follow Prometheus 3: a range `[d]` at t holds the samples stamped in (t − d, t]; an instant selector
 * takes the newest sample within the 5-minute lookback; `rate`/`increase` extrapolate like Prometheus' own
 * `extrapolatedRate` (treating the gauge as a counter, as Prometheus does when asked); functions drop `__name__`.
 */
import { minuteBytes, rangeBytes, streamPresent, type ConfluentSimState, type TrafficStream } from "../confluent/state.ts";
import { matches, type Expr } from "./promql.ts";

const MINUTE = 60_000;
const LOOKBACK_MS = 5 * MINUTE;

export interface StoredSeries {
  labels: Record<string, string>;
  streams: TrafficStream[];
  which: "request" | "response";
}

export interface InstantSample {
  labels: Record<string, string>;
  value: number;
}

export interface RangeSeries {
  labels: Record<string, string>;
  samples: Array<[number, number]>;
}

const METRICS = [
  ["confluent_kafka_server_request_bytes", "request", "Produce"],
  ["confluent_kafka_server_response_bytes", "response", "Fetch"],
] as const;

/** The simulated traffic as Prometheus series (streams of one cluster and principal add up, as the export does). */
export function storedSeries(state: ConfluentSimState): StoredSeries[] {
  const out: StoredSeries[] = [];
  for (const [name, which, type] of METRICS) {
    const byKey = new Map<string, StoredSeries>();
    for (const s of state.traffic) {
      const key = `${s.kafkaId}\u0000${s.principalId}`;
      let series = byKey.get(key);
      if (!series) byKey.set(key, (series = { labels: { __name__: name, kafka_id: s.kafkaId, principal_id: s.principalId, type }, streams: [], which }));
      series.streams.push(s);
    }
    out.push(...byKey.values());
  }
  return out;
}

const alive = (series: StoredSeries, minute: number) => series.streams.some((s) => minute >= s.fromHour && minute < s.toHour);
const valueAt = (series: StoredSeries, minute: number) =>
  series.streams.reduce((sum, s) => sum + (minute >= s.fromHour && minute < s.toHour ? minuteBytes(s, minute, series.which) : 0), 0);

/** First and last minute stamp in (fromExclusive, toInclusive]. */
function stampsIn(fromExclusive: number, toInclusive: number): [number, number] {
  return [Math.floor(fromExclusive / MINUTE) * MINUTE + MINUTE, Math.floor(toInclusive / MINUTE) * MINUTE];
}

export function samplesIn(series: StoredSeries, fromExclusive: number, toInclusive: number): Array<[number, number]> {
  const [first, last] = stampsIn(fromExclusive, toInclusive);
  const out: Array<[number, number]> = [];
  for (let m = first; m <= last; m += MINUTE) if (alive(series, m)) out.push([m, valueAt(series, m)]);
  return out;
}

function sumOverTime(series: StoredSeries, fromExclusive: number, toInclusive: number): number | undefined {
  const [first, last] = stampsIn(fromExclusive, toInclusive);
  if (!series.streams.some((s) => streamPresent(s, first, last + MINUTE))) return undefined;
  return series.streams.reduce((sum, s) => sum + rangeBytes(s, first, last + MINUTE, series.which), 0);
}

/** Prometheus' extrapolatedRate (promql/functions.go) for increase (isRate false) and rate (true). */
export function extrapolatedRate(samples: Array<[number, number]>, rangeStart: number, rangeEnd: number, isRate: boolean): number | undefined {
  if (samples.length < 2) return undefined;
  const [firstT, firstV] = samples[0]!;
  const [lastT, lastV] = samples[samples.length - 1]!;
  let result = lastV - firstV;
  for (let i = 1; i < samples.length; i++) if (samples[i]![1] < samples[i - 1]![1]) result += samples[i - 1]![1];
  const sampled = (lastT - firstT) / 1000;
  let toStart = (firstT - rangeStart) / 1000;
  let toEnd = (rangeEnd - lastT) / 1000;
  const average = sampled / (samples.length - 1);
  if (result > 0 && firstV >= 0) {
    const toZero = sampled * (firstV / result);
    if (toZero < toStart) toStart = toZero;
  }
  const threshold = average * 1.1;
  let interval = sampled;
  interval += toStart >= threshold ? average / 2 : toStart;
  interval += toEnd >= threshold ? average / 2 : toEnd;
  let factor = interval / sampled;
  if (isRate) factor /= (rangeEnd - rangeStart) / 1000;
  return result * factor;
}

function withoutName(labels: Record<string, string>): Record<string, string> {
  const { __name__: _, ...rest } = labels;
  return rest;
}

/** An instant vector at t (epoch ms). A bare range selector is not an instant vector: see `evaluateRangeSelector`. */
export function evaluateInstant(all: StoredSeries[], expr: Expr, t: number): InstantSample[] {
  switch (expr.kind) {
    case "selector": {
      const out: InstantSample[] = [];
      for (const s of all) {
        if (!matches(s.labels, expr.matchers)) continue;
        for (let m = Math.floor(t / MINUTE) * MINUTE; m > t - LOOKBACK_MS; m -= MINUTE) {
          if (alive(s, m)) {
            out.push({ labels: { ...s.labels }, value: valueAt(s, m) });
            break;
          }
        }
      }
      return out;
    }
    case "call": {
      const range = expr.arg.rangeMs!;
      const out: InstantSample[] = [];
      for (const s of all) {
        if (!matches(s.labels, expr.arg.matchers)) continue;
        const v =
          expr.fn === "sum_over_time"
            ? sumOverTime(s, t - range, t)
            : extrapolatedRate(samplesIn(s, t - range, t), t - range, t, expr.fn === "rate");
        if (v !== undefined) out.push({ labels: withoutName(s.labels), value: v });
      }
      return out;
    }
    case "sum": {
      const groups = new Map<string, InstantSample>();
      for (const sample of evaluateInstant(all, expr.arg, t)) {
        const labels: Record<string, string> = {};
        for (const l of expr.by ?? []) if (sample.labels[l] !== undefined && sample.labels[l] !== "") labels[l] = sample.labels[l]!;
        const key = JSON.stringify(Object.entries(labels).sort());
        const g = groups.get(key);
        if (g) g.value += sample.value;
        else groups.set(key, { labels, value: sample.value });
      }
      return [...groups.values()];
    }
  }
}

/** A range selector evaluated at t: the raw samples in (t − range, t] (an instant query answers it as a matrix). */
export function evaluateRangeSelector(all: StoredSeries[], expr: Expr & { kind: "selector" }, t: number): RangeSeries[] {
  const out: RangeSeries[] = [];
  for (const s of all) {
    if (!matches(s.labels, expr.matchers)) continue;
    const samples = samplesIn(s, t - expr.rangeMs!, t);
    if (samples.length > 0) out.push({ labels: { ...s.labels }, samples });
  }
  return out;
}
