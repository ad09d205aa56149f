/** Prometheus query_range client + hourly usage against the simulated Prometheus API over HTTP. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PrometheusClient } from "../../../src/providers/prometheus/client.ts";
import { fetchUsage, REQUEST_BYTES_QUERY } from "../../../src/providers/prometheus/usage.ts";
import { HttpError } from "../../../src/providers/http.ts";
import { hourBytes } from "../../../src/sim/confluent/state.ts";
import { startConfluentSim, type ConfluentSim } from "../../../src/sim/confluent/server.ts";

const NOW = Date.parse("2026-05-20T10:00:00Z");
const DAY = 86_400_000;
let sim: ConfluentSim;

beforeAll(() => {
  sim = startConfluentSim({ scenario: { seed: 11, now: NOW, days: 10, clusters: 3, serviceAccounts: 9 } });
});
afterAll(() => sim.stop());

describe("Prometheus usage", () => {
  test("hourly bytes per (cluster, principal) equal the simulated counters, across 7-day windows", async () => {
    const prom = new PrometheusClient({ url: sim.url });
    const from = Date.parse("2026-05-10T00:00:00Z");
    const to = from + 9 * DAY;
    const samples = await fetchUsage(prom, from, to);
    const expected = new Map<string, number>();
    for (const s of sim.state.traffic) {
      for (let h = from; h < to; h += 3_600_000) {
        const v = hourBytes(s, h, "request");
        if (v > 0) expected.set(`${h}|${s.kafkaId}|${s.principalId}`, (expected.get(`${h}|${s.kafkaId}|${s.principalId}`) ?? 0) + v);
      }
    }
    const got = new Map(samples.filter((s) => s.requestBytes > 0).map((s) => [`${s.hour}|${s.kafkaId}|${s.principal}`, s.requestBytes]));
    expect(got.size).toBe(expected.size);
    for (const [k, v] of expected) expect(got.get(k)).toBe(v);
    expect(samples.every((s) => s.hour >= from && s.hour < to && s.hour % 3_600_000 === 0)).toBe(true);
  });

  test("basic and bearer auth; a wrong token is a 401", async () => {
    sim.state.prometheusAuth = { type: "bearer", token: "tok-123456" };
    try {
      const ok = new PrometheusClient({ url: sim.url, auth: { type: "bearer", token: "tok-123456" } });
      expect(Array.isArray(await ok.query(REQUEST_BYTES_QUERY, NOW / 1000 - 86400))).toBe(true);
      const bad = new PrometheusClient({ url: sim.url, auth: { type: "bearer", token: "nope-nope" } });
      const err = await bad.query(REQUEST_BYTES_QUERY).catch((e) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect(err.status).toBe(401);
      sim.state.prometheusAuth = { type: "basic", username: "prom", password: "pw-secret" };
      const basic = new PrometheusClient({ url: sim.url, auth: { type: "basic", username: "prom", password: "pw-secret" } });
      expect((await basic.queryRange(REQUEST_BYTES_QUERY, NOW / 1000 - 2 * 86400, NOW / 1000 - 86400, 3600)).length).toBeGreaterThan(0);
    } finally {
      sim.state.prometheusAuth = undefined;
    }
  });

  test("the simulator answers PromQL it does not evaluate with an empty success and a warning, as a real Prometheus answers unknown series", async () => {
    const prom = new PrometheusClient({ url: sim.url, http: { retries: 0 } });
    expect(await prom.query("up")).toEqual([]);
    const res = await fetch(`${sim.url}/api/v1/query?query=${encodeURIComponent("histogram_quantile(0.9, x)")}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; data: { result: unknown[] }; warnings?: string[] };
    expect(body).toMatchObject({ status: "success", data: { result: [] } });
    expect(body.warnings?.[0]).toContain("does not evaluate");
    // An empty query is an error, as in Prometheus.
    expect((await fetch(`${sim.url}/api/v1/query?query=`)).status).toBe(400);
  });

  test("Metrics export endpoint: OpenMetrics with 1-minute deltas in seconds and # EOF", async () => {
    const res = await fetch(`${sim.url}/v2/metrics/cloud/export?resource.kafka.id=lkc-0000&resource.kafka.id=lkc-0001`, {
      headers: { authorization: `Basic ${Buffer.from(`${sim.state.apiKey}:${sim.state.apiSecret}`).toString("base64")}`, accept: "application/openmetrics-text" },
    });
    expect(res.headers.get("content-type")).toContain("application/openmetrics-text");
    const text = await res.text();
    expect(text.trimEnd().endsWith("# EOF")).toBe(true);
    expect(text).toContain("# TYPE confluent_kafka_server_request_bytes gauge");
    const line = text.split("\n").find((l) => l.startsWith('confluent_kafka_server_request_bytes{kafka_id="lkc-0000"'))!;
    expect(line).toBeDefined();
    // Timestamp in seconds, at least 5 minutes old, on a minute boundary.
    const ts = Number(line.split(" ").pop());
    expect(ts % 60).toBe(0);
    expect(Date.now() / 1000 - ts).toBeGreaterThanOrEqual(300);
  });
});
