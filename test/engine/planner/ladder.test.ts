/**
 * The planners across the ladder of actions (issue #17): park before snapshot-delete before delete, limited per
 * unit by its ladder (ot3c_action, kind, copy-before-delete); classic deletes only, within the same limits.
 */
import { describe, expect, test } from "bun:test";
import { annotateLadders, type LadderConfig } from "../../../src/engine/actions/index.ts";
import { COPY_COST_OF_STORAGE } from "../../../src/engine/actions/copy-cost.ts";
import { planTerminations, type PlannerInput } from "../../../src/engine/planner/index.ts";
import { addDays, billingPeriod, dayStart } from "../../../src/engine/period.ts";
import type { CloudResource, ResourceForecast, VirtualResource } from "../../../src/engine/types.ts";
import { forecastOf, leaf, mulberry32 } from "./gen.ts";

const now = Date.parse("2026-11-21T09:00:00Z");
const period = billingPeriod(now);
const H = 3_600_000;

function flat(perDay: number): Array<{ date: string; amount: number }> {
  const out = [];
  for (let d = "2026-11-21"; d < period.endDate; d = addDays(d, 1)) out.push({ date: d, amount: perDay });
  return out;
}
const fc = (entries: Array<[string, number]>): Record<string, ResourceForecast> => Object.fromEntries(entries.map(([id, v]) => [id, forecastOf(id, flat(v))]));
const input = (roots: VirtualResource[], forecasts: Record<string, ResourceForecast>, gap: number, extra: Partial<PlannerInput> = {}): PlannerInput => ({
  roots, forecasts, gap, period, now, graceMs: 24 * H, mode: "optimal", ...extra,
});
const ladder: LadderConfig = { defaultLimit: "delete", copyBeforeDelete: true, schedules: new Set(["office"]) };

function res(kind: CloudResource["kind"], id: string, tags: Record<string, string> = {}): CloudResource {
  return { kind, id, name: id, status: "ACTIVE", tags };
}
/** A leaf with its cloud resource, so annotateLadders can read kind and tags. */
function unit(kind: CloudResource["kind"], id: string, prio: number, tags: Record<string, string> = {}, extra: Partial<VirtualResource> = {}): VirtualResource {
  return leaf(`${kind}_${id}`, kind, prio, { resource: res(kind, id, tags), tags, ...extra });
}
function annotated<T extends VirtualResource[]>(roots: T, config = ladder): T {
  annotateLadders(roots, config);
  return roots;
}

describe("ladder per unit", () => {
  test("kinds, ot3c_action limits, copy-before-delete, prepaid, groups", () => {
    const roots = annotated([
      unit("ECS", "a", 50),
      unit("ECS", "p", 50, { ot3c_action: "park" }),
      unit("ECS", "n", 50, { ot3c_action: "never-delete", ot3c_schedule: "office" }),
      unit("ECS", "s", 50, { ot3c_action: "schedule", ot3c_schedule: "office" }),
      unit("ECS", "typo", 50, { ot3c_action: "delte" }),
      unit("RDS", "d", 50),
      unit("EVS", "v", 50),
      leaf("ECS_pre", "ECS", 50, { resource: { ...res("ECS", "pre"), prepaid: true } }),
      leaf("GR_[ECS_g,EVS_w]", "GROUP", 50, { members: [unit("ECS", "g", 50), unit("EVS", "w", 50)] }),
      leaf("GR_[ECS_k,EVS_x]", "GROUP", 50, { members: [unit("ECS", "k", 50, { ot3c_action: "park" }), unit("EVS", "x", 50)] }),
    ]);
    const by = Object.fromEntries(roots.map((r) => [r.id, r.ladder]));
    expect(by["ECS_a"]).toEqual(["park", "delete"]);
    expect(by["ECS_p"]).toEqual(["park"]);
    expect(by["ECS_n"]).toEqual(["schedule", "park"]);
    expect(roots[2].schedule).toBe("office");
    expect(by["ECS_s"]).toEqual(["schedule"]);
    expect(by["ECS_typo"]).toEqual([]); // an unreadable limit is the strictest, and reported
    expect(roots[4].note).toContain("delte");
    expect(by["RDS_d"]).toEqual(["park", "snapshot-delete"]); // copy-before-delete drops the bare delete
    expect(by["EVS_v"]).toEqual(["delete"]);
    expect(by["ECS_pre"]).toEqual([]);
    // A group parks its server (the volume keeps billing) and is deleted only when every member allows it.
    expect(by["GR_[ECS_g,EVS_w]"]).toEqual(["park", "delete"]);
    expect(by["GR_[ECS_k,EVS_x]"]).toEqual(["park"]);
  });
});

