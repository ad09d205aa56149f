/**
 * Hourly Kafka bytes per (cluster, principal) from the Prometheus that scrapes the Metrics API export endpoint.
 *
 * The export endpoint serves counters as gauges of 1-minute deltas stamped at the minute's start, so the hour's
 * volume is `sum_over_time(x[1h])` — v1 evaluated the raw gauge at hourly steps and so sampled one minute per hour.
 * It is evaluated one second before the hour ends: the window (H − 1 s, H + 1 h − 1 s] holds exactly the samples
 * stamped H … H+59 min, whether the range is left-open (Prometheus 3) or closed (Prometheus 2).
 */
import { HOUR_MS, type UsageSample } from "../../engine/chargeback/types.ts";
import type { PrometheusClient } from "./client.ts";

export const REQUEST_BYTES_QUERY = "sum by (kafka_id, principal_id) (sum_over_time(confluent_kafka_server_request_bytes[1h]))";
export const RESPONSE_BYTES_QUERY = "sum by (kafka_id, principal_id) (sum_over_time(confluent_kafka_server_response_bytes[1h]))";

/** Prometheus caps a range query at 11,000 points per series; a week of hours is 168. */
const WINDOW_HOURS = 24 * 7;

/**
 * Bytes for every hour in [fromMs, toMs) (both hour-aligned). Samples keep the raw `principal_id` (an API key id
 * is mapped to its owner by the allocator, which knows the keys' lifetimes).
 */
export async function fetchUsage(prom: PrometheusClient, fromMs: number, toMs: number): Promise<UsageSample[]> {
  const acc = new Map<string, UsageSample>();
  for (let w = fromMs; w < toMs; w += WINDOW_HOURS * HOUR_MS) {
    const wEnd = Math.min(toMs, w + WINDOW_HOURS * HOUR_MS);
    // Steps one second before the ends of the hours [w, wEnd).
    const start = (w + HOUR_MS) / 1000 - 1;
    const end = wEnd / 1000 - 1;
    const [req, resp] = await Promise.all([
      prom.queryRange(REQUEST_BYTES_QUERY, start, end, 3600),
      prom.queryRange(RESPONSE_BYTES_QUERY, start, end, 3600),
    ]);
    for (const [series, field] of [[req, "requestBytes"], [resp, "responseBytes"]] as const) {
      for (const s of series) {
        const kafkaId = s.metric.kafka_id ?? "";
        const principal = s.metric.principal_id ?? "";
        if (!kafkaId || !principal) continue;
        for (const [t, v] of s.values) {
          const value = Number(v);
          if (!Number.isFinite(value) || value <= 0) continue;
          const hour = Math.round((t + 1) * 1000) - HOUR_MS;
          if (hour % HOUR_MS !== 0) continue;
          const key = `${hour}|${kafkaId}|${principal}`;
          let sample = acc.get(key);
          if (!sample) acc.set(key, (sample = { hour, kafkaId, principal, requestBytes: 0, responseBytes: 0 }));
          sample[field] += value;
        }
      }
    }
  }
  return [...acc.values()];
}
