import { describe, expect, test } from "bun:test";
import {
  autoRestartAt,
  compileActions,
  harmOf,
  ladderFor,
  parkedUntil,
  RUNGS,
  resumeDeadline,
  resumeDue,
  type LadderConfig,
} from "../../../src/engine/actions/index.ts";
import type { BillingPeriod } from "../../../src/engine/types.ts";

const config: LadderConfig = { defaultLimit: "delete", copyBeforeDelete: false, schedules: new Set(["office"]) };

describe("ladder of actions", () => {
  test("rungs are ordered by harm: schedule < park < snapshot-delete < delete", () => {
    expect(RUNGS.map(harmOf)).toEqual([1, 2, 3, 4]);
  });

  test("per kind, with a schedule tag: what OTC lets each kind do", () => {
    const tags = { ot3c_schedule: "office" };
    expect(ladderFor({ kind: "ECS", tags, prepaid: false }, config).rungs).toEqual(["schedule", "park", "delete"]);
    expect(ladderFor({ kind: "RDS", tags, prepaid: false }, config).rungs).toEqual(["schedule", "park", "snapshot-delete", "delete"]);
    // A node pool is parked (0 nodes) but not scheduled: the runner stops servers and databases only, so its
    // forecast must not be lowered by a schedule nothing follows — and the tag is reported, not silently ignored.
    const pool = ladderFor({ kind: "CCE", tags, prepaid: false }, config);
    expect(pool.rungs).toEqual(["park", "delete"]);
    expect(pool.issues.join(" ")).toContain("not followed: schedules stop and start servers and databases only, not a node pool");
    // An EVS snapshot is deleted with its disk, so a volume offers no snapshot-delete (and cannot stop).
    expect(ladderFor({ kind: "EVS", tags, prepaid: false }, config).rungs).toEqual(["delete"]);
  });

  test("without ot3c_schedule there is no schedule rung; prepaid offers nothing at all", () => {
    expect(ladderFor({ kind: "ECS", tags: {}, prepaid: false }, config).rungs).toEqual(["park", "delete"]);
    expect(ladderFor({ kind: "ECS", tags: { ot3c_schedule: "office", ot3c_action: "delete" }, prepaid: true }, config).rungs).toEqual([]);
  });

  test("ot3c_action limits the ladder; config sets the default", () => {
    const ecs = (action?: string, c: LadderConfig = config) =>
      ladderFor({ kind: "ECS", tags: { ot3c_schedule: "office", ...(action ? { ot3c_action: action } : {}) }, prepaid: false }, c).rungs;
    expect(ecs("schedule")).toEqual(["schedule"]);
    expect(ecs("park")).toEqual(["schedule", "park"]);
    expect(ecs("never-delete")).toEqual(["schedule", "park"]);
    expect(ecs("DELETE")).toEqual(["schedule", "park", "delete"]);
    expect(ecs(undefined, { ...config, defaultLimit: "never-delete" })).toEqual(["schedule", "park"]);
    expect(ecs("delete", { ...config, defaultLimit: "never-delete" })).toEqual(["schedule", "park", "delete"]);
  });

  test("an unreadable ot3c_action narrows to the schedule and says so; an unknown schedule is reported", () => {
    const l = ladderFor({ kind: "RDS", tags: { ot3c_action: "yes-please", ot3c_schedule: "office" }, prepaid: false }, config);
    expect(l.rungs).toEqual(["schedule"]);
    expect(l.issues[0]).toContain('ot3c_action="yes-please" is not one of schedule, park, never-delete, delete');
    const u = ladderFor({ kind: "ECS", tags: { ot3c_schedule: "nightly" }, prepaid: false }, config);
    expect(u.rungs).toEqual(["park", "delete"]);
    expect(u.schedule).toBeUndefined();
    expect(u.issues[0]).toContain('ot3c_schedule="nightly" names no schedule in ot3c.yaml (known: office)');
  });

  test("copy-before-delete: a kind that can keep a copy is never deleted without one", () => {
    const c = { ...config, copyBeforeDelete: true };
    expect(ladderFor({ kind: "RDS", tags: {}, prepaid: false }, c).rungs).toEqual(["park", "snapshot-delete"]);
    expect(ladderFor({ kind: "ECS", tags: {}, prepaid: false }, c).rungs).toEqual(["park", "delete"]);
  });

  test("compileActions keeps the valid schedules and reports the invalid ones", () => {
    const compiled = compileActions({
      schedules: {
        office: { timezone: "Europe/Berlin", hours: [{ days: ["mon-fri"], from: "07:00", to: "19:00" }] },
        broken: { timezone: "Nowhere/City", hours: [{ days: ["mon"], from: "07:00", to: "19:00" }] },
      },
      defaultLimit: "never-delete",
      copyBeforeDelete: true,
      resume: "period-start",
    });
    expect([...compiled.schedules.keys()]).toEqual(["office"]);
    expect([...compiled.ladder.schedules]).toEqual(["office"]);
    expect(compiled.issues).toEqual(['schedules.broken.timezone: "Nowhere/City" is not an IANA time zone such as Europe/Berlin']);
  });
});

describe("resume", () => {
  const period: BillingPeriod = {
    start: Date.parse("2026-11-30T23:00:00Z"),
    end: Date.parse("2026-12-31T23:00:00Z"),
    startDate: "2026-12-01",
    endDate: "2027-01-01",
    days: 31,
  };

  test("period-start resumes at the next period start; on-recovery as soon as the budget is safe, at the latest then", () => {
    const mid = Date.parse("2026-12-10T12:00:00Z");
    expect(resumeDeadline(period)).toBe(period.end);
    expect(resumeDue("period-start", mid, period, false)).toBe(false);
    expect(resumeDue("period-start", period.end, period, true)).toBe(true);
    expect(resumeDue("on-recovery", mid, period, true)).toBe(false);
    expect(resumeDue("on-recovery", mid, period, false)).toBe(true);
    expect(resumeDue("on-recovery", period.end, period, true)).toBe(true);
  });

  test("OTC restarts RDS 7 days after the stop: a park bills as stopped only until then", () => {
    const parked = Date.parse("2026-12-10T12:00:00Z");
    expect(autoRestartAt("RDS", parked)).toBe(parked + 7 * 86_400_000);
    expect(autoRestartAt("ECS", parked)).toBeUndefined();
    expect(parkedUntil("RDS", parked, period)).toBe(parked + 7 * 86_400_000);
    expect(parkedUntil("ECS", parked, period)).toBe(period.end);
    expect(parkedUntil("RDS", Date.parse("2026-12-28T00:00:00Z"), period)).toBe(period.end);
  });
});
