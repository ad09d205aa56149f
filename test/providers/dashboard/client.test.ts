import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateScenario } from "../../../src/sim/scenario/index.ts";
import { startSim, type RunningSim } from "../../../src/sim/server.ts";
import { FaultInjector, NO_FAULTS } from "../../../src/sim/faults.ts";
import { createDashboardClient, monthsTouched, type DashboardClient } from "../../../src/providers/dashboard/index.ts";
import { HttpError } from "../../../src/providers/http.ts";
import { DashboardV1Client } from "../../../src/providers/dashboard/v1.ts";
import type { SimCostRecord } from "../../../src/sim/world.ts";

// 45 days back from 10 April 2026: February, March (with the switch to summer time) and April.
const NOW = Date.parse("2026-04-10T10:00:00Z");
const scenario = generateScenario({ seed: 7, now: NOW });
const world = scenario.world;
let sim: RunningSim;
let client: DashboardClient;

const noSleep = { sleep: async () => {}, retries: 2 };
const inRange = (r: SimCostRecord, from: string, to: string) => r.date >= from && r.date < to;
const sum = (xs: Array<{ amount: number }>) => xs.reduce((s, x) => s + x.amount, 0);

beforeAll(() => {
  sim = startSim({ world, targetBudget: scenario.targetBudget });
  client = createDashboardClient({ endpoint: sim.url, secret: world.credentials.dashboardToken, http: noSleep });
});
afterAll(async () => {
  await sim.stop();
});

