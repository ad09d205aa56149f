/**
 * `startDemo`: everything `ot3c demo` runs, in this process, without a terminal — so tests drive the same thing a
 * newcomer sees:
 *   one simulator (OTC + Enterprise Dashboard + Confluent Cloud + Prometheus query API) on 127.0.0.1:<free port>,
 *   a generated config (written to the state dir; enforce against the simulator only, checked after loading),
 *   the engine and its services (metrics port, chargeback sync) built exactly as the daemon builds them,
 *   the control socket (so `ot3c --state-dir DIR` attaches and `ot3c approve` works from another terminal),
 *   and a scraper that advances the chargeback hour cursor.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Config } from "../config/types.ts";
import { assembleEngine, type AssembledEngine } from "../daemon/assemble.ts";
import { startServices, type RunningServices } from "../daemon/services.ts";
import { ControlSocketServer } from "../daemon/socket-server.ts";
import type { Engine } from "../engine/engine.ts";
import { systemClock, type Clock } from "../engine/types.ts";
import { getLogger, type Logger } from "../log/logger.ts";
import { confluentSimRoutes } from "../sim/confluent/routes.ts";
import { generateConfluentScenario } from "../sim/confluent/scenario.ts";
import type { ConfluentSimState } from "../sim/confluent/state.ts";
import { prometheusSimRoutes } from "../sim/prometheus/routes.ts";
import { presetScenario } from "../sim/scenario/index.ts";
import { startSim, type RunningSim } from "../sim/server.ts";
import { assertSimulatorOnly, demoConfigYaml } from "./config.ts";
import { startDemoScraper, type DemoScraper } from "./scraper.ts";
import { demoTargetBudget } from "./budget.ts";
import { demoClock } from "./clock.ts";
import { officeHours } from "./ladder.ts";

export const DEMO_DEFAULTS = {
  seed: 1,
  graceMs: 3 * 60_000,
  syncIntervalMs: 10_000,
  chargebackSyncIntervalMs: 60_000,
  scrapeIntervalMs: 2_000,
  tickMs: 1_000,
  jobPollMs: 250,
  lookbackDays: 7,
  cutoffDays: 1,
  // The first sync must plan before the first midnight: the budget search (demo/budget.ts) evaluates a dozen times.
  leadMs: 10_000,
} as const;

export interface DemoOptions {
  seed?: number;
  graceMs?: number;
  /** Default: a fresh temporary directory, removed on stop. */
  stateDir?: string;
  /** host:port of the metrics port; default 127.0.0.1:0 (a free port). */
  metricsListen?: string;
  syncIntervalMs?: number;
  chargebackSyncIntervalMs?: number;
  /** How often the built-in scraper reads /chargeback/metrics (each scrape advances one hour). */
  scrapeIntervalMs?: number;
  tickMs?: number;
  jobPollMs?: number;
  /** Demo clock: time between the start and the first deadline beyond the grace (the first sync needs a moment). */
  leadMs?: number;
  /** Blast-radius brake for the demo; default: every planned item may run. */
  maxTerminationsPerRun?: number;
  /** Default: the demo clock (real speed, ahead of real time so the first deadlines come after the grace). */
  clock?: Clock;
  log?: Logger;
}

export interface RunningDemo {
  /** The in-process engine (an EngineHandle). */
  handle: Engine;
  assembled: AssembledEngine;
  services: RunningServices;
  sim: RunningSim;
  confluent: ConfluentSimState;
  scraper?: DemoScraper;
  cfg: Config;
  clock: Clock;
  /** How far the demo clock runs ahead of real time (0 with an injected clock). */
  clockOffsetMs: number;
  configPath: string;
  stateDir: string;
  socketPath: string;
  /** The ladder the demo shows: servers on office hours, and the forecast the budget was set against (without them). */
  ladder: { scheduledServers: string[]; forecastWithoutSchedules: number; target: number };
  urls: { sim: string; metrics?: string; chargebackMetrics?: string };
  stop(): Promise<void>;
}

