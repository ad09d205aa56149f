/**
 * Inventory benchmark (issue 2, item 11): a simulated project of 20,000 ECS and 40,000 EVS with 30 days of
 * Enterprise Dashboard records (~1.8 M), served by the simulator on 127.0.0.1 in this process; then a full sync —
 * OTC inventory through the OTC provider and the cost history through the dashboard client, as the engine does it —
 * and the virtual-resource build.
 *
 * The simulator runs in a child process (this same file with `--serve`), so the peak RSS measured is ot3c's own —
 * the simulator's world of 1.8 M records is test scaffolding, not part of ot3c's footprint (its RSS is printed too).
 *
 * Figures: wall time of sync + build (target ≤ 30 s), peak RSS of the syncing process (target ≤ 1 GB), and API calls made vs the paging minimum (ECS ⌈n/1000⌉, EVS ⌈n/1000⌉, CCE 1 + clusters, RDS ⌈n/100⌉,
 * dashboard one per calendar month touched). Ends with one JSON line for `npm run bench`.
 *
 * `BENCH_ECS`, `BENCH_EVS`, `BENCH_DAYS` shrink the world for a quick run.
 */
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { startSim } from "../../src/sim/server.ts";
import { createOtcProvider, deriveEndpoints } from "../../src/providers/otc/index.ts";
import { createDashboardClient, monthsTouched } from "../../src/providers/dashboard/index.ts";
import { httpStats, resetHttpStats } from "../../src/providers/http.ts";
import { buildVirtualInventory } from "../../src/engine/virtual/index.ts";
import { billingPeriod } from "../../src/engine/period.ts";
import { check, peakRssMB, report } from "./report.ts";
import { linesOf } from "./lines.ts";

const ecs = Number(process.env.BENCH_ECS ?? 20_000);
const evs = Number(process.env.BENCH_EVS ?? 40_000);
const days = Number(process.env.BENCH_DAYS ?? 30);
// Mid-month, so the 30 days of history span two calendar months (two dashboard streams).
const NOW = Date.parse("2026-11-15T09:00:00Z");
const mb = (bytes: number) => Math.round(bytes / 1048576);

interface SimInfo {
  url: string;
  projectId: string;
  projectName: string;
  region: string;
  credentials: { accessKey: string; secretKey: string; dashboardToken: string };
  firstDay: string;
  servers: number;
  volumes: number;
  clusters: number;
  nodePools: number;
  rds: number;
  costs: number;
  generateSeconds: number;
  rssAfterGenerateMB: number;
}

if (process.argv.includes("--serve")) {
  // Child: generate the world, serve it, describe it on one stdout line, report its peak RSS when told to stop.
  const t0 = performance.now();
  const scenario = presetScenario("large", { ecs, evs, days, now: NOW, seed: 42 });
  const w = scenario.world;
  const generateSeconds = (performance.now() - t0) / 1000;
  const sim = startSim({ world: w, hostname: "127.0.0.1" });
  const info: SimInfo = {
    url: sim.url, projectId: w.projectId, projectName: w.projectName, region: w.region, credentials: w.credentials,
    firstDay: scenario.facts.firstDay, servers: w.servers.size, volumes: w.volumes.size, clusters: w.clusters.size,
    nodePools: w.nodePools.size, rds: w.rds.size, costs: w.costs.length, generateSeconds,
    rssAfterGenerateMB: mb(process.memoryUsage().rss),
  };
  console.log(JSON.stringify(info));
  process.on("SIGTERM", async () => {
    await sim.stop();
    console.log(JSON.stringify({ simPeakRssMB: Math.round(peakRssMB()) }));
    process.exit(0);
  });
  // Never outlive the benchmark: stdin closes when the parent goes away, however it ends.
  for await (const _ of Bun.stdin.stream()) {
    // nothing is sent; we only wait for the end of the stream
  }
  process.exit(0);
}

// --- the simulated world, in a child process ----------------------------------------------------------------------
const child = Bun.spawn([process.execPath, import.meta.path, "--serve"], { stdin: "pipe", stdout: "pipe", stderr: "inherit", env: process.env });
process.on("exit", () => child.kill("SIGKILL"));
const lines = linesOf(child.stdout);
const first = await lines.next();
if (first.done) throw new Error("simulator process ended before it started serving");
const world = JSON.parse(first.value) as SimInfo;
console.log(
  `simulator: ${world.servers} ECS, ${world.volumes} EVS, ${world.nodePools} node pools in ${world.clusters} clusters, ` +
    `${world.rds} RDS, ${world.costs} cost records generated in ${world.generateSeconds.toFixed(2)} s ` +
    `(simulator RSS ${world.rssAfterGenerateMB} MB) at ${world.url}`,
);
const sim = { url: world.url };
let t = 0;

