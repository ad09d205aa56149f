/** `ot3c chargeback sync|show|export|backfill` in-process against the simulator. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { FOCUS_COLUMNS } from "../../../src/exporter/chargeback/focus.ts";
import { startConfluentSim, type ConfluentSim } from "../../../src/sim/confluent/server.ts";
import { run } from "../../cli/helpers.ts";

let sim: ConfluentSim;
let dir: string;
let config: string;
const now = Date.now();

beforeAll(() => {
  sim = startConfluentSim({ scenario: { seed: 4, now, days: 6, clusters: 2, serviceAccounts: 6 } });
  dir = mkdtempSync(join(tmpdir(), "ot3c-cb-cli-"));
  config = join(dir, "ot3c.yaml");
  writeFileSync(
    config,
    [
      "dashboard-secret: dummy-dashboard-token",
      "otccreds: {identityendpoint: 'http://127.0.0.1:1/v3', projectid: p1, accesskey: AK0000000000, secretkey: SK0000000000000}",
      "target-budget: 10",
      "chargeback:",
      `  confluent: {api-key: ${sim.state.apiKey}, api-secret: ${sim.state.apiSecret}, base-url: "${sim.url}"}`,
      `  prometheus: {url: "${sim.url}"}`,
      "  lookback-days: 4",
      "  cutoff-days: 1",
    ].join("\n") + "\n",
    { mode: 0o600 },
  );
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => run(["--config", config, "--state-dir", join(dir, "state"), "chargeback", ...args]);

describe("ot3c chargeback", () => {
  test("sync, then show per principal, cluster and product; totals match the bill", async () => {
    const s = await cli("sync", "--output", "json");
    expect(s.code).toBe(0);
    const res = JSON.parse(s.out);
    expect(res.daysRecomputed.length).toBe(4);
    const show = await cli("show", "--output", "json");
    expect(show.code).toBe(0);
    const report = JSON.parse(show.out);
    const day = (n: number) => new Date(Math.floor(now / 86_400_000) * 86_400_000 - n * 86_400_000).toISOString().slice(0, 10);
    const billed = sim.state.costs.filter((c) => c.start_date >= day(4) && c.start_date < day(0)).reduce((s, c) => s + Math.round(c.amount * 1e6), 0);
    expect(report.total.micros).toBe(billed);
    const sum = (list: Array<{ total: { micros: number } }>) => list.reduce((s, x) => s + x.total.micros, 0);
    expect(sum(report.byPrincipal)).toBe(billed);
    expect(sum(report.byCluster)).toBe(billed);
    expect(sum(report.byProduct)).toBe(billed);
    expect(report.byCluster.some((c: { cluster: string }) => c.cluster === "lkc-0000")).toBe(true);
    const text = await cli("show");
    expect(text.out).toContain("By principal");
    expect(text.out).toContain("By product");
    // People read cents with the currency, not six decimals.
    expect(text.out).toMatch(/^total \d+\.\d\d USD {3}unallocated \d+\.\d\d USD$/m);
    expect(text.out).not.toMatch(/\d\.\d{6}/);
    const yaml = parse((await cli("show", "--by", "product", "--output", "yaml")).out);
    expect(yaml.total.micros).toBe(billed);
  });

  test("export --format focus-csv: FOCUS columns, x_ extras, BilledCost sums to the ledger", async () => {
    const out = join(dir, "focus.csv");
    const r = await cli("export", "--format", "focus-csv", "--out", out);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe(FOCUS_COLUMNS.join(","));
    const header = lines[0]!.split(",");
    const billed = header.indexOf("BilledCost");
    const reason = header.indexOf("x_AllocationReason");
    let micros = 0;
    for (const l of lines.slice(1)) {
      const f = l.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
      micros += Math.round(Number(f[billed]) * 1e6);
      expect(f[reason]!.length).toBeGreaterThan(0);
    }
    const report = JSON.parse((await cli("show", "--output", "json")).out);
    expect(micros).toBe(report.total.micros);
  });

  test("backfill --out FILE writes OpenMetrics ending in # EOF; export --format openmetrics is the same", async () => {
    const file = join(dir, "bf.om");
    const r = await cli("backfill", "--out", file);
    expect(r.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text.endsWith("# EOF\n")).toBe(true);
    expect(text).toContain("# TYPE confluent_cloud_chargeback_details gauge");
    const e = await cli("export", "--format", "openmetrics", "--out", join(dir, "e.om"));
    expect(e.code).toBe(0);
    expect(readFileSync(join(dir, "e.om"), "utf8")).toBe(text);
  });

  test("without a chargeback section: exit 78 naming the key", async () => {
    const bare = join(dir, "bare.yaml");
    writeFileSync(bare, readFileSync(config, "utf8").split("chargeback:")[0]!, { mode: 0o600 });
    const r = await run(["--config", bare, "--state-dir", join(dir, "state"), "chargeback", "show"]);
    expect(r.code).toBe(78);
    expect(r.err).toContain("chargeback");
  });
});
