/**
 * Fleet scale benchmark (issue #18, item 5): 100 projects in eu-de and eu-nl, 100,000 resources, ~10 M cost records
 * in the range one sync fetches. Three processes per size, so each figure is one program's own:
 *
 * - the simulator (`--serve N`): generates the fleet (`FLEET_LARGE` scaled to N resources) and serves it, one
 *   server per region plus the Enterprise Dashboard; its records live in its memory, not the client's;
 * - the engine (`--client CONFIG`): the daemon's wiring (`wireProviders`) and `Engine` on a fresh state
 *   directory — one full step: IAM `projects: all`, every project's ECS/EVS/CCE/RDS, the dashboard's months
 *   streamed into columns, forecast, plan, plan items written — then idle as a daemon between syncs, its next
 *   sync one sync interval later (same data) and idle again;
 * - this driver, which runs 10k, 30k and 100k resources (`BENCH_FLEET_SIZES`) and reports.
 *
 * Figures at 100k: step wall time (target ≤ 60 s), the engine process's peak RSS over two syncs (≤ 1.5 GB), its
 * resident set once idle after the first and after the next sync (the daemon's steady state, ≤ 400 MB), and API calls above the paging minimum (0): per
 * project ⌈ECS/1000⌉ + ⌈EVS/1000⌉ + CCE (1 + clusters) + max(1, ⌈RDS/100⌉), one IAM listing per region's IAM, and
 * one dashboard stream per calendar month touched. Ends with one JSON line for `npm run bench`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateFleet, largeFleet } from "../../src/sim/scenario/fleet.ts";
import { startFleetSim } from "../../src/sim/fleet-server.ts";
import { check, peakRssMB, report } from "./report.ts";
import { linesOf } from "./lines.ts";

const NOW = Date.parse("2026-11-15T09:00:00Z");
const mb = (bytes: number) => Math.round(bytes / 1048576);
const vmRssMB = () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? NaN) / 1024;

interface ServeInfo {
  yaml: string;
  projects: Array<{ servers: number; volumes: number; clusters: number; rds: number }>;
  regions: number;
  resources: number;
  records: number;
  generateSeconds: number;
  rssMB: number;
}

interface ClientResult {
  stepSeconds: number;
  /** CPU time of the engine process during the step (user + system): less sensitive to a shared machine's load. */
  cpuSeconds: number;
  /** The listing part of the step (inventory and costs, as the snapshot's sync reports it). */
  syncSeconds: number;
  /** Requests repeated after a timeout or a 5xx/429 (not paging: a loaded machine makes them). */
  retries: number;
  /** The second sync's step (the daemon's next sync). */
  secondStepSeconds: number;
  /** Peak over both syncs. */
  peakRssMB: number;
  idleAfterFirstMB: number;
  idleAfterSecondMB: number;
  /** The larger of the two idle figures: the daemon's steady state. */
  steadyRssMB: number;
  heapMB: number;
  apiCalls: number;
  perEndpoint: Record<string, number>;
  resources: number;
  roots: number;
  planItems: number;
  costRecords: number;
  degraded: number;
  syncState: string;
}

if (process.argv[2] === "--serve") {
  const n = Number(process.argv[3]);
  const t0 = performance.now();
  const fleet = generateFleet({ ...largeFleet(n, NOW), compactCosts: true });
  const generateSeconds = (performance.now() - t0) / 1000;
  const sim = startFleetSim(fleet);
  const info: ServeInfo = {
    yaml: sim.configYaml(),
    projects: fleet.projects.map((w) => ({ servers: w.servers.size, volumes: w.volumes.size, clusters: w.clusters.size, rds: w.rds.size })),
    regions: Object.keys(sim.urls).length,
    resources: fleet.projects.reduce((s, w) => s + w.servers.size + w.volumes.size + w.nodePools.size + w.rds.size, 0),
    records: fleet.costTables!.reduce((s, t) => s + t.length, 0),
    generateSeconds,
    rssMB: mb(process.memoryUsage().rss),
  };
  console.log(JSON.stringify(info));
  // CPU the simulator spends serving (both syncs): it shares the machine's cores with the engine.
  const serveCpu0 = process.cpuUsage();
  process.on("SIGTERM", async () => {
    await sim.stop();
    const cpu = process.cpuUsage(serveCpu0);
    console.log(JSON.stringify({ simPeakRssMB: Math.round(peakRssMB()), simServeCpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10 }));
    process.exit(0);
  });
  for await (const _ of Bun.stdin.stream()) {
    // wait for the driver to go away
  }
  process.exit(0);
}

