/**
 * The fleet's records as columns (src/sim/dashboard/table.ts) are served byte for byte as the records as objects:
 * same lines, same order, same aggregation ids, whichever filters a request sets.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateFleet, type SimFleet } from "../../../src/sim/scenario/fleet.ts";
import { startFleetSim, type RunningFleetSim } from "../../../src/sim/fleet-server.ts";
import { RecordWriter } from "../../../src/sim/dashboard/records.ts";
import { CostTable } from "../../../src/sim/dashboard/table.ts";

const NOW = Date.parse("2026-11-15T09:00:00Z");
const options = { seed: 7, now: NOW, regions: [{ region: "eu-de", projects: 2 }, { region: "eu-nl", projects: 1 }], perProject: { ecs: 5, evs: 6, cceClusters: 1, cceNodePools: 1, rds: 1, days: 70, ecsExtraProducts: 2 } };
let objects: SimFleet;
let columns: SimFleet;
let a: RunningFleetSim;
let b: RunningFleetSim;

beforeAll(() => {
  objects = generateFleet(options);
  columns = generateFleet({ ...options, compactCosts: true });
  a = startFleetSim(objects);
  b = startFleetSim(columns);
});
afterAll(async () => {
  await a.stop();
  await b.stop();
});

async function body(sim: RunningFleetSim, fleet: SimFleet, path: string): Promise<string> {
  const res = await fetch(sim.dashboardUrl + path, { headers: { Authorization: `Bearer ${fleet.projects[0]!.credentials.dashboardToken}` } });
  expect(res.status).toBe(200);
  return res.text();
}

describe("records as columns", () => {
  test("the generator leaves the worlds' record arrays empty and keeps every record in the tables", () => {
    expect(columns.projects.every((w) => w.costs.length === 0)).toBe(true);
    expect(columns.costTables!.map((t) => t.length)).toEqual(objects.projects.map((w) => w.costs.length));
  });

  test("a table gives back the records it was given", () => {
    const w = objects.projects[1]!;
    const t = CostTable.from(w.costs);
    for (const i of [0, 1, 17, w.costs.length - 1]) expect(t.at(i)).toEqual(w.costs[i]!);
  });

  const paths = [
    "/v2/daily/consumption/?year=2026&month=10",
    "/v2/daily/consumption/?year=2026&month=11",
    "/v2/daily/consumption/?date=2026-10-03",
    "/v2/daily/consumption/?year=2026&month=10&show_tag=true",
    "/v2/daily/consumption/?year=2026&month=10&consumption_type=RC",
    "/v2/daily/consumption/?year=2026&week=41",
    "/v2/hourly/consumption/?date=2026-10-03&hour=5",
    "/v1/consumption?limit=100&offset=40",
  ];
  for (const path of paths) {
    test(`same body: ${path}`, async () => {
      const [x, y] = await Promise.all([body(a, objects, path), body(b, columns, path)]);
      expect(x.length).toBeGreaterThan(100);
      // Credentials and the contract number differ per generated world; the lines themselves must not.
      expect(y).toBe(x);
    });
  }

  test("a line written from the table's parts is the line written from the record, as JSON.stringify writes it", () => {
    const w = objects.projects[0]!;
    const t = CostTable.from(w.costs);
    const writer = new RecordWriter(w);
    for (let i = 0; i < t.length; i += 7) {
      expect(writer.dailyAt(t, i)).toBe(writer.dailyAsObject(w.costs[i]!, i, false));
      expect(writer.daily(w.costs[i]!, i, true)).toBe(writer.dailyAsObject(w.costs[i]!, i, true));
    }
  });
});