describe("dashboard v2 client against the simulator", () => {
  test("streams every record of a multi-month range over many NDJSON batches, one request per month", async () => {
    const from = scenario.facts.firstDay;
    const to = "2026-04-10";
    const before = sim.dashboardStats.lines;
    const records = await client.dailyCosts(from, to);
    const expected = world.costs.filter((r) => inRange(r, from, to));
    expect(expected.length).toBeGreaterThan(5000);
    expect(records.length).toBe(expected.length);
    expect(sum(records)).toBeCloseTo(sum(expected), 4);
    expect(sim.dashboardStats.lines - before).toBeGreaterThan(3 * 1000);
    expect(monthsTouched(from, to)).toEqual([[2026, 2], [2026, 3], [2026, 4]]);
    // Berlin offset +01:00 / +02:00 is stripped: only the calendar day remains.
    expect(records.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.date))).toBe(true);
    expect(records[0]!.projectId).toBe(world.projectId);
  });

  test("a range across a month boundary asks once per month and keeps only the days in range", async () => {
    const c = createDashboardClient({ endpoint: sim.url, secret: world.credentials.dashboardToken, http: noSleep });
    const records = await c.dailyCosts("2026-03-28", "2026-04-03");
    expect(c.requestCount).toBe(2);
    const expected = world.costs.filter((r) => inRange(r, "2026-03-28", "2026-04-03"));
    expect(records.length).toBe(expected.length);
    expect(new Set(records.map((r) => r.date))).toEqual(new Set(["2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02"]));
  });

  test("a single day is one date= request", async () => {
    const c = createDashboardClient({ endpoint: sim.url, secret: world.credentials.dashboardToken, http: noSleep });
    const records = await c.dailyCosts("2026-03-15", "2026-03-16");
    expect(c.requestCount).toBe(1);
    expect(records.length).toBe(world.costs.filter((r) => r.date === "2026-03-15").length);
  });

  test("filters: resource_id, product, consumption_type, tags, project_name, contract", async () => {
    const from = "2026-03-01";
    const to = "2026-04-01";
    const target = world.costs.find((r) => r.date >= from && r.product.startsWith("OTC_RDS_"))!;
    const byId = await client.dailyCosts(from, to, { resource_id: target.resourceId });
    expect(byId.length).toBe(world.costs.filter((r) => inRange(r, from, to) && r.resourceId === target.resourceId).length);
    expect(byId.every((r) => r.resourceId === target.resourceId)).toBe(true);

    const ssd = await client.dailyCosts(from, to, { product: "OTC_EVS_SSD" });
    expect(ssd.length).toBe(world.costs.filter((r) => inRange(r, from, to) && r.product === "OTC_EVS_SSD").length);

    const rc = await client.dailyCosts(from, to, { consumption_type: "RC" });
    expect(rc.length).toBeGreaterThan(0);
    expect(rc.every((r) => r.consumptionType === "RC" && r.date === "2026-03-01")).toBe(true);

    const prio0 = await client.dailyCosts(from, to, { tag_key: "ot3c_prio", tag_value: "0" });
    expect(prio0.length).toBe(world.costs.filter((r) => inRange(r, from, to) && r.tags.ot3c_prio === "0").length);
    expect(prio0.every((r) => r.tags?.ot3c_prio === "0")).toBe(true);

    expect(await client.dailyCosts(from, to, { project_name: "eu-nl" })).toEqual([]);
    expect((await client.dailyCosts(from, "2026-03-02", { project_name: world.projectName })).length).toBeGreaterThan(0);
    expect(await client.dailyCosts(from, "2026-03-02", { contract: 1 })).toEqual([]);
  });

  test("hourly records add up to the day and carry the Berlin hour", async () => {
    const day = "2026-03-10";
    const hourly = await client.hourlyCosts(day, "2026-03-11");
    const daily = world.costs.filter((r) => r.date === day);
    expect(sum(hourly)).toBeCloseTo(sum(daily), 3);
    const five = await client.hourlyCosts(day, "2026-03-11", { hour: 5 });
    expect(five.length).toBe(daily.filter((r) => r.consumptionType === "EL").length);
    expect(five.every((r) => r.hour === 5 && r.timestamp === "2026-03-10T05:00:00+01:00")).toBe(true);
  });

  test("wrong token → 401 HttpError that does not echo the token", async () => {
    const bad = createDashboardClient({ endpoint: sim.url, secret: "wrong-token-1234", http: noSleep });
    const err = await bad.dailyCosts("2026-03-01", "2026-03-02").catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(401);
    expect(String(err.message)).not.toContain("wrong-token-1234");
    await expect(bad.check()).rejects.toThrow(/401/);
    expect((await client.check()).api).toBe("v2");
  });

  test("truncated NDJSON → a clear error after re-requesting, and no partial data", async () => {
    const faults = new FaultInjector({ rate: 1, kinds: ["truncate"], retryAfterSeconds: 1, slowMs: 0, seed: 3 });
    const cut = startSim({ world, faults });
    try {
      const c = createDashboardClient({ endpoint: cut.url, secret: world.credentials.dashboardToken, http: noSleep, streamRetries: 2 });
      let result: unknown = "unset";
      const err = await c.dailyCosts("2026-03-01", "2026-04-01").then((r) => (result = r)).catch((e) => e);
      expect(result).toBe("unset");
      expect(err).toBeInstanceOf(HttpError);
      expect(String(err.message)).toMatch(/truncated/);
      expect(c.requestCount).toBe(3);
      expect(faults.injected.truncate).toBe(3);
    } finally {
      await cut.stop();
    }
  });

  test("a truncated stream that is re-requested successfully returns the complete data once", async () => {
    // Only the first response is cut: the injector switches itself off once it has decided one truncation.
    const faults = new (class extends FaultInjector {
      override decide(req: Request) {
        const d = super.decide(req);
        this.setProfile(NO_FAULTS);
        return d;
      }
    })({ rate: 1, kinds: ["truncate"], retryAfterSeconds: 1, slowMs: 0, seed: 3 });
    const flaky = startSim({ world, faults });
    try {
      const c = createDashboardClient({ endpoint: flaky.url, secret: world.credentials.dashboardToken, http: noSleep });
      const records = await c.dailyCosts("2026-03-05", "2026-03-06");
      expect(faults.injected.truncate).toBe(1);
      expect(records.length).toBe(world.costs.filter((r) => r.date === "2026-03-05").length);
      expect(c.requestCount).toBe(2);
    } finally {
      await flaky.stop();
    }
  });

  test("a month cut off inside a multi-month range is re-requested; the range holds every record exactly once", async () => {
    // Only the second month's first response is cut, after the first month's records are already collected.
    const faults = new (class extends FaultInjector {
      private monthRequests = 0;
      override decide(req: Request) {
        if (!new URL(req.url).pathname.startsWith("/v2/daily/")) return {};
        return ++this.monthRequests === 2 ? super.decide(req) : {};
      }
    })({ rate: 1, kinds: ["truncate"], retryAfterSeconds: 1, slowMs: 0, seed: 3 });
    const flaky = startSim({ world, faults });
    try {
      const c = createDashboardClient({ endpoint: flaky.url, secret: world.credentials.dashboardToken, http: noSleep });
      const from = "2026-02-25";
      const to = "2026-03-06";
      const records = await c.dailyCosts(from, to);
      const key = (r: { date: string; resourceId: string; product: string; amount: number }) => `${r.date} ${r.resourceId} ${r.product} ${r.amount}`;
      const expected = world.costs.filter((r) => inRange(r, from, to)).map(key).sort();
      expect(faults.injected.truncate).toBe(1);
      expect(c.requestCount).toBe(3);
      expect(records.some((r) => r.date < "2026-03-01") && records.some((r) => r.date >= "2026-03-01")).toBe(true);
      expect(records.map(key).sort()).toEqual(expected);
    } finally {
      await flaky.stop();
    }
  });

  test("429 with Retry-After is waited out, then the request succeeds", async () => {
    const faults = new FaultInjector({ rate: 1, kinds: ["429"], retryAfterSeconds: 2, slowMs: 0, seed: 5 });
    const limited = startSim({ world, faults });
    const waits: number[] = [];
    try {
      const c = createDashboardClient({
        endpoint: limited.url,
        secret: world.credentials.dashboardToken,
        http: {
          retries: 3,
          sleep: async (ms) => {
            waits.push(ms);
            faults.setProfile(NO_FAULTS);
          },
        },
      });
      const records = await c.dailyCosts("2026-03-05", "2026-03-06");
      expect(waits).toEqual([2000]);
      expect(faults.injected["429"]).toBe(1);
      expect(records.length).toBe(world.costs.filter((r) => r.date === "2026-03-05").length);
    } finally {
      await limited.stop();
    }
  });
});

