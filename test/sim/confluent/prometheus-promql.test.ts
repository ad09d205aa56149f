/**
 * The simulated Prometheus evaluates ordinary PromQL over its stored series, over HTTP, as other clients
 * (dashboards, the original chargeback tool) send it: selectors with matchers, sum by, sum_over_time, increase, rate.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PrometheusClient } from "../../../src/providers/prometheus/client.ts";
import { minuteBytes, type TrafficStream } from "../../../src/sim/confluent/state.ts";
import { startConfluentSim, type ConfluentSim } from "../../../src/sim/confluent/server.ts";

const NOW = Date.parse("2026-05-20T10:00:00Z");
const MIN = 60_000;
let sim: ConfluentSim;
let prom: PrometheusClient;

beforeAll(() => {
  sim = startConfluentSim({ scenario: { seed: 5, now: NOW, days: 3, clusters: 2, serviceAccounts: 5 } });
  prom = new PrometheusClient({ url: sim.url, http: { retries: 0 } });
});
afterAll(() => sim.stop());

/** A stream alive over the whole test window, and every stream of its (cluster, principal). */
function pick(t: number): { s: TrafficStream; same: TrafficStream[] } {
  const s = sim.state.traffic.find((x) => x.fromHour <= t - 3 * 3_600_000 && x.toHour > t + 3_600_000)!;
  return { s, same: sim.state.traffic.filter((x) => x.kafkaId === s.kafkaId && x.principalId === s.principalId) };
}
const at = (streams: TrafficStream[], m: number) => streams.reduce((a, x) => a + (m >= x.fromHour && m < x.toHour ? minuteBytes(x, m, "request") : 0), 0);

describe("simulated Prometheus evaluates PromQL over its stored series", () => {
  const T = Date.parse("2026-05-19T12:30:00Z");

  test("instant selector with label matchers (=, !=, =~, !~) returns the newest sample with its labels", async () => {
    const { s, same } = pick(T);
    const q = `confluent_kafka_server_request_bytes{kafka_id="${s.kafkaId}",principal_id=~"${s.principalId.replace(/[-]/g, "\\\\-")}",type!="Fetch",principal_id!~"nobody.*"}`;
    const out = await prom.query(q, T / 1000);
    expect(out).toHaveLength(1);
    expect(out[0]!.metric).toEqual({ __name__: "confluent_kafka_server_request_bytes", kafka_id: s.kafkaId, principal_id: s.principalId, type: "Produce" });
    expect(Number(out[0]!.value[1])).toBe(at(same, T));
    // Every series of a cluster by regex.
    const all = await prom.query(`confluent_kafka_server_request_bytes{kafka_id=~"${s.kafkaId}|nothing"}`, T / 1000);
    expect(all.length).toBe(new Set(sim.state.traffic.filter((x) => x.kafkaId === s.kafkaId && x.fromHour <= T && x.toHour > T).map((x) => x.principalId)).size);
  });

  test("sum by (kafka_id) (sum_over_time(x[30m])) adds the samples of (t − 30m, t] per cluster", async () => {
    const out = await prom.query("sum by (kafka_id) (sum_over_time(confluent_kafka_server_request_bytes[30m]))", T / 1000);
    const expected = new Map<string, number>();
    for (const x of sim.state.traffic) for (let m = T - 29 * MIN; m <= T; m += MIN) {
      if (m >= x.fromHour && m < x.toHour) expected.set(x.kafkaId, (expected.get(x.kafkaId) ?? 0) + minuteBytes(x, m, "request"));
    }
    expect(new Map(out.map((o) => [o.metric.kafka_id!, Number(o.value[1])]))).toEqual(expected);
    expect(out.every((o) => Object.keys(o.metric).join() === "kafka_id")).toBe(true);
    // The trailing `by` form and a plain sum.
    const total = await prom.query("sum(sum_over_time(confluent_kafka_server_request_bytes[30m]))", T / 1000);
    expect(Number(total[0]!.value[1])).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    const trailing = await prom.query("sum(sum_over_time(confluent_kafka_server_request_bytes[30m])) by (kafka_id)", T / 1000);
    expect(trailing.length).toBe(expected.size);
  });

  test("increase and rate extrapolate over the window like Prometheus; rate = increase / seconds", async () => {
    const { s, same } = pick(T);
    const sel = `confluent_kafka_server_request_bytes{kafka_id="${s.kafkaId}",principal_id="${s.principalId}"}[10m]`;
    // The oracle, from the Prometheus docs: counter resets add the value before the drop; the sampled interval is
    // extended by half an average gap at each end unless a sample sits within 1.1 gaps of it.
    const vals: number[] = [];
    for (let m = T - 9 * MIN; m <= T; m += MIN) vals.push(at(same, m));
    let inc = vals[vals.length - 1]! - vals[0]!;
    for (let i = 1; i < vals.length; i++) if (vals[i]! < vals[i - 1]!) inc += vals[i - 1]!;
    let toStart = 60;
    if (inc > 0 && vals[0]! >= 0) toStart = Math.min(toStart, 540 * (vals[0]! / inc));
    const expected = inc * ((540 + toStart + 0) / 540);
    const got = await prom.query(`increase(${sel})`, T / 1000);
    expect(Number(got[0]!.value[1])).toBeCloseTo(expected, 6);
    expect(got[0]!.metric.__name__).toBeUndefined();
    const rate = await prom.query(`rate(${sel})`, T / 1000);
    expect(Number(rate[0]!.value[1])).toBeCloseTo(expected / 600, 9);
  });

  test("a range query steps the expression; a range selector in an instant query is a matrix of raw samples", async () => {
    const { s, same } = pick(T);
    const q = `sum by (principal_id) (confluent_kafka_server_request_bytes{kafka_id="${s.kafkaId}",principal_id="${s.principalId}"})`;
    const series = await prom.queryRange(q, (T - 10 * MIN) / 1000, T / 1000, 300);
    expect(series).toHaveLength(1);
    expect(series[0]!.values.map(([t, v]) => [t, Number(v)])).toEqual([0, 1, 2].map((k) => [(T - (10 - 5 * k) * MIN) / 1000, at(same, T - (10 - 5 * k) * MIN)]));
    const res = await fetch(`${sim.url}/api/v1/query?time=${T / 1000}&query=${encodeURIComponent(`confluent_kafka_server_request_bytes{kafka_id="${s.kafkaId}",principal_id="${s.principalId}"}[3m]`)}`);
    const body = (await res.json()) as { data: { resultType: string; result: Array<{ values: Array<[number, string]> }> } };
    expect(body.data.resultType).toBe("matrix");
    expect(body.data.result[0]!.values.map(([t]) => t)).toEqual([T / 1000 - 120, T / 1000 - 60, T / 1000]);
  });

  test("an unknown metric is an empty success, not an error", async () => {
    expect(await prom.query("confluent_kafka_server_received_records", T / 1000)).toEqual([]);
    expect(await prom.queryRange("sum(rate(kafka_unknown_total[5m]))", (T - 3_600_000) / 1000, T / 1000, 60)).toEqual([]);
  });
});