if (process.argv[2] === "--client") {
  const [{ loadConfig }, { wireProviders }, { engineSettingsFrom }, { Engine }, { Store }, { ManualClock }, { httpStats }] = await Promise.all([
    import("../../src/config/load.ts"),
    import("../../src/daemon/wire.ts"),
    import("../../src/daemon/runtime.ts"),
    import("../../src/engine/engine.ts"),
    import("../../src/store/store.ts"),
    import("../../src/engine/types.ts"),
    import("../../src/providers/http.ts"),
  ]);
  const cfg = await loadConfig({ path: process.argv[3]! });
  const providers = wireProviders(cfg);
  const store = Store.open(cfg.stateDir);
  const clock = new ManualClock(NOW);
  const engine = new Engine({
    store, stateDir: cfg.stateDir, clock, inventory: providers.inventory, terminator: providers.terminator, evaluate: providers.evaluate,
    settings: engineSettingsFrom(cfg), project: { name: "fleet", region: "eu-de" }, apiStats: providers.apiStats,
  });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await engine.step();
  const stepSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // The first sync's figures, read now: a reference kept to its snapshot would keep its whole tree alive through the
  // second sync (as no daemon does) and show up in the steady state below.
  const first = ((snap) => ({
    syncSeconds: (snap.sync.durationMs ?? 0) / 1000,
    resources: (snap.projects ?? []).reduce((s, p) => s + p.resources, 0), roots: snap.resources.length, planItems: snap.plan.length,
    degraded: (snap.projects ?? []).filter((p) => p.status === "DEGRADED").length, syncState: snap.sync.state,
  }))(engine.getSnapshot());
  const costRecords = store.lastSync?.()?.costs ?? -1;
  // The first sync's requests (the second one below asks the same again).
  const stats = httpStats().map((e) => ({ endpoint: e.endpoint, requests: e.requests, retries: e.retries }));
  // Idle as a daemon between syncs: the engine's own collections after a large sync run at 0 s and 1 s.
  await Bun.sleep(3000);
  const idleAfterFirst = vmRssMB();
  // The daemon's steady state is after its next sync too: the new evaluation replaces the first one's, and what
  // the first left behind (its allocator pages, anything kept by mistake) shows here.
  clock.advance(engineSettingsFrom(cfg).syncIntervalMs);
  const t1 = performance.now();
  await engine.step();
  const secondStepSeconds = (performance.now() - t1) / 1000;
  engine.getSnapshot();
  await Bun.sleep(3000);
  const idleAfterSecond = vmRssMB();
  const peak = peakRssMB();
  const result: ClientResult = {
    ...first, stepSeconds, cpuSeconds, secondStepSeconds, idleAfterFirstMB: idleAfterFirst, idleAfterSecondMB: idleAfterSecond,
    retries: stats.reduce((s, e) => s + e.retries, 0), peakRssMB: peak, steadyRssMB: Math.max(idleAfterFirst, idleAfterSecond),
    heapMB: mb((globalThis as any).Bun ? require("bun:jsc").heapStats().heapSize : 0),
    apiCalls: stats.reduce((s, e) => s + e.requests, 0), perEndpoint: Object.fromEntries(stats.map((e) => [e.endpoint, e.requests])), costRecords,
  };
  console.log(JSON.stringify(result));
  store.close();
  process.exit(0);
}

// --- driver -----------------------------------------------------------------------------------------------------
/**
 * The simulator stands in for the Financial Dashboard and the OTC APIs, which run on other machines; here it shares
 * the two cores with the engine and needs ~40 CPU-seconds per sync to write 4.5 GB of NDJSON. At the same priority
 * it takes cycles from the engine's collector and HTTP threads (the step measured 50–65 s, depending on what else
 * the machine did); at nice 10 it still gets every cycle the engine leaves. `BENCH_FLEET_SIM_NICE=0`: same priority.
 */
