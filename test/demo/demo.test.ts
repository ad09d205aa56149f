/**
 * `ot3c demo` in-process and headless: the simulator, the engine (enforcing against the simulator only), the
 * metrics port and the chargeback pipeline together. Within a bounded time the forecast is OVER with PENDING items
 * whose countdown is the demo grace; an approval leads to DONE and real delete calls in the simulator; /metrics
 * carries the budget; /chargeback/metrics moves one hour per scrape.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../src/config/types.ts";
import { assertSimulatorOnly } from "../../src/demo/config.ts";
import { demoClock } from "../../src/demo/clock.ts";
import { runDemo } from "../../src/demo/run.ts";
import { startDemo, type RunningDemo } from "../../src/demo/start.ts";
import { dayStart, addDays, isoDay } from "../../src/engine/period.ts";
import { createLogger } from "../../src/log/logger.ts";

const quiet = createLogger({ level: "error", sinks: [{ write: () => {} }] });
const GRACE = 1500;
/** Start → first midnight is GRACE + LEAD: the first sync (scenario, HTTP, evaluation) must finish inside LEAD. */
const LEAD = 3000;

async function waitFor<T>(what: string, f: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

describe("startDemo (headless, in-process)", () => {
  let d: RunningDemo;
  beforeAll(async () => {
    // The built-in scraper is slowed right down so that the test's own scrapes decide the chargeback cursor.
    d = await startDemo({ graceMs: GRACE, leadMs: LEAD, tickMs: 50, jobPollMs: 20, syncIntervalMs: 1000, scrapeIntervalMs: 3_600_000, log: quiet });
  });
  afterAll(async () => {
    const dir = d.stateDir;
    await d.stop();
    expect(existsSync(dir)).toBe(false); // the temporary state dir is removed
  });

  test("the generated config enforces, against the simulator only", () => {
    expect(d.cfg.enforce).toBe(true);
    expect(d.cfg.approval).toBe("required");
    expect(d.cfg.terminationGraceMs).toBe(GRACE);
    expect(d.cfg.otc.endpoints.ecs).toBe(d.urls.sim);
    expect(d.cfg.chargeback?.confluent.baseUrl).toBe(d.urls.sim);
    expect(() => assertSimulatorOnly(d.cfg, d.urls.sim)).not.toThrow();
  });

  test("OVER with PENDING items whose first deadline is the next demo-clock midnight, one grace away", async () => {
    const snap = await waitFor("a plan", () => {
      const s = d.handle.getSnapshot();
      return s.budget && s.plan.some((i) => i.state === "PENDING") ? s : undefined;
    });
    expect(snap.budget!.status).toBe("OVER");
    expect(snap.planOutcome).toBe("OK");
    expect(snap.mode).toBe("ENFORCE");
    const first = Math.min(...snap.plan.map((i) => i.deadline));
    expect(first).toBe(dayStart(isoDay(first)));
    expect(first - d.clock.now()).toBeLessThanOrEqual(GRACE + LEAD);
    expect(d.clockOffsetMs).toBeGreaterThanOrEqual(0);
    expect(d.clockOffsetMs).toBeLessThan(86_400_000 + 60_000);
  });

  test("the month: office hours and parks close most of the gap; deletion is the last rung", async () => {
    const snap = d.handle.getSnapshot();
    const { forecastWithoutSchedules, target, scheduledServers } = d.ladder;
    expect(scheduledServers.length).toBeGreaterThan(0);
    const leaves = snap.resources.flatMap(function walk(u): typeof snap.resources {
      return [u, ...u.members.flatMap(walk)];
    });
    expect(leaves.filter((u) => u.schedule === "office-hours").length).toBeGreaterThan(0);
    // The budget was set on the forecast without schedules; the schedules lowered the forecast by themselves.
    const gapWithout = forecastWithoutSchedules - target;
    const bySchedules = forecastWithoutSchedules - snap.budget!.forecast.p50;
    expect(gapWithout).toBeGreaterThan(0);
    expect(bySchedules).toBeGreaterThan(0);
    const saved = (pred: (a: string) => boolean) => snap.plan.filter((i) => pred(i.action)).reduce((s, i) => s + i.tsave, 0);
    const parks = saved((a) => a === "park" || a === "stop");
    const removals = saved((a) => a === "delete" || a === "snapshot-delete");
    // Most of the gap is closed by what can be undone; deletes (if any) only take the rest.
    expect(bySchedules + parks).toBeGreaterThanOrEqual(0.8 * gapWithout);
    expect(removals).toBeLessThanOrEqual(0.2 * gapWithout + 0.01);
    // The parks come first: no delete is planned while the parks alone close the gap that is left.
    if (parks >= snap.budget!.gap) expect(removals).toBe(0);
  });

  test("approve → DONE, and the simulator received exactly one delete/stop per resource", async () => {
    const item = [...d.handle.getSnapshot().plan].sort((a, b) => a.deadline - b.deadline)[0]!;
    const r = await d.handle.send({ type: "approve", ids: [item.id], actor: "tester", source: "tui" });
    expect(r.ok).toBe(true);
    const done = await waitFor("DONE", () => d.handle.getSnapshot().plan.find((i) => i.id === item.id && (i.state === "DONE" || i.state === "FAILED")));
    expect(done.state).toBe("DONE");
    const calls = [...d.sim.world.mutations.calls.entries()];
    expect(calls.length).toBeGreaterThan(0);
    for (const [, n] of calls) expect(n).toBe(1);
    const events = d.handle.getSnapshot().events;
    expect(events.some((e) => e.action === "item.approved" && e.itemId === item.id && e.actor === "tester")).toBe(true);
    expect(events.some((e) => /^terminate\.(deleted|stopped|parked|snapshot-deleted)$/.test(e.action) && e.itemId === item.id)).toBe(true);
    // A park is listed in the Parked view with its return at the next period start.
    if (item.action === "park") {
      const parked = await waitFor("the park in the snapshot", () => d.handle.getSnapshot().parking?.parked.filter((p) => p.itemId === item.id));
      expect(parked.length).toBeGreaterThan(0);
      expect(parked[0]!.backAt).toBe(d.handle.getSnapshot().period.end);
    }
  });

  test("the loop closes: after the deletion the forecast falls by its saving, and nothing new is planned while the open items still cover the gap", async () => {
    // The previous test executed one item; wait for a full sync after it so the figures come from fresh data.
    const doneAt = Math.max(...d.handle.getSnapshot().plan.filter((i) => i.state === "DONE").map((i) => i.updatedAt));
    const snap = await waitFor("a sync after the deletion", () => {
      const s = d.handle.getSnapshot();
      return (s.sync.lastSuccessAt ?? 0) > doneAt + 10 ? s : undefined;
    });
    const done = snap.plan.filter((i) => i.state === "DONE");
    const cov = snap.budget!.coverage!;
    // Forecast after the action = target + gap, and the open items (not the done one) cover that gap.
    expect(cov.uncovered).toBeLessThan(0.01);
    const created = snap.events.filter((e) => e.action === "item.created" && e.at > doneAt);
    expect(created).toEqual([]);
    // The done item's resources are out of every forecast from its execution on: its unit is gone from the tree
    // or, while the dashboard lags, a ghost forecast at no more than what the lagging days still bill.
    for (const item of done) {
      const f = snap.forecasts[item.vrId];
      if (f) expect(f.monthEnd.p50 - f.costSoFar).toBeLessThan(item.tsave);
    }
  });

  test("/metrics carries the budget, the forecast and the plan", async () => {
    const text = await (await fetch(d.urls.metrics!)).text();
    expect(text).toContain(`ot3c_budget_target_amount{currency="EUR"} ${d.cfg.targetBudget}`);
    expect(text).toMatch(/ot3c_forecast_month_end_amount\{currency="EUR",percentile="p50"\} \d/);
    expect(text).toMatch(/ot3c_plan_items\{state="DONE"\} [1-9]/);
    expect(text).toContain('ot3c_budget_status{status="OVER"} 1');
  });

  test("/chargeback/metrics advances one hour per scrape, and the snapshot follows", async () => {
    await waitFor("chargeback ledger", () => d.handle.getSnapshot().chargeback?.newestHour);
    const scrape = async () => {
      const text = await (await fetch(d.urls.chargebackMetrics!, { headers: { Accept: "application/openmetrics-text", "User-Agent": "Prometheus/3.1" } })).text();
      const m = /confluent_cloud_custom_scrape_status\{[^}]*\} 1 (\d+)/.exec(text);
      return Number(m?.[1]) * 1000;
    };
    const hours = [await scrape(), await scrape(), await scrape()];
    expect(hours[1]! - hours[0]!).toBe(3_600_000);
    expect(hours[2]! - hours[1]!).toBe(3_600_000);
    await waitFor("snapshot cursor", () => d.handle.getSnapshot().chargeback?.cursorHour === hours[2]);
    // A real Prometheus is scraping: the built-in scraper steps aside instead of taking turns (which would hold
    // the cursor, since it only moves when the same scraper comes back).
    expect(await d.scraper!.scrapeOnce()).toBeUndefined();
    expect(await scrape()).toBe(hours[2]! + 3_600_000);
  });
});

