/**
 * Chargeback benchmark: 200 days × 50 clusters × 2,000 principals from the simulator (run in a child process, so
 * its memory is not counted) → full sync and allocation into a fresh ledger. Budget: ≤ 20 s, ≤ 500 MB peak RSS.
 * Prints the figures and a final JSON line `{"bench":"chargeback", …}`.
 *
 *   bun scripts/bench/chargeback.ts [--days 200] [--clusters 50] [--principals 2000]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const DAYS = arg("days", 200);
const CLUSTERS = arg("clusters", 50);
const PRINCIPALS = arg("principals", 2000);
const NOW = Date.parse("2026-11-01T06:00:00Z");
const scenario = {
  seed: 42, now: NOW, days: DAYS, clusters: CLUSTERS, environments: 5,
  serviceAccounts: Math.round(PRINCIPALS * 0.8), users: PRINCIPALS - Math.round(PRINCIPALS * 0.8), activePerCluster: 6, churn: 0.1,
};

if (args.includes("--serve")) {
  // Child mode: serve the simulator and print its URL.
  const { startConfluentSim } = await import("../../src/sim/confluent/server.ts");
  const sim = startConfluentSim({ scenario });
  process.stdout.write(JSON.stringify({ url: sim.url, apiKey: sim.state.apiKey, apiSecret: sim.state.apiSecret, costs: sim.state.costs.length }) + "\n");
  await new Promise(() => {});
}

function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {}
  return process.memoryUsage().rss / 1024 / 1024;
}

const child = Bun.spawn([process.execPath, import.meta.path, "--serve", ...args], { stdout: "pipe", stderr: "inherit" });
const reader = child.stdout.getReader();
let buf = "";
while (!buf.includes("\n")) {
  const { value, done } = await reader.read();
  if (done) throw new Error("simulator exited");
  buf += new TextDecoder().decode(value);
}
const info = JSON.parse(buf.split("\n")[0]!) as { url: string; apiKey: string; apiSecret: string; costs: number };

const { ConfluentClient } = await import("../../src/providers/confluent/client.ts");
const { PrometheusClient } = await import("../../src/providers/prometheus/client.ts");
const { chargebackSource } = await import("../../src/providers/confluent/source.ts");
const { Ledger } = await import("../../src/store/chargeback/ledger.ts");
const { syncChargeback } = await import("../../src/store/chargeback/sync.ts");

const dir = mkdtempSync(join(tmpdir(), "ot3c-bench-cb-"));
const ledger = Ledger.open(dir);
const source = chargebackSource(
  new ConfluentClient({ apiKey: info.apiKey, apiSecret: info.apiSecret, baseUrl: info.url }),
  new PrometheusClient({ url: info.url }),
);
try {
  const t0 = performance.now();
  const verbose = args.includes("--verbose");
  const res = await syncChargeback(ledger, source, { now: NOW, lookbackDays: DAYS, cutoffDays: 2, ckuUsageRatio: 0.7, log: verbose ? (m) => console.error(`${((performance.now() - t0) / 1000).toFixed(2)}s rss=${Math.round(process.memoryUsage().rss / 1e6)}MB heap=${Math.round(process.memoryUsage().heapUsed / 1e6)}MB ${m}`) : undefined });
  const seconds = (performance.now() - t0) / 1000;
  const rss = peakRssMb();
  const bad = ledger.conservation().filter((r) => r.amount !== r.allocated).length;
  const { chargebackReport } = await import("../../src/store/chargeback/report.ts");
  const tShow = performance.now();
  const shown = chargebackReport(ledger);
  const showSeconds = (performance.now() - tShow) / 1000;
  if (shown.total.micros !== ledger.days().reduce((s, d) => s + d.totalMicros, 0)) throw new Error("report total differs from the billed total");
  const t1 = performance.now();
  const again = await syncChargeback(ledger, source, { now: NOW, lookbackDays: DAYS, cutoffDays: 2, ckuUsageRatio: 0.7 });
  const incremental = (performance.now() - t1) / 1000;
  const out = {
    bench: "chargeback",
    days: DAYS,
    clusters: CLUSTERS,
    principals: PRINCIPALS,
    costRows: res.rowsFetched,
    usageSamples: res.usageSamples,
    pieces: res.piecesWritten,
    daysRecomputed: res.daysRecomputed.length,
    seconds: Math.round(seconds * 100) / 100,
    costRowsPerSecond: Math.round(res.rowsFetched / seconds),
    piecesPerSecond: Math.round(res.piecesWritten / seconds),
    peakRssMb: Math.round(rss),
    conservationFailures: bad,
    incrementalSeconds: Math.round(incremental * 100) / 100,
    showSeconds: Math.round(showSeconds * 100) / 100,
    phasesMs: Object.fromEntries(Object.entries(res.timings).map(([k, v]) => [k, Math.round(v)])),
    incrementalDaysRecomputed: again.daysRecomputed.length,
    withinBudget: seconds <= 20 && rss <= 500 && bad === 0,
  };
  console.log(
    `chargeback sync: ${DAYS} days × ${CLUSTERS} clusters × ${PRINCIPALS} principals\n` +
      `  ${res.rowsFetched} cost rows, ${res.usageSamples} usage samples → ${res.piecesWritten} ledger pieces in ${out.seconds} s\n` +
      `  ${out.costRowsPerSecond} cost rows/s, ${out.piecesPerSecond} pieces/s, peak RSS ${out.peakRssMb} MiB (budget 20 s, 500 MB)\n` +
      `  conservation failures: ${bad}; incremental re-sync ${out.incrementalSeconds} s (${again.daysRecomputed.length} days recomputed); ` +
      `chargeback show over the whole ledger ${out.showSeconds} s`,
  );
  const { check, report } = await import("./report.ts");
  const { bench: _name, ...extra } = out;
  report(
    "chargeback",
    [
      check(`full sync + allocation, ${DAYS} d × ${CLUSTERS} clusters × ${PRINCIPALS} principals`, out.seconds, "s", "<=", 20),
      check("peak RSS of the sync", out.peakRssMb, "MiB", "<=", 500),
      check("billing rows whose pieces do not sum to the row", bad, "rows", "<=", 0),
      check("incremental re-sync of unchanged data", out.incrementalSeconds, "s", "<=", 2),
    ],
    extra,
  );
  if (!out.withinBudget) process.exitCode = 1;
} finally {
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
  child.kill();
}