// --- clients as the engine configures them ------------------------------------------------------------------------
const endpoints = deriveEndpoints(world.region, { iam: `${sim.url}/v3`, ecs: sim.url, evs: sim.url, cce: sim.url, rds: sim.url });
const otc = createOtcProvider({
  identityEndpoint: endpoints.iam,
  projectId: world.projectId,
  projectName: world.projectName,
  accessKey: world.credentials.accessKey,
  secretKey: world.credentials.secretKey,
  region: world.region,
  endpoints,
});
const dashboard = createDashboardClient({ endpoint: sim.url, secret: world.credentials.dashboardToken });
resetHttpStats();

// --- full sync ----------------------------------------------------------------------------------------------------
const from = world.firstDay;
const toExclusive = new Date(NOW).toISOString().slice(0, 10);
t = performance.now();
const [resources, costs] = await Promise.all([otc.listResources(), dashboard.dailyCosts(from, toExclusive)]);
const syncMs = performance.now() - t;
console.log(`sync: ${resources.length} resources, ${costs.length} cost records in ${(syncMs / 1000).toFixed(2)} s (RSS ${mb(process.memoryUsage().rss)} MB, peak so far ${Math.round(peakRssMB())} MB)`);
if (resources.length !== world.servers + world.volumes + world.nodePools + world.rds) {
  throw new Error(`inventory incomplete: ${resources.length}`);
}
if (costs.length !== world.costs) throw new Error(`cost records incomplete: ${costs.length} of ${world.costs}`);

// --- virtual resources ----------------------------------------------------------------------------------------------
t = performance.now();
const inventory = buildVirtualInventory({ resources, costs, period: billingPeriod(NOW) });
const buildMs = performance.now() - t;
console.log(`virtual-resource build: ${inventory.roots.length} roots in ${(buildMs / 1000).toFixed(2)} s`);
const wallMs = syncMs + buildMs;

// --- API calls vs the paging minimum ----------------------------------------------------------------------------
const stats = httpStats();
const calls = stats.reduce((s, e) => s + e.requests, 0);
const minimum =
  Math.ceil(world.servers / 1000) +
  Math.ceil(world.volumes / 1000) +
  (1 + world.clusters) +
  Math.max(1, Math.ceil(world.rds / 100)) +
  monthsTouched(from, toExclusive).length;
for (const e of stats) console.log(`  ${e.endpoint}: ${e.requests} requests, ${e.retries} retries, ${e.errors} errors`);
console.log(`API calls: ${calls} (paging minimum ${minimum})`);

const rss = peakRssMB();
child.kill("SIGTERM");
let simPeakRssMB: number | undefined;
for await (const line of lines) if (line.includes("simPeakRssMB")) simPeakRssMB = JSON.parse(line).simPeakRssMB;
await child.exited;
console.log(`wall ${(wallMs / 1000).toFixed(2)} s (sync ${(syncMs / 1000).toFixed(2)} s + build ${(buildMs / 1000).toFixed(2)} s), peak RSS ${Math.round(rss)} MB (simulator process: ${simPeakRssMB ?? "?"} MB)`);
report(
  "inventory",
  [
    check("sync + virtual-resource build wall time", wallMs / 1000, "s", "<=", 30),
    check("peak RSS of the syncing process", rss, "MB", "<=", 1024),
    check("API calls above the paging minimum", calls - minimum, "calls", "<=", 0),
  ],
  {
    ecs: world.servers,
    evs: world.volumes,
    costRecords: world.costs,
    generateSeconds: Math.round(world.generateSeconds * 1000) / 1000,
    simPeakRssMB,
    syncSeconds: Math.round(syncMs) / 1000,
    buildSeconds: Math.round(buildMs) / 1000,
    wallSeconds: Math.round(wallMs) / 1000,
    peakRssMB: Math.round(rss),
    apiCalls: calls,
    pagingMinimum: minimum,
    perEndpoint: Object.fromEntries(stats.map((e) => [e.endpoint, e.requests])),
  },
);
