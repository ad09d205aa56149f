/**
 * Issue 6 item 4, end to end: the compiled binary (`dist/ot3c`, built when missing or older than the sources) runs
 * `ot3c demo --headless` on a known metrics port, and a real Prometheus (`/usr/bin/prometheus`, scrape interval 1 s)
 * scrapes it. The key series are asserted through Prometheus' HTTP API, so names, labels and exposition format are
 * judged by Prometheus itself.
 *
 * Without /usr/bin/prometheus the test skips loudly, unless CI is set, where its absence is a failure.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { BIN, ensureBinary } from "./compiled-binary.ts";

const PROMETHEUS = "/usr/bin/prometheus";
const havePrometheus = existsSync(PROMETHEUS);
const inCI = !!process.env.CI && process.env.CI !== "false";
if (!havePrometheus && !inCI) {
  console.warn("\n!!!! SKIPPING metrics-prometheus e2e: /usr/bin/prometheus missing (apt-get install -y prometheus) !!!!\n");
}



function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  const port = s.port!;
  s.stop(true);
  return port;
}

/** Reads a subprocess' stdout until `pattern` shows up (the text so far is kept for error messages). */
async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp, ms: number): Promise<string> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  try {
    while (!pattern.test(text)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; got:\n${text}`);
      const chunk = await Promise.race([reader.read(), Bun.sleep(left).then(() => ({ done: true, value: undefined }))]);
      if (chunk.done) {
        if (!pattern.test(text)) throw new Error(`stream ended before ${pattern}; got:\n${text}`);
        break;
      }
      text += dec.decode(chunk.value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

const describeOrSkip = havePrometheus || inCI ? describe : describe.skip;

describeOrSkip("compiled ot3c demo --headless scraped by a real Prometheus", () => {
  let work: string;
  let demo: ReturnType<typeof Bun.spawn> | undefined;
  let prom: ReturnType<typeof Bun.spawn> | undefined;
  let promUrl: string;
  let targetBudget: number;

  beforeAll(async () => {
    if (!havePrometheus) throw new Error(`${PROMETHEUS} is missing, and CI is set: install prometheus`);
    ensureBinary();
    work = mkdtempSync(join(tmpdir(), "ot3c-e2e-metrics-"));
    const metricsPort = freePort();
    demo = Bun.spawn([BIN, "--state-dir", join(work, "state"), "demo", "--headless", "--grace", "3m", "--metrics-listen", `127.0.0.1:${metricsPort}`], {
      cwd: work,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work, NO_COLOR: "1" },
    });
    const banner = await readUntil(demo.stdout as ReadableStream<Uint8Array>, / \| pending \d+/, 20_000);
    expect(banner).toContain(`metrics      http://127.0.0.1:${metricsPort}/metrics`);
    targetBudget = Number(/^target-budget: ([\d.]+)$/m.exec(readFileSync(join(work, "state", "ot3c.yaml"), "utf8"))![1]);

    const promPort = freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    const pdir = join(work, "prometheus");
    mkdirSync(pdir, { recursive: true });
    writeFileSync(
      join(pdir, "prometheus.yml"),
      [
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 900ms",
        "scrape_configs:",
        "  - job_name: ot3c",
        "    static_configs:",
        `      - targets: ["127.0.0.1:${metricsPort}"]`,
        "",
      ].join("\n"),
    );
    prom = Bun.spawn(
      [PROMETHEUS, `--config.file=${join(pdir, "prometheus.yml")}`, `--storage.tsdb.path=${join(pdir, "data")}`, `--web.listen-address=127.0.0.1:${promPort}`, "--log.level=warn"],
      { stdout: "ignore", stderr: "pipe" },
    );
    for (let i = 0; ; i++) {
      if (await fetch(`${promUrl}/-/ready`).then((r) => r.ok).catch(() => false)) break;
      if (i > 150) throw new Error(`prometheus did not become ready: ${await new Response(prom.stderr as ReadableStream).text()}`);
      await Bun.sleep(100);
    }
  }, 45_000);

  afterAll(async () => {
    for (const p of [prom, demo]) {
      if (!p) continue;
      p.kill("SIGTERM");
      const exited = await Promise.race([p.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
      if (!exited) p.kill("SIGKILL");
    }
    if (demo) expect(await demo.exited).toBe(0); // SIGTERM → clean stop
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function query(expr: string): Promise<Sample[]> {
    const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await r.json()) as { status: string; data: { result: Sample[] }; error?: string };
    if (body.status !== "success") throw new Error(`query ${expr}: ${body.error}`);
    return body.data.result;
  }

  /** Waits until Prometheus has scraped a sample for `expr` (the first scrape comes within a second or two). */
  async function series(expr: string): Promise<Sample[]> {
    for (let i = 0; i < 100; i++) {
      const r = await query(expr);
      if (r.length) return r;
      await Bun.sleep(200);
    }
    throw new Error(`no series for ${expr}`);
  }

  test("up, build info, budget, forecast and plan items are in Prometheus with sane values", async () => {
    const up = await series('up{job="ot3c"}');
    expect(up.map((s) => Number(s.value[1]))).toEqual([1]);

    const build = await series("ot3c_build_info");
    expect(build).toHaveLength(1);
    expect(build[0]!.metric.version).toBe(pkg.version);
    expect(Number(build[0]!.value[1])).toBe(1);

    const target = await series("ot3c_budget_target_amount");
    expect(target).toHaveLength(1);
    expect(target[0]!.metric.currency).toBe("EUR");
    expect(Number(target[0]!.value[1])).toBeCloseTo(targetBudget, 6);

    const forecast = await series("ot3c_forecast_month_end_amount");
    const byPct = Object.fromEntries(forecast.map((s) => [s.metric.percentile, Number(s.value[1])]));
    expect(Object.keys(byPct).sort()).toEqual(["p10", "p50", "p90"]);
    expect(byPct.p10!).toBeLessThanOrEqual(byPct.p50!);
    expect(byPct.p50!).toBeLessThanOrEqual(byPct.p90!);
    expect(byPct.p50!).toBeGreaterThan(targetBudget); // the demo scenario overruns its budget

    const items = await series("ot3c_plan_items");
    const byState = Object.fromEntries(items.map((s) => [s.metric.state, Number(s.value[1])]));
    expect(byState.PENDING!).toBeGreaterThanOrEqual(1);
    for (const v of Object.values(byState)) expect(Number.isInteger(v) && v >= 0).toBe(true);

    const status = await series('ot3c_budget_status{status="OVER"}');
    expect(Number(status[0]!.value[1])).toBe(1);
    const deadline = await series("ot3c_next_deadline_seconds");
    expect(Number(deadline[0]!.value[1])).toBeGreaterThan(0);
    expect(Number(deadline[0]!.value[1])).toBeLessThanOrEqual(3 * 60 + 5);
  }, 30_000);
});