export async function startDemo(opts: DemoOptions = {}): Promise<RunningDemo> {
  const o = { ...DEMO_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as typeof DEMO_DEFAULTS & DemoOptions;
  const dc = o.clock ? undefined : demoClock(systemClock.now(), o.graceMs, o.leadMs);
  const clock: Clock = o.clock ?? dc!;
  const log = o.log ?? getLogger();
  const now = clock.now();

  const scenario = presetScenario("demo", { seed: o.seed, now });
  const scheduledServers = officeHours(scenario.world);
  // Enough Confluent history for the lookback, so every exposable hour has a billed day behind it.
  const confluent = generateConfluentScenario({ seed: o.seed, now, days: o.lookbackDays + 2 });
  const sim = startSim({
    world: scenario.world,
    hostname: "127.0.0.1",
    extraRoutes: [confluentSimRoutes(confluent), prometheusSimRoutes(confluent)],
    targetBudget: scenario.targetBudget,
    description: `demo scenario, seed ${o.seed}`,
  });

  const ownDir = opts.stateDir === undefined;
  const stateDir = ownDir ? mkdtempSync(join(tmpdir(), "ot3c-demo-")) : resolve(opts.stateDir!);
  const cleanups: Array<() => Promise<void> | void> = [() => sim.stop(), () => (ownDir ? rmSync(stateDir, { recursive: true, force: true }) : undefined)];
  const unwind = async () => {
    for (const c of cleanups.reverse()) await c();
  };

  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const configPath = join(stateDir, "ot3c.yaml");
    // Written beside the final name and renamed once this demo holds the engine lock: a second demo on the same
    // state directory must not overwrite the running one's configuration before it is refused.
    const draftPath = `${configPath}.${process.pid}.draft`;
    cleanups.push(() => rmSync(draftPath, { force: true }));
    const planned = scenario.world.servers.size + scenario.world.volumes.size + scenario.world.nodePools.size + scenario.world.rds.size;
    const { loadConfig } = await import("../config/load.ts");
    const writeAndLoad = async (targetBudget: number, ladder: boolean) => {
      const yaml = demoConfigYaml({
        simUrl: sim.url,
        world: scenario.world,
        confluent,
        targetBudget,
        graceMs: o.graceMs,
        syncIntervalMs: o.syncIntervalMs,
        chargebackSyncIntervalMs: o.chargebackSyncIntervalMs,
        metricsListen: o.metricsListen ?? "127.0.0.1:0",
        lookbackDays: o.lookbackDays,
        cutoffDays: o.cutoffDays,
        maxTerminationsPerRun: o.maxTerminationsPerRun ?? Math.max(10, planned),
        ladder,
      });
      writeFileSync(draftPath, yaml, { mode: 0o600 });
      const loaded = await loadConfig({ path: draftPath, stateDir, logger: log });
      // enforce: true is only acceptable because every endpoint is the simulator; check what was actually loaded.
      assertSimulatorOnly(loaded, sim.url);
      return loaded;
    };
    // The forecast without schedules (what the operator saw before turning them on), then the budget on the forecast
    // with them: the schedules close their part of the gap by themselves, and the plan must still start tomorrow.
    const without = await writeAndLoad(scenario.targetBudget, false);
    const budget = await demoTargetBudget(await writeAndLoad(scenario.targetBudget, true), clock.now(), scenario.targetBudget, { parksOnly: true, without });
    const loaded = await writeAndLoad(budget.target, true);
    const cfg: Config = { ...loaded, sourcePath: configPath };

    const assembled = await assembleEngine(cfg, { clock, log, tickMs: o.tickMs, wire: { jobs: { intervalMs: o.jobPollMs } }, minSnapshotIntervalMs: 100, exclusive: true });
    cleanups.push(() => assembled.close());
    renameSync(draftPath, configPath);
    const engine = assembled.engine;
    const services = startServices({ cfg, engine, log, clock });
    cleanups.push(() => services.stop());
    const socketPath = join(stateDir, "ot3c.sock");
    const socket = new ControlSocketServer({ path: socketPath, engine, log: (l, m, f) => log.child({ component: "socket" })[l](m, f) });
    await socket.listen();
    cleanups.push(() => socket.close());
    // The engine stops before the socket and services close (the call in flight finishes first).
    cleanups.push(() => assembled.stopEngine());
    engine.start();

    const metricsUrl = services.metrics?.url;
    const scraper =
      metricsUrl && services.chargeback
        ? startDemoScraper({ url: `${metricsUrl}/chargeback/metrics`, ledger: services.chargeback.ledger, intervalMs: o.scrapeIntervalMs })
        : undefined;
    if (scraper) cleanups.push(() => scraper.stop());

    let stopping: Promise<void> | undefined;
    return {
      handle: engine,
      assembled,
      services,
      sim,
      confluent,
      ...(scraper ? { scraper } : {}),
      cfg,
      clock,
      clockOffsetMs: dc?.offsetMs ?? 0,
      configPath,
      stateDir,
      socketPath,
      ladder: { scheduledServers, forecastWithoutSchedules: budget.forecastWithout ?? budget.forecast, target: budget.target },
      urls: {
        sim: sim.url,
        ...(metricsUrl ? { metrics: `${metricsUrl}/metrics`, chargebackMetrics: `${metricsUrl}/chargeback/metrics` } : {}),
      },
      stop: () => (stopping ??= unwind()),
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}
