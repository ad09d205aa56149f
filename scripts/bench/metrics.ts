/**
 * Metrics port scrape time with 100,000 chargeback series (target ≤ 200 ms per scrape), served through the real
 * metrics server (Bun.serve, HTTP on 127.0.0.1) two ways, side by side in one run:
 *   - ot3c's own OpenMetrics renderer (src/exporter/chargeback/format.ts), the one the chargeback exporter uses;
 *   - the same series through prom-client Gauges (which cannot carry sample timestamps — one more reason the
 *     chargeback family is rendered by hand).
 * Prints median/p90 per scrape for both and the ratio; the faster one is kept for that family (see README).
 */
import client from "prom-client";
import { render, type MetricFamily } from "../../src/exporter/chargeback/format.ts";
import { createEngineMetrics } from "../../src/exporter/engine-metrics.ts";
import { startMetricsServer } from "../../src/exporter/server.ts";
import { check, report } from "./report.ts";

const SERIES = Number(process.env.BENCH_SERIES ?? 100_000);
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 15);
const hour = Date.UTC(2026, 9, 1, 13);

// 100,000 series shaped like confluent_cloud_chargeback_details: principal × product × env × cost_type.
const products = ["KAFKA_NUM_CKU", "KAFKA_NETWORK_READ", "KAFKA_NETWORK_WRITE", "KAFKA_STORAGE", "CONNECT_CAPACITY"];
const labelsets: Array<Record<string, string>> = [];
for (let i = 0; labelsets.length < SERIES; i++) {
  for (const product_type of products) {
    for (const cost_type of ["UsageCost", "SharedCost"]) {
      if (labelsets.length >= SERIES) break;
      labelsets.push({ principal: `sa-${(i * 7919).toString(36).padStart(6, "0")}`, product_type, env_id: `env-${i % 40}`, cost_type });
    }
  }
}
const values = labelsets.map((_, i) => ((i * 37) % 100000) / 1_000_000);

const family: MetricFamily = {
  name: "confluent_cloud_chargeback_details",
  help: "Approximate Chargeback Distribution details for costs w.r.t contextual access within CCloud",
  type: "gauge",
  samples: labelsets.map((labels, i) => ({ labels, value: values[i]!.toFixed(6), timestampMs: hour })),
};

const promRegistry = new client.Registry();
promRegistry.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE as any);
const gauge = new client.Gauge({ name: family.name, help: family.help, labelNames: ["principal", "product_type", "env_id", "cost_type"], registers: [promRegistry] });
labelsets.forEach((l, i) => gauge.set(l, values[i]!));

const engine = createEngineMetrics({ getSnapshot: () => undefined, currency: "EUR", processMetrics: false });
const own = startMetricsServer({
  listen: "127.0.0.1:0",
  metrics: engine,
  readiness: () => [],
  chargeback: { render: async () => ({ body: render([family], "openmetrics"), contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8" }) },
});
const viaPromClient = startMetricsServer({
  listen: "127.0.0.1:0",
  metrics: engine,
  readiness: () => [],
  chargeback: { render: async () => ({ body: await promRegistry.metrics(), contentType: promRegistry.contentType }) },
});

async function timeScrapes(url: string): Promise<{ median: number; p90: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  await (await fetch(url)).text(); // warm-up
  for (let i = 0; i < SCRAPES; i++) {
    const t0 = performance.now();
    const body = await (await fetch(url, { headers: { Accept: "application/openmetrics-text; version=1.0.0" } })).text();
    times.push(performance.now() - t0);
    bytes = body.length;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p90: times[Math.floor(times.length * 0.9)]!, bytes };
}

const a = await timeScrapes(`${own.url}/chargeback/metrics`);
const b = await timeScrapes(`${viaPromClient.url}/chargeback/metrics`);
await own.stop();
await viaPromClient.stop();

const ratio = b.median / a.median;
console.log(`${SERIES} series, ${SCRAPES} scrapes each over HTTP on 127.0.0.1`);
console.log(`  ot3c renderer : median ${a.median.toFixed(1)} ms, p90 ${a.p90.toFixed(1)} ms, ${(a.bytes / 1e6).toFixed(1)} MB`);
console.log(`  prom-client   : median ${b.median.toFixed(1)} ms, p90 ${b.p90.toFixed(1)} ms, ${(b.bytes / 1e6).toFixed(1)} MB`);
console.log(`  prom-client / ot3c = ${ratio.toFixed(2)}× → keep ${ratio >= 1 ? "the ot3c renderer" : "prom-client"} for the chargeback family`);
report("metrics", [check(`/chargeback/metrics scrape, ${SERIES} series (median)`, a.median, "ms", "<=", 200)], {
  promClientMedianMs: b.median,
  ratioPromClientOverOwn: ratio,
});
