import { describe, expect, test } from "bun:test";
import { billingPeriod } from "../../../src/engine/period.ts";
import type { CloudResource, CostRecord } from "../../../src/engine/types.ts";
import {
  buildVirtualInventory,
  buildVirtualResources,
  computeShare,
  ghostProductToken,
  parsePrio,
  walkVirtual,
} from "../../../src/engine/virtual/index.ts";
import { dailyCostsOf } from "../../../src/engine/virtual/day-series.ts";

const period = billingPeriod(Date.parse("2026-11-22T12:00:00Z"));

function ecs(id: string, tags: Record<string, string>, volumes: string[] = []): CloudResource {
  return { kind: "ECS", id, name: `srv-${id}`, status: "ACTIVE", tags, attachedVolumeIds: volumes };
}
function evs(id: string, tags: Record<string, string>, servers: string[] = []): CloudResource {
  return { kind: "EVS", id, name: `vol-${id}`, status: servers.length ? "in-use" : "available", tags, attachedServerIds: servers };
}
function cost(resourceId: string, date: string, amount: number, product = "OTC_S3M_LI"): CostRecord {
  return { resourceId, date, amount, product };
}

describe("buildVirtualResources", () => {
  test("an ECS is grouped with its attached EVS, server first; daily sums products per day", () => {
    const roots = buildVirtualResources({
      resources: [ecs("s1", { ot3c_prio: "40", ot3c_owner: "a@x" }, ["v1", "v2"]), evs("v2", {}, ["s1"]), evs("v1", {}, ["s1"])],
      costs: [
        cost("s1", "2026-11-01", 1),
        cost("s1", "2026-11-01", 0.5, "OTC_WIN_LIC"),
        cost("v1", "2026-11-01", 0.2, "OTC_EVS_SSD"),
        cost("v2", "2026-11-02", 0.3, "OTC_EVS_SATA"),
      ],
      period,
    });
    expect(roots.map((r) => r.id)).toEqual(["GR_[ECS_s1,EVS_v1,EVS_v2]"]);
    const g = roots[0];
    expect(g.kind).toBe("GROUP");
    expect(g.prio).toBe(40);
    expect(g.owner).toBe("a@x");
    expect(g.managed).toBe(true);
    expect(dailyCostsOf(g.members[0].daily)).toEqual([{ date: "2026-11-01", amount: 1.5 }]);
    expect(dailyCostsOf(g.daily)).toEqual([
      { date: "2026-11-01", amount: 1.7 },
      { date: "2026-11-02", amount: 0.3 },
    ]);
  });

  test("cost records are joined by exact id, never by substring", () => {
    const roots = buildVirtualResources({
      resources: [ecs("abc", { ot3c_prio: "5" }), ecs("abcd", { ot3c_prio: "6" })],
      costs: [cost("abcd", "2026-11-03", 7), cost("bc", "2026-11-03", 2)],
      period,
    });
    const byId = Object.fromEntries(roots.map((r) => [r.id, r]));
    expect(dailyCostsOf(byId["ECS_abc"].daily)).toEqual([]);
    expect(dailyCostsOf(byId["ECS_abcd"].daily)).toEqual([{ date: "2026-11-03", amount: 7 }]);
    // "bc" is a substring of both but matches neither: it is a ghost.
    expect(byId["GH_S3M_bc"]).toBeDefined();
  });

  test("an EVS with its own ot3c_group stays out of the server group and joins its tag group", () => {
    const roots = buildVirtualResources({
      resources: [
        ecs("s1", { ot3c_prio: "30" }, ["v1", "v2"]),
        evs("v1", {}, ["s1"]),
        evs("v2", { ot3c_group: "data", ot3c_prio: "20" }, ["s1"]),
        evs("v3", { ot3c_group: "data", ot3c_prio: "25" }),
      ],
      costs: [],
      period,
    });
    const ids = roots.map((r) => r.id).sort();
    expect(ids).toEqual(["GR_[ECS_s1,EVS_v1]", "GR_[EVS_v2,EVS_v3]"]);
    const data = roots.find((r) => r.id === "GR_[EVS_v2,EVS_v3]")!;
    expect(data.prio).toBe(20);
    expect(data.group).toBe("data");
  });

  test("ot3c_group groups: min prio, any prio 0 makes the group 0, owner of the first member, servers first", () => {
    const roots = buildVirtualResources({
      resources: [
        evs("v9", { ot3c_group: "web", ot3c_prio: "70", ot3c_owner: "evs@x" }),
        ecs("s2", { ot3c_group: "web", ot3c_prio: "50", ot3c_owner: "srv@x" }, ["v2"]),
        evs("v2", {}, ["s2"]),
        ecs("s3", { ot3c_group: "web", ot3c_prio: "60" }),
        ecs("z1", { ot3c_group: "core", ot3c_prio: "80" }),
        ecs("z2", { ot3c_group: "core", ot3c_prio: "0" }),
      ],
      costs: [],
      period,
    });
    const web = roots.find((r) => r.group === "web")!;
    expect(web.id).toBe("GR_[GR_[ECS_s2,EVS_v2],ECS_s3,EVS_v9]");
    expect(web.prio).toBe(50);
    expect(web.owner).toBe("srv@x");
    const core = roots.find((r) => r.group === "core")!;
    expect(core.prio).toBe(0);
    expect(core.note).toContain("prio 0");
    // Members never appear as roots too.
    const rootIds = new Set(roots.map((r) => r.id));
    for (const r of roots) for (const m of walkVirtual(r.members)) expect(rootIds.has(m.id)).toBe(false);
  });

  test("an ot3c_group with an untagged member is baseline as a whole, and its note names the member", () => {
    const roots = buildVirtualResources({
      resources: [
        ecs("s1", { ot3c_group: "staging", ot3c_prio: "10" }),
        // a node pool without ot3c_prio in the same group (the demo's cce-prod-pool-2)
        { kind: "CCE", id: "np2", name: "cce-prod-pool-2", status: "Active", tags: { ot3c_group: "staging" }, clusterId: "c1" },
      ],
      costs: [],
      period,
    });
    const g = roots.find((r) => r.group === "staging")!;
    expect(g.kind).toBe("GROUP");
    expect(g.managed).toBe(false);
    expect(g.note).toContain("CCE_np2");
    expect(g.note).toContain("no ot3c_prio");
    expect(g.tags.ot3c_prio).toBeUndefined();
  });

  test("a volume attached to a managed server counts as part of that server inside an ot3c_group", () => {
    const roots = buildVirtualResources({
      resources: [ecs("s1", { ot3c_group: "web", ot3c_prio: "40" }, ["v1"]), evs("v1", {}, ["s1"]), ecs("s2", { ot3c_group: "web", ot3c_prio: "30" })],
      costs: [],
      period,
    });
    const g = roots.find((r) => r.group === "web")!;
    expect(g.managed).toBe(true);
    expect(g.prio).toBe(30);
  });

  test("prepaid resources are baseline with a note, and protect their ot3c_group", () => {
    const roots = buildVirtualResources({
      resources: [
        { ...ecs("p1", { ot3c_prio: "50" }), prepaid: true },
        { ...ecs("p2", { ot3c_prio: "50", ot3c_group: "g" }), prepaid: true },
        ecs("s3", { ot3c_prio: "60", ot3c_group: "g" }),
      ],
      costs: [],
      period,
    });
    const p1 = roots.find((r) => r.id === "ECS_p1")!;
    expect(p1.managed).toBe(false);
    expect(p1.note).toContain("prepaid");
    const g = roots.find((r) => r.group === "g")!;
    expect(g.managed).toBe(false);
    expect(g.note).toContain("ECS_p2");
    expect(g.note).toContain("prepaid");
  });

  test("spend outside the inventory that billed in the last days is a ghost before its first record of the period", () => {
    // Day 1 of a period, data up to the day before: an OBS bucket billing daily, and a server deleted weeks ago.
    const p = billingPeriod(Date.parse("2026-11-01T12:00:00Z"));
    const costs = [cost("bucket", "2026-10-30", 2, "OTC_OBS_STD"), cost("bucket", "2026-10-31", 2, "OTC_OBS_STD"), cost("old", "2026-10-05", 9)];
    const without = buildVirtualResources({ resources: [], costs, period: p });
    expect(without).toEqual([]);
    const withRecent = buildVirtualResources({ resources: [], costs, period: p, recentFrom: "2026-10-29" });
    expect(withRecent.map((r) => r.id)).toEqual(["GH_OBS_bucket"]);
    expect(withRecent[0].ghostOf).toBe("bucket");
  });

  test("a single-member ot3c_group keeps the resource's own id", () => {
    const roots = buildVirtualResources({ resources: [ecs("s1", { ot3c_group: "solo", ot3c_prio: "3" })], costs: [], period });
    expect(roots.map((r) => r.id)).toEqual(["ECS_s1"]);
    expect(roots[0].group).toBe("solo");
  });

  test("ghosts: this period's records of vanished resources, prio 0, product token, no panic without _", () => {
    const roots = buildVirtualResources({
      resources: [],
      costs: [
        cost("gone1", "2026-11-05", 3, "OTC_D24XL8_LI"),
        cost("gone1", "2026-11-04", 1, "OTC_EVS_SSD"),
        cost("gone2", "2026-11-05", 2, "BANDWIDTH"),
        cost("old", "2026-10-30", 9, "OTC_S3M_LI"), // last period only: not a ghost of this one
      ],
      period,
    });
    expect(roots.map((r) => r.id).sort()).toEqual(["GH_BANDWIDTH_gone2", "GH_EVS_gone1"]);
    for (const g of roots) {
      expect(g.prio).toBe(0);
      expect(g.kind).toBe("GHOST");
      expect(g.managed).toBe(false);
    }
    expect(dailyCostsOf(roots.find((r) => r.id === "GH_EVS_gone1")!.daily)).toEqual([
      { date: "2026-11-04", amount: 1 },
      { date: "2026-11-05", amount: 3 },
    ]);
    expect(ghostProductToken("OTC_D24XL8_LI")).toBe("D24XL8");
    expect(ghostProductToken("NOUNDERSCORE")).toBe("NOUNDERSCORE");
    expect(ghostProductToken("TRAILING_")).toBe("TRAILING_");
    expect(ghostProductToken("")).toBe("UNKNOWN");
  });

  test("untagged resources are kept but unmanaged; unparsable prio is 0 with a reason", () => {
    const roots = buildVirtualResources({
      resources: [
        ecs("u1", {}),
        ecs("bad", { ot3c_prio: "high" }),
        ecs("neg", { ot3c_prio: "-5" }),
        ecs("ok", { ot3c_prio: "12" }),
        ecs("huge", { ot3c_prio: "2147483648" }),
      ],
      costs: [],
      period,
    });
    const byId = Object.fromEntries(roots.map((r) => [r.id, r]));
    expect(byId["ECS_u1"].managed).toBe(false);
    expect(byId["ECS_u1"].prio).toBe(0);
    expect(byId["ECS_bad"].managed).toBe(true);
    expect(byId["ECS_bad"].prio).toBe(0);
    expect(byId["ECS_bad"].note).toContain("not an integer");
    expect(byId["ECS_neg"].prio).toBe(0);
    expect(byId["ECS_huge"].prio).toBe(0);
    expect(byId["ECS_ok"].prio).toBe(12);
    expect(parsePrio({ ot3c_prio: " 7 " }).prio).toBe(7);
  });

  test("a server group is unmanaged when the server is untagged, even if a volume is tagged", () => {
    const roots = buildVirtualResources({
      resources: [ecs("s1", {}, ["v1"]), evs("v1", { ot3c_prio: "90" }, ["s1"])],
      costs: [],
      period,
    });
    expect(roots[0].id).toBe("GR_[ECS_s1,EVS_v1]");
    expect(roots[0].managed).toBe(false);
    expect(roots[0].prio).toBe(0);
  });

  test("a missing attached volume does not abort grouping (the seed aborted everything)", () => {
    const roots = buildVirtualResources({
      resources: [ecs("s1", { ot3c_prio: "1" }, ["missing", "v1"]), evs("v1", {}, ["s1"])],
      costs: [],
      period,
    });
    expect(roots.map((r) => r.id)).toEqual(["GR_[ECS_s1,EVS_v1]"]);
  });

  test("ot3c_instance: other instances' resources are excluded from the tree but exposed, and are not ghosts", () => {
    const inv = buildVirtualInventory({
      resources: [
        ecs("mine", { ot3c_prio: "10", ot3c_instance: "a" }),
        ecs("theirs", { ot3c_prio: "10", ot3c_instance: "b" }),
        ecs("none", { ot3c_prio: "10" }),
      ],
      costs: [cost("theirs", "2026-11-02", 4), cost("mine", "2026-11-02", 1)],
      period,
      instance: "a",
    });
    expect(inv.roots.map((r) => r.id)).toEqual(["ECS_mine"]);
    expect(inv.excluded.map((r) => r.id)).toEqual(["ECS_none", "ECS_theirs"]);
    expect(inv.excluded.every((r) => r.managed === false)).toBe(true);
    expect(dailyCostsOf(inv.excluded.find((r) => r.id === "ECS_theirs")!.daily)).toEqual([{ date: "2026-11-02", amount: 4 }]);
    // Without an instance everything is managed by us.
    expect(buildVirtualResources({ resources: [ecs("theirs", { ot3c_prio: "1", ot3c_instance: "b" })], costs: [], period }).length).toBe(1);
  });

  test("CCE node pools and RDS become leaves; RDS stopShare excludes storage products", () => {
    const roots = buildVirtualResources({
      resources: [
        { kind: "CCE", id: "np1", name: "pool", status: "", tags: { ot3c_prio: "9" }, clusterId: "c1" },
        { kind: "RDS", id: "db1", name: "db", status: "ACTIVE", tags: { ot3c_prio: "8" } },
      ],
      costs: [cost("db1", "2026-11-02", 3, "OTC_RDS_PG_S3M4"), cost("db1", "2026-11-02", 1, "OTC_RDS_ST_SSD")],
      period,
    });
    expect(roots.map((r) => r.id)).toEqual(["CCE_np1", "RDS_db1"]);
    expect(roots[1].stopShare).toBeCloseTo(0.75, 10);
    // A node pool's node products are what a park (0 nodes) ends; without records, all of its cost.
    expect(roots[0].stopShare).toBe(1);
    expect(computeShare([])).toBe(1);
  });

  test("roots sorted most expendable first: prio descending, 0 last, ties by id", () => {
    const roots = buildVirtualResources({
      resources: [ecs("b", { ot3c_prio: "5" }), ecs("a", { ot3c_prio: "5" }), ecs("z", { ot3c_prio: "0" }), ecs("c", { ot3c_prio: "100" }), ecs("u", {})],
      costs: [],
      period,
    });
    expect(roots.map((r) => r.id)).toEqual(["ECS_c", "ECS_a", "ECS_b", "ECS_u", "ECS_z"]);
  });
});

