/**
 * The parking keys of ot3c.yaml (issue #17): named office-hours schedules, the ladder's default, copies before
 * deletion. Part of the schema in schema.ts.
 */
import { z } from "zod";
import { compileSchedule } from "../engine/actions/index.ts";
import { describeInput, expected, str, duration, enumOf, bool, DATE } from "./schema-leaves.ts";

export const DAY_ITEM = /^(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?$/i;
export const CLOCK = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export const scheduleWindow = z
  .strictObject(
    {
      days: z
        .array(z.string({ error: expected("a day such as mon or a range such as mon-fri") }).regex(DAY_ITEM, { error: expected("a day such as mon or a range such as mon-fri") }), {
          error: expected("a list of days such as [mon-fri]"),
        })
        .min(1, { error: () => "name at least one day" })
        .describe("Days the window starts on: mon … sun, or ranges such as mon-fri (fri-mon wraps around the week)"),
      from: z.string({ error: expected('a time "HH:MM"') }).regex(CLOCK, { error: expected('a time "HH:MM" (00:00–23:59)') }).describe("Start, local time (HH:MM)"),
      to: z
        .string({ error: expected('a time "HH:MM"') })
        .regex(CLOCK, { error: expected('a time "HH:MM" (00:00–24:00)') })
        .describe("End, local time; not after `from` = overnight into the next day; 24:00 = midnight"),
    },
    { error: expected("a mapping with days, from, to") },
  )
  .describe("A window in which the resources run");

export const schedule = z
  .strictObject(
    {
      timezone: str("an IANA time zone such as Europe/Berlin").describe("IANA time zone of the hours and holidays, e.g. Europe/Berlin"),
      hours: z.array(scheduleWindow, { error: expected("a list of windows") }).min(1, { error: () => "at least one window is needed" }).describe("Windows in which the resources run; outside them they are stopped"),
      holidays: z
        .array(z.string({ error: expected("a date YYYY-MM-DD") }).regex(DATE, { error: expected("a date YYYY-MM-DD") }), { error: expected("a list of dates") })
        .optional()
        .describe("Dates (in the schedule's zone) on which no window starts"),
      enforce: enumOf(["stop-and-start", "stop-only", "start-only"] as const)
        .default("stop-and-start")
        .describe("stop-only = stop after hours, people start by hand; start-only = only start"),
    },
    { error: expected("a mapping with timezone and hours") },
  )
  .superRefine((spec, ctx) => {
    // The checks the shape above cannot express (a real zone, a real date, from ≠ to) come from the engine that runs
    // schedules; its format checks repeat the shape's, so only these three kinds are taken over.
    for (const issue of compileSchedule("x", spec).issues) {
      if (!/^schedules\.x\.(timezone|holidays):|from and to are both/.test(issue)) continue;
      ctx.addIssue({ code: "custom", message: issue.replace(/^schedules\.x\./, "") });
    }
  })
  .describe("An office-hours schedule, applied to resources tagged ot3c_schedule=<name>");

export const SCHEDULE_NAME = /^[A-Za-z0-9_-]{1,43}$/;

export const schedules = z
  .record(
    z.string().regex(SCHEDULE_NAME, { error: () => "schedule names are 1–43 letters, digits, - or _ (they are tag values)" }),
    schedule,
    {
      error: (iss) =>
        iss.code === "invalid_key"
          ? `schedule names are 1–43 letters, digits, - or _ (they are tag values), got ${describeInput(iss.input)}`
          : expected("a mapping of schedule names to schedules")(iss),
    },
  )
  .describe("Named office-hours schedules (tag a server or database ot3c_schedule=<name>): stopped outside the hours, started inside, whatever the budget; the forecast counts them");

export const actions = z
  .strictObject(
    {
      default: enumOf(["delete", "never-delete", "park", "schedule"] as const)
        .default("delete")
        .describe("Most harmful action allowed for resources without an ot3c_action tag (ladder: schedule < park < snapshot-delete < delete)"),
      "copy-before-delete": bool()
        .default(true)
        .describe("Never delete a kind that can keep a copy (RDS: manual backup) without one first"),
      "copy-retention": duration({ allowZero: false })
        .default("720h0m0s")
        .describe("Copies ot3c made that are older than this are listed for review (never deleted by ot3c)"),
      "hibernate-clusters": bool()
        .default(true)
        .describe("Hibernate a CCE cluster (no master fee) once ot3c has parked every node pool of it; woken first at the resume"),
    },
    { error: expected("a mapping") },
  )
  .prefault({})
  .describe("Ladder of actions: the optimal planner parks before it backs up and deletes, and deletes last (docs/parking.md)");
