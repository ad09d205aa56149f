/**
 * A plan item's members with their share of its saving: a park (its older name `stop` too) saves nothing on the
 * volumes, which keep billing — found in a fleet's `plan`, where a parked server's data volume was shown saving
 * more than the server.
 */
import { describe, expect, test } from "bun:test";
import { indexUnits, planMembers } from "../../src/format/members.ts";
import type { ForecastSummary, ResourceUnit } from "../../src/engine/types.ts";

const server: ResourceUnit = { id: "ECS_s", kind: "ECS", name: "db-proxy", prio: 10, tags: { ot3c_prio: "10" }, members: [], stopShare: 0.9, resource: { kind: "ECS", id: "s", name: "db-proxy", status: "ACTIVE", tags: { ot3c_prio: "10" } } };
const volume: ResourceUnit = { id: "EVS_v", kind: "EVS", name: "db-proxy-data", prio: 10, tags: {}, members: [], managed: false, resource: { kind: "EVS", id: "v", name: "db-proxy-data", status: "in-use", tags: {} } };
const group: ResourceUnit = { id: "GR_[ECS_s,EVS_v]", kind: "GROUP", name: "db-proxy", prio: 10, tags: {}, members: [server, volume] };
const forecasts: Record<string, ForecastSummary> = {
  ECS_s: { vrId: "ECS_s", costSoFar: 10, monthEnd: { p10: 40, p50: 40, p90: 40 } }, // 30 to come
  EVS_v: { vrId: "EVS_v", costSoFar: 10, monthEnd: { p10: 60, p50: 60, p90: 60 } }, // 50 to come
};
const units = indexUnits([group]);

describe("planMembers", () => {
  for (const action of ["park", "stop"] as const) {
    test(`${action}: the whole saving on what stops, none on the volume`, () => {
      const m = planMembers({ vrId: group.id, action, tsave: 27 }, units, forecasts);
      expect(m.map((x) => [x.id, x.saving])).toEqual([
        ["s", 27],
        ["v", 0],
      ]);
    });
  }

  test("delete: split by what each member would still cost", () => {
    const m = planMembers({ vrId: group.id, action: "delete", tsave: 80 }, units, forecasts);
    expect(m.map((x) => [x.id, x.saving])).toEqual([
      ["s", 30],
      ["v", 50],
    ]);
    expect(m[1]!.prio).toBeUndefined(); // untagged volume: shown as untagged, never as prio 0
  });
});
