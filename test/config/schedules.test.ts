import { afterAll, describe, expect, test } from "bun:test";
import { cleanupTempDirs, load, loadIssues, VALID, withConfig } from "./helpers.ts";

afterAll(cleanupTempDirs);

const withLines = (...lines: string[]) => [VALID, ...lines].join("\n");

describe("schedules:, actions:, resume:", () => {
  test("defaults: no schedules, delete allowed, copies before deleting, resume at period start", async () => {
    const c = await load(withConfig(VALID));
    expect(c.actions).toEqual({ schedules: {}, defaultLimit: "delete", copyBeforeDelete: true, copyRetentionMs: 720 * 3_600_000, hibernateClusters: true, resume: "period-start" });
  });

  test("a named office-hours schedule with holidays, and the other keys", async () => {
    const c = await load(
      withConfig(
        withLines(
          "schedules:",
          "  office-hours:",
          "    timezone: Europe/Berlin",
          "    hours:",
          "      - days: [mon-fri]",
          '        from: "07:00"',
          '        to: "19:00"',
          "      - days: [sat]",
          '        from: "22:00"',
          '        to: "02:00"',
          '    holidays: ["2026-12-24", "2026-12-25"]',
          "actions:",
          "  default: never-delete",
          "  copy-retention: 168h",
          "  hibernate-clusters: false",
          "resume: on-recovery",
        ),
      ),
    );
    expect(c.actions!.schedules["office-hours"]).toEqual({
      timezone: "Europe/Berlin",
      hours: [
        { days: ["mon-fri"], from: "07:00", to: "19:00" },
        { days: ["sat"], from: "22:00", to: "02:00" },
      ],
      holidays: ["2026-12-24", "2026-12-25"],
      enforce: "stop-and-start",
    });
    expect(c.actions!.defaultLimit).toBe("never-delete");
    expect(c.actions!.copyRetentionMs).toBe(168 * 3_600_000);
    expect(c.actions!.hibernateClusters).toBe(false);
    expect(c.actions!.resume).toBe("on-recovery");
  });

  test("mistakes are named with their key: unknown zone, bad day, bad time, equal from/to, bad name", async () => {
    const err = await loadIssues(
      withLines(
        "schedules:",
        "  office:",
        "    timezone: Europe/Atlantis",
        "    hours:",
        "      - days: [monday]",
        '        from: "7:00"',
        '        to: "19:00"',
        "  same:",
        "    timezone: UTC",
        "    hours:",
        "      - days: [mon]",
        '        from: "08:00"',
        '        to: "08:00"',
        "  bad name:",
        "    timezone: UTC",
        "    hours: []",
        "resume: sometime",
      ),
    );
    const m = err.message;
    expect(m).toContain('schedules.office.hours[0].days[0]: expected a day such as mon or a range such as mon-fri, got "monday"');
    expect(m).toContain('schedules.office.hours[0].from: expected a time "HH:MM" (00:00–23:59), got "7:00"');
    // Each problem once: the engine's own format checks do not repeat the schema's.
    expect(m.match(/7:00/g)).toHaveLength(1);
    expect(m).toContain("schedules.same");
    expect(m).toContain("from and to are both 08:00");
    expect(m).toContain("schedule names are 1–43 letters");
    expect(m).toContain("resume: expected one of period-start, on-recovery");
    // The zone is checked only once the shape is right; fix the shape and the zone is reported.
    const zone = await loadIssues(withLines("schedules:", "  office:", "    timezone: Europe/Atlantis", "    hours:", "      - days: [mon]", '        from: "07:00"', '        to: "19:00"'));
    expect(zone.message).toContain('"Europe/Atlantis" is not an IANA time zone');
  });
});
