import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngineMetrics } from "../../src/exporter/engine-metrics.ts";
import { engineReadiness } from "../../src/exporter/readiness.ts";
import { startMetricsServer, type MetricsServer } from "../../src/exporter/server.ts";
import type { EngineSnapshot } from "../../src/engine/types.ts";
import { snapshot } from "./fixtures.ts";

let current: EngineSnapshot | undefined = snapshot();
let server: MetricsServer;
const dir = mkdtempSync(join(tmpdir(), "ot3c-exporter-"));

beforeAll(() => {
  const metrics = createEngineMetrics({ getSnapshot: () => current, currency: "EUR" });
  server = startMetricsServer({
    listen: "127.0.0.1:0",
    metrics,
    readiness: engineReadiness({ configLoaded: true, getSnapshot: () => current, staleAfterMs: 15 * 60_000, stateDir: dir, now: () => snapshot().at }),
  });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function scrape(accept?: string) {
  const res = await fetch(`${server.url}/metrics`, { headers: accept ? { Accept: accept } : {} });
  return { res, body: await res.text() };
}

describe("metrics port", () => {
  test("serves Prometheus text 0.0.4 by default with the key engine series", async () => {
    const { res, body } = await scrape();
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    expect(body).toContain('ot3c_budget_target_amount{currency="EUR"} 1000');
    expect(body).toContain('ot3c_forecast_month_end_amount{currency="EUR",percentile="p90"} 1180');
    expect(body).toContain('ot3c_budget_status{status="OVER"} 1');
    expect(body).toContain('ot3c_budget_status{status="OK"} 0');
    expect(body).toContain('ot3c_plan_items{state="PENDING"} 1');
    expect(body).toContain('ot3c_plan_items{state="VETOED"} 1');
    expect(body).toContain("ot3c_next_deadline_seconds 3600");
    expect(body).toContain("ot3c_terminations_executed_total 3");
    expect(body).toContain('ot3c_api_errors_total{endpoint="ecs"} 1');
    expect(body).toMatch(/ot3c_build_info\{version="[^"]+",commit="[^"]+"\} 1/);
    expect(body).toContain("process_cpu_seconds_total");
    expect(body).toContain("process_resident_memory_bytes");
    expect(body).not.toContain("# EOF");
  });

  test("serves OpenMetrics when the scraper asks for it", async () => {
    const { res, body } = await scrape("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
    expect(res.headers.get("content-type")).toContain("application/openmetrics-text");
    expect(body.trimEnd().endsWith("# EOF")).toBe(true);
    expect(body).toContain("# TYPE ot3c_terminations_executed counter");
  });

  test("is read-only", async () => {
    const res = await fetch(`${server.url}/metrics`, { method: "POST", body: "x" });
    expect(res.status).toBe(405);
  });

  test("healthz, landing page, 404", async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const landing = await fetch(`${server.url}/`);
    expect(await landing.text()).toContain('href="/metrics"');
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/chargeback/metrics`)).status).toBe(404);
  });

  test("readyz follows sync freshness and failure", async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    current = snapshot({ sync: { state: "OK", lastSuccessAt: snapshot().at - 3_600_000 } });
    let res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("stale");
    current = snapshot({ sync: { state: "DEGRADED", lastSuccessAt: snapshot().at - 1000, error: "ecs: HTTP 503" } });
    res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("ecs: HTTP 503");
    current = undefined;
    res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    current = snapshot();
  });

  test("promtool check metrics finds nothing to complain about", async () => {
    const promtool = Bun.which("promtool");
    if (!promtool) {
      if (process.env.CI) throw new Error("promtool is required in CI (apt-get install prometheus)");
      console.warn("SKIP: promtool not installed");
      return;
    }
    const { body } = await scrape();
    const file = join(dir, "metrics.txt");
    writeFileSync(file, body);
    const proc = Bun.spawnSync(["sh", "-c", `${promtool} check metrics < ${file}`], { stdout: "pipe", stderr: "pipe" });
    const out = proc.stdout.toString() + proc.stderr.toString();
    expect(out.trim()).toBe("");
    expect(proc.exitCode).toBe(0);
  });
});