const simNice = Number(process.env.BENCH_FLEET_SIM_NICE ?? 10);
const simPriority = simNice > 0 && Bun.which("nice") ? ["nice", "-n", String(simNice)] : [];
const sizes = (process.env.BENCH_FLEET_SIZES ?? "10000,30000,100000").split(",").map(Number);
const rows: Array<ServeInfo & ClientResult & { size: number; minimum: number; simPeakRssMB?: number; simServeCpuSeconds?: number }> = [];
for (const size of sizes) {
  const sim = Bun.spawn([...simPriority, process.execPath, import.meta.path, "--serve", String(size)], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const simLines = linesOf(sim.stdout);
  const first = await simLines.next();
  if (first.done) throw new Error("simulator ended before serving");
  const info = JSON.parse(first.value) as ServeInfo;
  const dir = mkdtempSync(join(tmpdir(), "ot3c-bench-fleet-"));
  const cfgPath = join(dir, "ot3c.yaml");
  writeFileSync(cfgPath, `${info.yaml}\nstate-dir: ${join(dir, "state")}\n`, { mode: 0o600 });
  console.log(`\n${size}: ${info.projects.length} projects, ${info.resources} resources, ${info.records} cost records generated in ${info.generateSeconds.toFixed(1)} s (simulator RSS ${info.rssMB} MB)`);
  const client = Bun.spawn([process.execPath, import.meta.path, "--client", cfgPath], { stdout: "pipe", stderr: "inherit" });
  let result: ClientResult | undefined;
  for await (const line of linesOf(client.stdout)) if (line.startsWith("{")) result = JSON.parse(line);
  await client.exited;
  sim.kill("SIGTERM");
  let simPeakRssMB: number | undefined;
  let simServeCpuSeconds: number | undefined;
  for await (const line of simLines) if (line.includes("simPeakRssMB")) ({ simPeakRssMB, simServeCpuSeconds } = JSON.parse(line));
  await sim.exited;
  rmSync(dir, { recursive: true, force: true });
  if (!result) throw new Error(`engine process failed at ${size}`);
  const months = 3; // 2026-09-13 … 2026-11-15: September, October, November
  const minimum =
    info.projects.reduce((s, p) => s + Math.max(1, Math.ceil(p.servers / 1000)) + Math.max(1, Math.ceil(p.volumes / 1000)) + 1 + p.clusters + Math.max(1, Math.ceil(p.rds / 100)), 0) +
    info.regions +
    months;
  console.log(
    `  step (sync + evaluation + plan) ${result.stepSeconds.toFixed(1)} s (listing ${result.syncSeconds.toFixed(1)} s; engine CPU ${result.cpuSeconds.toFixed(1)} s), sync ${result.syncState}, ${result.resources} resources, ${result.roots} roots, ${result.planItems} plan items; ` +
      `peak RSS ${Math.round(result.peakRssMB)} MB, idle ${Math.round(result.idleAfterFirstMB)} MB after the sync and ${Math.round(result.idleAfterSecondMB)} MB after the next (${result.secondStepSeconds.toFixed(1)} s); API calls ${result.apiCalls} of which ${result.retries} retries (paging minimum ${minimum}); simulator peak ${simPeakRssMB} MB, ${simServeCpuSeconds} CPU-seconds serving both syncs`,
  );
  for (const [e, n] of Object.entries(result.perEndpoint)) console.log(`    ${e}: ${n}`);
  rows.push({ ...info, ...result, size, minimum, simPeakRssMB, simServeCpuSeconds });
}
const big = rows[rows.length - 1]!;
console.log(`\nsimulator at ${simPriority.length > 0 ? `nice ${simNice}` : "the engine's priority"}`);
console.log(`resources  projects  records     step s  list s  cpu s   peak MB  idle MB  calls-retries/min   (load average ${require("node:os").loadavg()[0].toFixed(1)} on ${require("node:os").cpus().length} cores)`);
for (const r of rows) {
  console.log(
    `${String(r.resources).padEnd(11)}${String(r.projects.length).padEnd(10)}${String(r.records).padEnd(12)}${r.stepSeconds.toFixed(1).padEnd(8)}${r.syncSeconds.toFixed(1).padEnd(8)}${r.cpuSeconds.toFixed(1).padEnd(8)}${String(Math.round(r.peakRssMB)).padEnd(9)}${String(Math.round(r.steadyRssMB)).padEnd(9)}${r.apiCalls - r.retries}/${r.minimum}`,
  );
}
report(
  "fleet",
  [
    check(`sync + evaluation, ${big.resources} resources / ${big.records} records`, big.stepSeconds, "s", "<=", 60),
    check("peak RSS of the engine process", big.peakRssMB, "MB", "<=", 1536),
    check("engine resident set idle between syncs (the larger after the first and the second sync)", big.steadyRssMB, "MB", "<=", 400),
    // Retries (timeouts on a loaded machine) are reported apart: they are not pages above the minimum.
    check("API calls above the paging minimum (retries apart)", big.apiCalls - big.retries - big.minimum, "calls", "<=", 0),
    check("projects DEGRADED", big.degraded, "projects", "<=", 0),
  ],
  { growth: rows.map((r) => ({ resources: r.resources, projects: r.projects.length, records: r.records, stepSeconds: Math.round(r.stepSeconds * 10) / 10, cpuSeconds: Math.round(r.cpuSeconds * 10) / 10, syncSeconds: Math.round(r.syncSeconds * 10) / 10, retries: r.retries, peakRssMB: Math.round(r.peakRssMB), steadyRssMB: Math.round(r.steadyRssMB), idleAfterFirstMB: Math.round(r.idleAfterFirstMB), idleAfterSecondMB: Math.round(r.idleAfterSecondMB), secondStepSeconds: Math.round(r.secondStepSeconds * 10) / 10, apiCalls: r.apiCalls, minimum: r.minimum, simPeakRssMB: r.simPeakRssMB, simServeCpuSeconds: r.simServeCpuSeconds })) },
);
