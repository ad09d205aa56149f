import { describe, expect, test } from "bun:test";
import { generateScenario, presetScenario } from "../../../src/sim/scenario/index.ts";
import { berlinDate, berlinTimestamp, isoWeek, weekday } from "../../../src/sim/scenario/calendar.ts";
import type { SimWorld } from "../../../src/sim/world.ts";
import { OWNER_HANDLES } from "../../../src/sim/scenario/catalog.ts";
import { worldTagViolations } from "../../../src/sim/otc/tag-rules.ts";

const NOW = Date.parse("2026-04-10T10:00:00Z");

/** Everything but the credentials (random per world by design), in a comparable form. */
function comparable(w: SimWorld) {
  return {
    projectId: w.projectId,
    servers: [...w.servers.values()],
    volumes: [...w.volumes.values()],
    pools: [...w.nodePools.values()],
    rds: [...w.rds.values()],
    costs: w.costs,
  };
}

describe("scenario generator", () => {
  const s = generateScenario({ seed: 11, now: NOW });
  const w = s.world;

  test("same seed → same world; another seed → another world; credentials differ per world", () => {
    const again = generateScenario({ seed: 11, now: NOW });
    expect(comparable(again.world)).toEqual(comparable(w));
    expect(again.targetBudget).toBe(s.targetBudget);
    expect(again.world.credentials.secretKey).not.toBe(w.credentials.secretKey);
    const other = generateScenario({ seed: 12, now: NOW });
    expect(other.world.projectId).not.toBe(w.projectId);
    expect(other.world.costs.length).not.toBe(w.costs.length);
  });

  test("default counts: ~300 resources over ECS/EVS/CCE/RDS; each server has 1–2 volumes", () => {
    expect(w.servers.size).toBe(90);
    expect(w.volumes.size).toBe(160);
    expect(w.nodePools.size).toBe(8);
    expect(new Set([...w.nodePools.values()].map((p) => p.clusterUid)).size).toBe(2);
    expect(w.rds.size).toBe(10);
    for (const srv of w.servers.values()) {
      expect(srv.volumeIds.length).toBeGreaterThanOrEqual(1);
      expect(srv.volumeIds.length).toBeLessThanOrEqual(2);
      for (const v of srv.volumeIds) expect(w.volumes.get(v)!.serverIds).toEqual([srv.id]);
    }
    expect([...w.volumes.values()].filter((v) => v.serverIds.length === 0).length).toBeGreaterThan(0);
  });

  test("45 days of history ending yesterday (Berlin), ascending by date", () => {
    expect(s.facts.lastDay).toBe("2026-04-09");
    expect(s.facts.firstDay).toBe("2026-02-24");
    for (let i = 1; i < w.costs.length; i++) expect(w.costs[i - 1]!.date <= w.costs[i]!.date).toBe(true);
    expect(new Set(w.costs.map((c) => c.date)).size).toBe(45);
  });

  test("ghosts: deleted resources are gone from the inventory but their (mostly tagged) costs remain", () => {
    expect(s.facts.deletedIds.length).toBeGreaterThan(5);
    const withCost = new Set(w.costs.map((c) => c.resourceId));
    let tagged = 0;
    for (const id of s.facts.deletedIds) {
      expect(w.servers.has(id) || w.volumes.has(id)).toBe(false);
      expect(withCost.has(id)).toBe(true);
      if (w.costs.some((c) => c.resourceId === id && "ot3c_prio" in c.tags)) tagged++;
    }
    expect(tagged).toBeGreaterThan(0);
  });

  test("untagged spend is present, including services outside the inventory", () => {
    const untagged = w.costs.filter((c) => Object.keys(c.tags).length === 0).reduce((a, c) => a + c.amount, 0);
    expect(untagged).toBeGreaterThan(0);
    expect(w.costs.some((c) => c.product === "OTC_OBS_STD")).toBe(true);
  });

  test("weekly season is visible: weekend days cost less than weekdays", () => {
    const perDay = new Map<string, number>();
    for (const c of w.costs) if (c.consumptionType === "EL") perDay.set(c.date, (perDay.get(c.date) ?? 0) + c.amount);
    let we = 0, wen = 0, wd = 0, wdn = 0;
    for (const [d, v] of perDay) {
      const k = weekday(d);
      if (k === 0 || k === 6) [we, wen] = [we + v, wen + 1];
      else [wd, wdn] = [wd + v, wdn + 1];
    }
    expect(we / wen).toBeLessThan(0.93 * (wd / wdn));
  });

  test("recurring charges land on the 1st; stopped servers stop billing compute", () => {
    const rc = w.costs.filter((c) => c.consumptionType === "RC");
    expect(rc.length).toBeGreaterThan(0);
    expect(rc.every((c) => c.date.endsWith("-01"))).toBe(true);
    const stopped = [...w.servers.values()].filter((x) => x.status === "SHUTOFF");
    expect(stopped.length).toBeGreaterThan(0);
    for (const srv of stopped) expect(w.costs.some((c) => c.resourceId === srv.id && c.date === s.facts.lastDay)).toBe(false);
  });

  test("tag mix: prio 0, unparsable prio, shared groups, owners, instances, ECS _sys_ tags", () => {
    const tagsOf = [...w.servers.values()].map((x) => Object.fromEntries(x.tags.map((t) => t.split("=") as [string, string])));
    const all = [...tagsOf, ...[...w.volumes.values()].map((v) => v.tags), ...[...w.rds.values()].map((r) => r.tags)];
    expect(all.some((t) => t.ot3c_prio === "0")).toBe(true);
    expect(all.some((t) => t.ot3c_prio !== undefined && !/^\d+$/.test(t.ot3c_prio))).toBe(true);
    const groups = all.map((t) => t.ot3c_group).filter(Boolean);
    expect(groups.length).toBeGreaterThan(new Set(groups).size);
    // ECS carries owner handles (a server tag cannot hold an address); volumes of loose disks and RDS carry addresses.
    const ecsOwners = tagsOf.map((t) => t.ot3c_owner).filter(Boolean) as string[];
    expect(ecsOwners.length).toBeGreaterThan(0);
    expect(ecsOwners.every((o) => /^[A-Za-z0-9_-]{1,43}$/.test(o) && OWNER_HANDLES[o] !== undefined)).toBe(true);
    expect(all.filter((t) => t.ot3c_owner && !tagsOf.includes(t)).some((t) => /@/.test(t.ot3c_owner!))).toBe(true);
    expect(all.some((t) => t.ot3c_instance)).toBe(true);
    expect(all.some((t) => Object.keys(t).filter((k) => k.startsWith("ot3c_")).length === 0)).toBe(true);
    expect([...w.servers.values()].some((x) => x.tags.some((t) => t.startsWith("_sys_")))).toBe(true);
  });

  test("every tag is one the real services can store (ECS: ≤ 10 tags of letters, digits, - and _; EVS ≤ 10)", () => {
    expect(worldTagViolations(w)).toEqual([]);
    expect(worldTagViolations(presetScenario("demo", { now: NOW }).world)).toEqual([]);
  });

  test("recurring-billed servers are prepaid (charging_mode 1) and only those", () => {
    const prepaid = [...w.servers.values()].filter((x) => x.prepaid);
    expect(prepaid.length).toBeGreaterThan(0);
    for (const srv of prepaid) expect(w.costs.some((c) => c.resourceId === srv.id && c.consumptionType === "RC")).toBe(true);
    const rcIds = new Set(w.costs.filter((c) => c.consumptionType === "RC").map((c) => c.resourceId));
    for (const srv of w.servers.values()) if (rcIds.has(srv.id)) expect(srv.prepaid).toBe(true);
  });

  test("demo preset overruns its suggested budget", () => {
    const demo = presetScenario("demo", { now: NOW });
    expect(demo.projectedMonthEnd).toBeGreaterThan(demo.targetBudget * 1.25);
    expect(demo.world.servers.size).toBe(24);
  });
});

describe("Berlin calendar", () => {
  test("offsets follow EU summer time", () => {
    expect(berlinTimestamp("2024-07-16")).toBe("2024-07-16T00:00:00+02:00");
    expect(berlinTimestamp("2024-01-16", 13)).toBe("2024-01-16T13:00:00+01:00");
    expect(berlinTimestamp("2026-03-29", 1)).toBe("2026-03-29T01:00:00+01:00");
    expect(berlinTimestamp("2026-03-29", 3)).toBe("2026-03-29T03:00:00+02:00");
    expect(berlinDate(Date.parse("2026-06-30T22:30:00Z"))).toBe("2026-07-01");
    expect(berlinDate(Date.parse("2026-01-31T22:30:00Z"))).toBe("2026-01-31");
  });

  test("ISO weeks", () => {
    expect(isoWeek("2024-07-22")).toEqual({ week: 30, year: 2024 });
    expect(isoWeek("2024-12-30")).toEqual({ week: 1, year: 2025 });
    expect(isoWeek("2021-01-03")).toEqual({ week: 53, year: 2020 });
  });
});
