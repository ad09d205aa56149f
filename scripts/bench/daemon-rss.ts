/**
 * Daemon memory with 10,000 resources (target: resident set ≤ 150 MB): the compiled `dist/ot3c daemon` against
 * the simulator (3,000 ECS, 6,000 EVS, 200 CCE node pools, 800 RDS, 45 days of cost history), with a 10 s sync
 * interval so several full sync → forecast → plan cycles run while it is measured. The simulator runs in this
 * process, the daemon in its own, so the figure is the daemon's alone (from /proc/<pid>/status).
 *
 * Figures: resident set after the cycles (VmRSS, the target) and the peak (VmHWM), both in MB.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateScenario } from "../../src/sim/scenario/generate.ts";
import { startSim } from "../../src/sim/server.ts";
import { check, report } from "./report.ts";

const bin = join(import.meta.dir, "../../dist/ot3c");
if (!existsSync(bin)) {
  console.error("dist/ot3c not found: run npm run build first");
  process.exit(1);
}
const CYCLES = Number(process.env.BENCH_CYCLES ?? 4);

// BENCH_SCALE shrinks the project (e.g. 0.01 for the near-empty baseline the figure is compared against).
const scale = Number(process.env.BENCH_SCALE ?? 1);
const n = (x: number) => Math.max(1, Math.round(x * scale));
const scenario = generateScenario({ now: Date.now(), ecs: n(3000), evs: n(6000), cceClusters: n(10), cceNodePools: n(200), rds: n(800) });
const w = scenario.world;
const resources = w.servers.size + w.volumes.size + w.nodePools.size + w.rds.size;
const sim = startSim({ world: w, targetBudget: scenario.targetBudget });
const dir = mkdtempSync(join(tmpdir(), "ot3c-bench-rss-"));
const port = 20000 + Math.floor(Math.random() * 20000);
const cfg = join(dir, "ot3c.yaml");
writeFileSync(cfg, sim.configYaml() + `metrics: {listen: "127.0.0.1:${port}"}\nsync-interval: 10s\nstale-after: 60s\n`, { mode: 0o600 });

const proc = Bun.spawn([bin, "--config", cfg, "--state-dir", join(dir, "state"), "daemon"], {
  stdout: Bun.file(join(dir, "daemon.log")),
  stderr: "inherit",
  env: { ...process.env, NO_COLOR: "1", ...(process.env.BENCH_BUN_OPTIONS ? { BUN_OPTIONS: process.env.BENCH_BUN_OPTIONS } : {}) },
});

function status(field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${proc.pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function syncs(): Promise<number> {
  try {
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = /^ot3c_syncs_total (\d+)/m.exec(body);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

try {
  const deadline = Date.now() + Number(process.env.BENCH_TIMEOUT_MS ?? 180_000);
  let done = 0;
  while ((done = await syncs()) < CYCLES) {
    if (Date.now() > deadline) {
      process.exitCode = 1;
      throw new Error(`only ${done} syncs within 180 s`);
    }
    if (proc.exitCode !== null) throw new Error(`daemon exited with ${proc.exitCode}`);
    await Bun.sleep(500);
  }
  await Bun.sleep(2000); // let the last cycle's garbage settle as it would between syncs
  // The scrape that reads the heap builds an engine snapshot and the exposition (~8 MB more RSS with 10,000
  // resources); the figure checked is the one after it, as a scraped daemon runs, and the one before is shown too.
  const rssBeforeScrape = status("VmRSS");
  const heapMB = Number(/^process_heap_bytes (\S+)/m.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1] ?? NaN) / 1048576;
  const rss = status("VmRSS");
  const hwm = status("VmHWM");
  console.log(
    `${resources} resources, ${w.costs.length} cost records; after ${done} sync cycles: RSS ${rss.toFixed(0)} MB ` +
      `(${rssBeforeScrape.toFixed(0)} MB before the last /metrics scrape), peak ${hwm.toFixed(0)} MB, live JS heap ${heapMB.toFixed(0)} MB`,
  );
  report("daemon-rss", [check(`daemon resident set, ${resources} resources`, rss, "MB", "<=", 150)], {
    peakMB: hwm,
    heapMB,
    rssBeforeScrapeMB: rssBeforeScrape,
    resources,
    syncs: done,
  });
} finally {
  proc.kill("SIGTERM");
  await proc.exited;
  await sim.stop();
  if (process.exitCode) console.error(readFileSync(join(dir, "daemon.log"), "utf8").split("\n").slice(-15).join("\n"));
  rmSync(dir, { recursive: true, force: true });
}
