// The simulated Financial Dashboard on the wire, read with plain fetch (no ot3c client involved).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateScenario } from "../../../src/sim/scenario/index.ts";
import { startSim, type RunningSim } from "../../../src/sim/server.ts";
import { FaultInjector } from "../../../src/sim/faults.ts";

const scenario = generateScenario({ seed: 3, now: Date.parse("2026-08-12T08:00:00Z") });
const world = scenario.world;
let sim: RunningSim;
const auth = () => ({ authorization: `Bearer ${world.credentials.dashboardToken}` });
const get = (path: string, headers: Record<string, string> = auth()) => fetch(sim.url + path, { headers });

beforeAll(() => {
  sim = startSim({ world });
});
afterAll(async () => {
  await sim.stop();
});

describe("simulated Financial Dashboard v2", () => {
  test("401 without or with a wrong Bearer token; health needs none", async () => {
    expect((await get("/v2/daily/consumption/", {})).status).toBe(401);
    expect((await get("/v2/daily/consumption/", { authorization: "Bearer nope" })).status).toBe(401);
    expect((await get("/v2/health", {})).status).toBe(200);
  });

  test("NDJSON: one JSON object per newline-terminated line, Berlin timestamps with offset, 1000-line batches", async () => {
    const res = await get("/v2/daily/consumption/?year=2026&month=7");
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const reader = res.body!.getReader();
    let text = "";
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += new TextDecoder().decode(value);
    }
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
    const expected = world.costs.filter((c) => c.date.startsWith("2026-07"));
    expect(lines.length).toBe(expected.length);
    expect(chunks).toBeGreaterThanOrEqual(Math.ceil(expected.length / 1000) > 1 ? 2 : 1);
    expect(lines[0].consumption_date).toMatch(/^2026-07-\d{2}T00:00:00\+02:00$/);
    for (const k of ["aggregation_id", "amount", "consumption_type", "contract", "product", "product_description", "project_id", "quantity", "quantity_type", "region", "resource_id", "status"]) {
      expect(lines[0]).toHaveProperty(k);
    }
    expect(lines[0].tags).toBeUndefined();
  });

  test("week filter returns only that ISO week; tag filters need show_tag", async () => {
    const week = (await (await get("/v2/daily/consumption/?year=2026&week=31")).text()).trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(new Set(week.map((r) => r.consumption_date.slice(0, 10)))).toEqual(
      new Set(["2026-07-27", "2026-07-28", "2026-07-29", "2026-07-30", "2026-07-31", "2026-08-01", "2026-08-02"]),
    );
    const count = async (q: string) => (await (await get(`/v2/daily/consumption/?date=2026-08-03${q}`)).text()).trimEnd().split("\n").filter(Boolean).length;
    const all = await count("");
    const tagged = await count("&show_tag=true&tag_key=ot3c_prio");
    expect(await count("&tag_key=ot3c_prio")).toBe(all);
    expect(tagged).toBeLessThan(all);
    expect(tagged).toBe(world.costs.filter((c) => c.date === "2026-08-03" && "ot3c_prio" in c.tags).length);
  });

  test("bad parameters: 422 for wrong types, 400 for out-of-range values", async () => {
    expect((await get("/v2/daily/consumption/?month=abc")).status).toBe(422);
    expect((await get("/v2/daily/consumption/?date=12.08.2026")).status).toBe(422);
    expect((await get("/v2/daily/consumption/?show_tag=maybe")).status).toBe(422);
    expect((await get("/v2/daily/consumption/?month=13")).status).toBe(400);
    expect((await get("/v2/daily/consumption/?year=2019")).status).toBe(400);
    expect((await get("/v2/hourly/consumption/?hour=24")).status).toBe(400);
    expect((await get("/v2/daily/consumption/?consumption_type=XX")).status).toBe(400);
    const body = (await (await get("/v2/daily/consumption/?week=x")).json()) as any;
    expect(body.detail[0].loc).toEqual(["query", "week"]);
  });

  test("hourly: 24 lines per elastic daily record with hourly fields", async () => {
    const text = await (await get("/v2/hourly/consumption/?date=2026-08-03&consumption_type=EL")).text();
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBe(24 * world.costs.filter((c) => c.date === "2026-08-03" && c.consumptionType === "EL").length);
    expect(lines[0]).toHaveProperty("usage_id");
    expect(lines[0]).toHaveProperty("amount_excluding_discount");
    expect(lines[0]).toHaveProperty("external_priceplan");
  });

  test("the truncate fault cuts the body mid-line", async () => {
    const faults = new FaultInjector({ rate: 1, kinds: ["truncate"], retryAfterSeconds: 1, slowMs: 0, seed: 1 });
    const cut = startSim({ world, faults });
    try {
      const text = await (await fetch(cut.url + "/v2/daily/consumption/?year=2026&month=7", { headers: auth() })).text();
      expect(text.endsWith("\n")).toBe(false);
      const lines = text.split("\n");
      expect(() => JSON.parse(lines[lines.length - 1]!)).toThrow();
      expect(lines.length - 1).toBe(Math.floor(world.costs.filter((c) => c.date.startsWith("2026-07")).length / 2));
    } finally {
      await cut.stop();
    }
  });
});

describe("simulated Financial Dashboard v1", () => {
  test("Collection pages: limit default 10, max 100; date filter returns the whole day", async () => {
    const page = (await (await get("/v1/consumption?offset=20")).json()) as any;
    expect(page).toMatchObject({ offset: 20, limit: 10, kind: "Collection", total: world.costs.length });
    expect(page.contents.length).toBe(10);
    expect(page.contents[0]).toMatchObject({ kind: "Consumption", project_name: world.projectName });
    expect(page.contents[0].consumption_date).toMatch(/^\d{4}-\d{2}-\d{2} 00:00:00$/);
    expect(page.contents[0].listprice_amount).toBeGreaterThan(page.contents[0].amount);
    expect((await get("/v1/consumption?limit=101")).status).toBe(400);
    const day = (await (await get("/v1/consumption?consumption_date=2026-08-03&limit=5")).json()) as any;
    expect(day.contents.length).toBe(world.costs.filter((c) => c.date === "2026-08-03").length);
    expect((await get("/v1/consumption", {})).status).toBe(401);
  });
});
