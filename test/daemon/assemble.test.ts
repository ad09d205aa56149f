/**
 * assembleEngine + startServices against the simulators over HTTP: the assembled engine syncs, forecasts and plans;
 * a second assembly on the same state refuses (naming the holder) and leaves nothing open; the metrics port and the
 * chargeback loop run beside it, and their failures (port taken, chargeback API down) become alerts, not crashes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/types.ts";
import { assembleEngine } from "../../src/daemon/assemble.ts";
import { startServices } from "../../src/daemon/services.ts";
import { createLogger, type LogEntry } from "../../src/log/logger.ts";
import { systemClock } from "../../src/engine/types.ts";
import { confluentSimRoutes } from "../../src/sim/confluent/routes.ts";
import { generateConfluentScenario } from "../../src/sim/confluent/scenario.ts";
import { prometheusSimRoutes } from "../../src/sim/prometheus/routes.ts";
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { startSim, type RunningSim } from "../../src/sim/server.ts";

let sim: RunningSim;
let dir: string;
const entries: LogEntry[] = [];
const log = createLogger({ level: "debug", sinks: [{ write: (e) => void entries.push(e) }] });
const confluent = generateConfluentScenario({ seed: 3, now: Date.now(), days: 5, clusters: 2, serviceAccounts: 5 });

beforeAll(() => {
  const scenario = presetScenario("demo", { seed: 2 });
  sim = startSim({ world: scenario.world, targetBudget: scenario.targetBudget, extraRoutes: [confluentSimRoutes(confluent), prometheusSimRoutes(confluent)] });
  dir = mkdtempSync(join(tmpdir(), "ot3c-assemble-"));
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function config(name: string, extra: string[] = []): Promise<Config> {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, sim.configYaml() + ["metrics: {listen: \"127.0.0.1:0\"}", ...extra].join("\n") + "\n", { mode: 0o600 });
  return loadConfig({ path, stateDir: join(dir, name), logger: log });
}

const chargeback = (url: string) => [
  "chargeback:",
  `  confluent: {api-key: ${confluent.apiKey}, api-secret: ${confluent.apiSecret}, base-url: "${url}"}`,
  `  prometheus: {url: "${url}"}`,
  "  lookback-days: 3",
  "  cutoff-days: 1",
  "  sync-interval: 1h",
];

async function waitFor<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

describe("assembleEngine", () => {
  test("the assembled engine syncs the simulator and plans: budget OVER, PENDING items with deadlines after the grace", async () => {
    const cfg = await config("plan");
    const a = await assembleEngine(cfg, { clock: systemClock, log });
    try {
      await a.engine.step();
      const snap = a.engine.getSnapshot();
      expect(snap.sync.state).toBe("OK");
      expect(snap.budget?.status).toBe("OVER");
      expect(snap.budget!.target).toBe(cfg.targetBudget);
      expect(snap.mode).toBe("DRY-RUN");
      expect(snap.resources.length).toBeGreaterThan(10);
      const pending = snap.plan.filter((i) => i.state === "PENDING");
      expect(pending.length).toBeGreaterThan(0);
      for (const i of pending) expect(i.deadline).toBeGreaterThanOrEqual(snap.sync.lastSuccessAt! + cfg.terminationGraceMs - 1000);
      expect(snap.api.some((e) => e.requests > 0)).toBe(true);
      // reconfigure: new settings reach the running engine (SIGHUP path).
      await a.reconfigure({ ...cfg, enforce: true });
      expect(a.engine.getSnapshot().mode).toBe("ENFORCE");
      expect(a.config.enforce).toBe(true);
    } finally {
      await a.close();
    }
  });

  test("a second engine for the project follows: FOLLOWER, no socket of its own, plans nothing; leads once the leader is gone", async () => {
    const cfg = await config("lock");
    const first = await assembleEngine(cfg, { log });
    const second = await assembleEngine(cfg, { log });
    try {
      expect(first.lease.view()).toMatchObject({ role: "LEADER", epoch: 1 });
      expect(first.socketOwner).toBe(true);
      expect(second.lease.view()).toMatchObject({ role: "FOLLOWER", epoch: 1, holder: `${process.pid}@${hostname()}` });
      expect(second.socketOwner).toBe(false);
      expect(second.socketHolder?.pid).toBe(process.pid);
      // The follower syncs and shows, but neither plans nor notifies.
      await second.engine.step();
      expect(second.engine.getSnapshot().budget?.status).toBe("OVER");
      expect(second.engine.getSnapshot().lease?.role).toBe("FOLLOWER");
      expect(second.store.listItems()).toEqual([]);
      // The leader plans; the follower shows the leader's items from the shared store.
      await first.engine.step();
      const items = first.store.listItems({ states: ["PENDING"] });
      expect(items.length).toBeGreaterThan(0);
      second.engine.markDirty();
      expect(second.engine.getSnapshot().plan.map((i) => i.id).sort()).toEqual(items.map((i) => i.id).sort());

      await first.close();
      await first.close(); // idempotent; released the lease: the follower takes over at its next attempt
      second.lease.lease.attempt();
      expect(second.lease.view()).toMatchObject({ role: "LEADER", epoch: 2 });
      expect(second.store.auditEvents({ limit: 5 }).map((e) => e.action)).toContain("lease.acquired");
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe("startServices", () => {
  test("metrics port: budget series and readiness from the engine; chargeback synced into the snapshot; cursor advances per scrape", async () => {
    const cfg = await config("services", chargeback(sim.url));
    const a = await assembleEngine(cfg, { log });
    const s = startServices({ cfg, engine: a.engine, log, clock: systemClock });
    try {
      expect(s.metrics).toBeDefined();
      const notReady = await fetch(`${s.metrics!.url}/readyz`);
      expect(notReady.status).toBe(503);
      await a.engine.step();
      const metrics = await (await fetch(`${s.metrics!.url}/metrics`)).text();
      expect(metrics).toContain(`ot3c_budget_target_amount{currency="EUR"} ${cfg.targetBudget}`);
      expect(metrics).toMatch(/ot3c_plan_items\{state="PENDING"\} [1-9]/);
      expect((await fetch(`${s.metrics!.url}/readyz`)).status).toBe(200);

      // Single flight: a timer tick during a long sync joins it instead of starting a second one.
      const [r1, r2] = await Promise.all([s.chargeback!.syncNow(), s.chargeback!.syncNow()]);
      expect(r1).toBeDefined();
      expect(r2).toBe(r1);
      const cb = await waitFor("chargeback summary", () => a.engine.getSnapshot().chargeback?.totalMicros);
      const billedDays = new Set(s.chargeback!.ledger.days().map((d) => d.day));
      const billed = confluent.costs.filter((c) => billedDays.has(c.start_date.slice(0, 10))).reduce((n, c) => n + Math.round(c.amount * 1e6), 0);
      expect(cb).toBe(billed);
      const summary = a.engine.getSnapshot().chargeback!;
      expect(summary.byPrincipal.length).toBeGreaterThan(0);
      expect(summary.newestHour).toBeDefined();

      const scrape = () => fetch(`${s.metrics!.url}/chargeback/metrics`, { headers: { Accept: "application/openmetrics-text", "User-Agent": "Prometheus/3.0" } }).then((r) => r.text());
      expect(await scrape()).toContain("confluent_cloud_chargeback_details");
      const h1 = await waitFor("cursor", () => a.engine.getSnapshot().chargeback?.cursorHour);
      await scrape();
      const h2 = await waitFor("cursor move", () => (a.engine.getSnapshot().chargeback!.cursorHour! > h1 ? a.engine.getSnapshot().chargeback!.cursorHour : undefined));
      expect(h2 - h1).toBe(3_600_000);
      expect(a.engine.getSnapshot().alerts.filter((x) => x.includes("chargeback"))).toEqual([]);
    } finally {
      await a.stopEngine();
      await s.stop();
      await a.close();
    }
  });

  test("a taken metrics port and a failing chargeback API are alerts and log lines, and the engine keeps running", async () => {
    const blocker = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
    const dead = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("down", { status: 503 }) });
    const cfg = await config("faulty", chargeback(`http://127.0.0.1:${dead.port}`));
    const a = await assembleEngine(cfg, { log });
    const s = startServices({ cfg, engine: a.engine, log, clock: systemClock, listen: `127.0.0.1:${blocker.port}` });
    try {
      expect(s.metrics).toBeUndefined();
      const res = await s.chargeback!.syncNow();
      expect(res).toBeUndefined();
      expect(s.chargeback!.lastError).toBeTruthy();
      await a.engine.step();
      const snap = a.engine.getSnapshot();
      expect(snap.sync.state).toBe("OK");
      expect(snap.alerts.some((x) => x.startsWith(`metrics port 127.0.0.1:${blocker.port} unavailable`))).toBe(true);
      expect(snap.alerts.some((x) => x.startsWith("chargeback sync failed"))).toBe(true);
      expect(entries.some((e) => e.level === "error" && e.msg.includes("metrics port"))).toBe(true);
      expect(entries.some((e) => e.level === "warn" && e.msg.includes("chargeback sync failed"))).toBe(true);
    } finally {
      await a.stopEngine();
      await s.stop();
      await a.close();
      blocker.stop(true);
      dead.stop(true);
    }
  });
});

describe("runEngineProcess starts the services", () => {
  test("`run` serves /metrics and /chargeback/metrics on metrics.listen, fills the chargeback summary, and closes the port on stop", async () => {
    const { runEngineProcess } = await import("../../src/daemon/runtime.ts");
    const port = (() => {
      const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
      const p = s.port!;
      s.stop(true);
      return p;
    })();
    const path = join(dir, "runtime.yaml");
    writeFileSync(path, sim.configYaml() + [`metrics: {listen: "127.0.0.1:${port}"}`, ...chargeback(sim.url)].join("\n") + "\n", { mode: 0o600 });
    let stop!: () => void;
    const stopSignal = new Promise<void>((r) => (stop = r));
    const done = runEngineProcess({ mode: "run", configPath: path, stateDir: join(dir, "runtime"), logLevel: "error", tickMs: 50, stopSignal });
    const url = `http://127.0.0.1:${port}`;
    try {
      const metrics = await waitFor("budget on the metrics port", async () => {
        const text = await fetch(`${url}/metrics`).then((r) => r.text()).catch(() => "");
        // A sample line, not the HELP/TYPE lines that are there before the first sync.
        return /^ot3c_budget_target_amount\{/m.test(text) ? text : undefined;
      });
      expect(await metrics).toContain('ot3c_budget_status{status="OVER"} 1');
      const cb = await fetch(`${url}/chargeback/metrics`, { headers: { Accept: "application/openmetrics-text" } });
      expect(cb.status).toBe(200);
      expect((await cb.text()).endsWith("# EOF\n")).toBe(true);
      await waitFor("chargeback cursor metric", async () => (/^ot3c_chargeback_newest_hour_timestamp_seconds \d/m.test(await fetch(`${url}/metrics`).then((r) => r.text())) ? true : undefined));
    } finally {
      stop();
      expect(await done).toBe(0);
    }
    expect(await fetch(`${url}/metrics`).then(() => "open").catch(() => "closed")).toBe("closed");
  });
});