describe("volumes attached outside their unit", () => {
  test("a tagged volume with its own ot3c_group, attached to a server outside that group, is never plannable", async () => {
    const { buildVirtualResources } = await import("../../../src/engine/virtual/index.ts");
    const { billingPeriod } = await import("../../../src/engine/period.ts");
    const period = billingPeriod(Date.parse("2026-11-10T12:00:00Z"));
    const resources: import("../../../src/engine/types.ts").CloudResource[] = [
      { kind: "ECS" as const, id: "srv", name: "db", status: "ACTIVE", tags: {}, attachedVolumeIds: ["vol"] },
      { kind: "EVS" as const, id: "vol", name: "data", status: "in-use", tags: { ot3c_prio: "5", ot3c_group: "scratch" }, attachedServerIds: ["srv"] },
      { kind: "EVS" as const, id: "free", name: "tmp", status: "available", tags: { ot3c_prio: "5", ot3c_group: "scratch" }, attachedServerIds: [] },
    ];
    const roots = buildVirtualResources({ resources, costs: [], period });
    const unit = roots.find((r) => r.id.includes("EVS_vol"))!;
    expect(unit.managed).toBe(false);
    expect(unit.note).toContain("attached to server ECS_srv");
    // The same volume in a group with its server is fine.
    const together = buildVirtualResources({
      resources: [{ ...resources[0]!, tags: { ot3c_prio: "5", ot3c_group: "scratch" } }, resources[1]!],
      costs: [],
      period,
    });
    expect(together.find((r) => r.id.includes("EVS_vol"))!.managed).not.toBe(false);
  });
});