describe("optimal across the ladder", () => {
  test("a database with copy-before-delete is backed up and deleted, never deleted bare; the backup's cost is counted", () => {
    const [db] = annotated([unit("RDS", "d", 30, {}, { stopShare: 0.75 })]);
    // Park saves 3/day for 7 days at most (OTC restarts it); 8 days × 4 = 32 are available by deleting.
    const plan = planTerminations(input([db], fc([["RDS_d", 4]]), 25));
    expect(plan.items.map((i) => i.action)).toEqual(["snapshot-delete"]);
    // As late as still closes the gap: each day from the deletion saves 4 minus the backup's 4 × 0.25 × share.
    const perDay = 4 - 4 * 0.25 * COPY_COST_OF_STORAGE;
    const days = Math.round((period.end - plan.items[0].tdate) / (24 * H));
    expect(days).toBe(7);
    expect(plan.items[0].tsave).toBeCloseTo(days * perDay, 9);
    expect(plan.items[0].reason).toContain("backup");
    // A small gap is closed by parking it.
    const small = planTerminations(input([db], fc([["RDS_d", 4]]), 5));
    expect(small.items.map((i) => i.action)).toEqual(["park"]);
  });

  test("ot3c_action=park: parked even when a delete would close more; never deleted", () => {
    const roots = annotated([unit("ECS", "a", 50, { ot3c_action: "park" }, { stopShare: 0.8 })]);
    const plan = planTerminations(input(roots, fc([["ECS_a", 5]]), 100));
    expect(plan.items.map((i) => i.action)).toEqual(["park"]);
    expect(plan.outcome).toBe("END_OF_MANAGEABLE_LIST");
    expect(plan.items[0].tsave).toBeCloseTo(8 * 4, 9);
  });

  test("ot3c_action=schedule: never planned for the budget", () => {
    const roots = annotated([unit("ECS", "s", 90, { ot3c_action: "schedule", ot3c_schedule: "office" }, { stopShare: 1 }), unit("ECS", "b", 10, {}, { stopShare: 1 })]);
    const plan = planTerminations(input(roots, fc([["ECS_s", 10], ["ECS_b", 1]]), 5));
    expect(plan.items.map((i) => i.vrId)).toEqual(["ECS_b"]);
  });

  test("parks before it deletes, across units of the same prio", () => {
    const roots = annotated([unit("ECS", "a", 50, {}, { stopShare: 0.9 }), unit("EVS", "v", 50)]);
    // The volume (delete only) saves 2/day, the server 3/day parked: the gap of 20 is closed by parking alone.
    const plan = planTerminations(input(roots, fc([["ECS_a", 10 / 3], ["EVS_v", 2]]), 20));
    expect(plan.items.map((i) => [i.vrId, i.action])).toEqual([["ECS_a", "park"]]);
  });

  test("classic keeps deleting (no parks), skips what may not be deleted, backs databases up first", () => {
    const roots = annotated([unit("ECS", "p", 90, { ot3c_action: "park" }, { stopShare: 1 }), unit("RDS", "d", 80, {}, { stopShare: 0.5 }), unit("ECS", "x", 70, {}, { stopShare: 1 })]);
    const plan = planTerminations(input(roots, fc([["ECS_p", 10], ["RDS_d", 1], ["ECS_x", 1]]), 12, { mode: "classic" }));
    expect(plan.items.map((i) => [i.vrId, i.action])).toEqual([["RDS_d", "snapshot-delete"], ["ECS_x", "delete"]]);
    // Without an actions configuration (no ladder on the units) classic is the seed's: delete only.
    const bare = planTerminations(input([leaf("ECS_p", "ECS", 90, { stopShare: 1 })], fc([["ECS_p", 10]]), 12, { mode: "classic" }));
    expect(bare.items.map((i) => i.action)).toEqual(["delete"]);
  });

  test("property: no item uses a rung outside its unit's ladder; optimal never deletes more than classic", () => {
    const limits = [undefined, "park", "never-delete", "delete", "schedule"];
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = mulberry32(seed);
      const roots: VirtualResource[] = [];
      const entries: Array<[string, number]> = [];
      const n = 2 + Math.floor(rnd() * 6);
      for (let i = 0; i < n; i++) {
        const kind = (["ECS", "RDS", "EVS", "CCE"] as const)[Math.floor(rnd() * 4)];
        const limit = limits[Math.floor(rnd() * limits.length)];
        const tags: Record<string, string> = limit ? { ot3c_action: limit } : {};
        const u = unit(kind, `${i}`, 10 + Math.floor(rnd() * 3) * 20, tags, kind === "ECS" || kind === "RDS" ? { stopShare: 0.3 + rnd() * 0.7 } : {});
        roots.push(u);
        entries.push([u.id, Math.round(rnd() * 50) / 10]);
      }
      const copyBeforeDelete = rnd() < 0.5;
      annotated(roots, { ...ladder, copyBeforeDelete });
      const forecasts = fc(entries);
      const gap = rnd() * 60;
      const byId = new Map(roots.map((r) => [r.id, r]));
      const opt = planTerminations(input(roots, forecasts, gap));
      const cls = planTerminations(input(roots, forecasts, gap, { mode: "classic" }));
      for (const plan of [opt, cls]) {
        for (const i of plan.items) {
          const rung = i.action === "stop" ? "park" : i.action;
          expect(byId.get(i.vrId)!.ladder).toContain(rung);
        }
      }
      if (opt.outcome === "OK" && cls.outcome === "OK") {
        const deletes = (p: typeof opt) => p.items.filter((i) => i.action === "delete").length;
        expect(deletes(opt)).toBeLessThanOrEqual(deletes(cls));
      }
    }
  });
});

test("dayStart sanity for the fixtures", () => {
  expect(dayStart("2026-11-23")).toBeGreaterThan(now + 24 * H);
});