describe("dashboard v1 client against the simulator", () => {
  test("pages with limit=100 until total, the paging minimum of requests", async () => {
    const http = { sleep: async () => {} };
    const c = createDashboardClient({ endpoint: sim.url, secret: world.credentials.dashboardToken, api: "v1", http }) as DashboardV1Client;
    const records = await c.records({ product: "OTC_EVS_SSD" });
    const expected = world.costs.filter((r) => r.product === "OTC_EVS_SSD");
    expect(expected.length).toBeGreaterThan(300);
    expect(records.length).toBe(expected.length);
    expect(c.requestCount).toBe(Math.ceil(expected.length / 100));
    expect(sum(records)).toBeCloseTo(sum(expected), 4);
  });

  test("dailyCosts: one consumption_date request per day; billed amount by default, list price on request", async () => {
    const billed = createDashboardClient({ endpoint: sim.url, secret: world.credentials.dashboardToken, api: "v1" });
    const list = createDashboardClient({ endpoint: sim.url, secret: world.credentials.dashboardToken, api: "v1", price: "list" });
    const a = await billed.dailyCosts("2026-03-01", "2026-03-04");
    const b = await list.dailyCosts("2026-03-01", "2026-03-04");
    expect(billed.requestCount).toBe(3);
    const expected = world.costs.filter((r) => inRange(r, "2026-03-01", "2026-03-04"));
    expect(a.length).toBe(expected.length);
    expect(sum(a)).toBeCloseTo(sum(expected), 4);
    expect(sum(b)).toBeGreaterThan(sum(a) * 1.2);
    expect((await billed.check()).api).toBe("v1");
    await expect(billed.hourlyCosts("2026-03-01", "2026-03-02")).rejects.toThrow(/v2/);
  });
});

test("v1 refuses a filter it does not have instead of returning unfiltered data", async () => {
  const c = createDashboardClient({ endpoint: sim.url, secret: world.credentials.dashboardToken, api: "v1" });
  await expect(c.dailyCosts("2026-03-01", "2026-03-02", { consumption_type: "RC" })).rejects.toThrow(/consumption_type/);
  expect(c.requestCount).toBe(0);
});

test("projectId keeps only this project's records (the dashboard reports the whole contract)", async () => {
  for (const api of ["v2", "v1"] as const) {
    const mine = createDashboardClient({ endpoint: sim.url, secret: world.credentials.dashboardToken, api, projectId: world.projectId });
    const other = createDashboardClient({ endpoint: sim.url, secret: world.credentials.dashboardToken, api, projectId: "0".repeat(32) });
    expect((await mine.dailyCosts("2026-03-02", "2026-03-03")).length).toBe(world.costs.filter((r) => r.date === "2026-03-02").length);
    expect(await other.dailyCosts("2026-03-02", "2026-03-03")).toEqual([]);
  }
});