describe("demo pieces", () => {
  test("the built-in scraper advances the chargeback cursor by itself", async () => {
    const d = await startDemo({ graceMs: 60_000, tickMs: 200, scrapeIntervalMs: 40, log: quiet });
    try {
      const h0 = await waitFor("first exposed hour", () => d.handle.getSnapshot().chargeback?.cursorHour);
      await waitFor("hours advancing", () => (d.handle.getSnapshot().chargeback?.cursorHour ?? 0) >= h0 + 3 * 3_600_000);
      expect(d.scraper!.scrapes).toBeGreaterThan(2);
    } finally {
      await d.stop();
    }
  });

  test("a second demo on the same state directory is refused and leaves the running one's config alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ot3c-demo-twice-"));
    const a = await startDemo({ stateDir: dir, graceMs: 60_000, log: quiet });
    try {
      const before = readFileSync(a.configPath, "utf8");
      expect(before).toContain(a.urls.sim);
      await expect(startDemo({ stateDir: dir, graceMs: 60_000, log: quiet })).rejects.toThrow(/another ot3c engine \(pid \d+/);
      expect(readFileSync(a.configPath, "utf8")).toBe(before);
      expect(readdirSync(dir).filter((f) => f.includes(".draft"))).toEqual([]);
    } finally {
      await a.stop();
    }
    expect(existsSync(join(dir, "ot3c.yaml"))).toBe(true); // a given state dir is kept
    rmSync(dir, { recursive: true, force: true });
  });

  test("the simulator-only guard refuses any endpoint that is not the local simulator", () => {
    const sim = "http://127.0.0.1:4000";
    const base = {
      dashboardEndpoint: sim,
      otc: { identityEndpoint: `${sim}/v3`, endpoints: { iam: `${sim}/v3`, ecs: sim, evs: sim, cce: sim, rds: sim } },
      chargeback: { confluent: { baseUrl: sim }, prometheus: { url: sim } },
      notify: {},
    } as unknown as Config;
    expect(() => assertSimulatorOnly(base, sim)).not.toThrow();
    const withEcs = { ...base, otc: { ...base.otc, endpoints: { ...base.otc.endpoints, ecs: "https://ecs.eu-de.otc.t-systems.com" } } } as Config;
    expect(() => assertSimulatorOnly(withEcs, sim)).toThrow(/otccreds\.endpoints\.ecs = https:\/\/ecs\.eu-de/);
    expect(() => assertSimulatorOnly({ ...base, dashboardEndpoint: "http://127.0.0.1:4001" }, sim)).toThrow(/dashboard-endpoint/);
    const remote = "http://10.0.0.1:4000";
    const allRemote = JSON.parse(JSON.stringify(base).replaceAll(sim, remote)) as Config;
    expect(() => assertSimulatorOnly(allRemote, remote)).toThrow(/simulator http:\/\/10.0.0.1:4000 is not local/);
    expect(() => assertSimulatorOnly({ ...base, notify: { reminderBeforeMs: 0, webhook: { url: sim } } } as Config, sim)).toThrow(/notification/);
  });

  test("the demo clock puts the next Berlin midnight one grace (+ lead) after the start, never behind real time", () => {
    for (const real of [Date.UTC(2026, 10, 22, 13, 30), Date.UTC(2026, 10, 22, 22, 58, 30), Date.UTC(2026, 2, 29, 0, 30)]) {
      const c = demoClock(real, 180_000, 2_000, () => real);
      expect(c.offsetMs).toBeGreaterThanOrEqual(0);
      const start = c.now();
      const midnight = dayStart(addDays(isoDay(start), 1));
      expect(midnight - start).toBe(182_000);
    }
  });

  test("runDemo without a terminal runs headless: banner with the URLs and state dir, events, status lines; stops on the signal", async () => {
    let text = "";
    let stop!: () => void;
    const stopSignal = new Promise<void>((r) => (stop = r));
    const run = runDemo({ headless: false, interactive: false, color: false, graceMs: 60_000, tickMs: 100, statusIntervalMs: 200, scrapeIntervalMs: 100, stopSignal, out: (t) => void (text += t) });
    await waitFor("status lines", () => (text.match(/ \| pending \d+/g) ?? []).length >= 2);
    stop();
    expect(await run).toBe(0);
    expect(text).toContain("not a terminal, so running headless");
    expect(text).toMatch(/metrics +http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(text).toMatch(/simulator +http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toMatch(/state dir +\/.*ot3c-demo-/);
    expect(text).toMatch(/event .* item\.created/);
    expect(text).toMatch(/OVER spent \d+\.\d\d EUR forecast P50 \d+\.\d\d EUR budget \d+\.\d\d EUR \| pending [1-9]\d*, next \w+ \w+ in \dm\d\ds/);
    expect(text).toContain("ot3c demo: stopped; its temporary state directory is removed");
  });
});
