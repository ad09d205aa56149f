/**
 * The demo's ladder of actions (issue #17): office hours on part of the servers and the ladder on, so the month the
 * demo shows is one where schedules and parks close most of the gap and deletion is the last rung.
 *
 * - `officeHours` tags a fixed share of the running, pay-per-use, managed servers `ot3c_schedule=office-hours`
 *   (Mon–Fri 07:00–19:00 Europe/Berlin): their nights and weekends leave the forecast before the planner looks.
 * - The target budget is derived (demo/budget.ts) from the forecast *without* the schedules, as an operator would
 *   set it before turning them on; the schedules then close part of that gap by themselves.
 * - `actions.default: delete` with `copy-before-delete`: the optimal planner parks first, backs databases up before
 *   deleting them, and deletes what no park can cover.
 */
import type { SimWorld } from "../sim/world.ts";

export const DEMO_SCHEDULE = "office-hours";

/** Share of the eligible servers that follow office hours. */
const SCHEDULED_SHARE = 0.5;

function tagValue(tags: string[], key: string): string | undefined {
  const hit = tags.find((t) => t.startsWith(`${key}=`));
  return hit === undefined ? undefined : hit.slice(key.length + 1);
}

/** Tags every other eligible server (in id order, so a seed always gives the same ones); returns their ids. */
export function officeHours(world: SimWorld, share = SCHEDULED_SHARE): string[] {
  const eligible = [...world.servers.values()]
    .filter((s) => s.status === "ACTIVE" && !s.prepaid)
    .filter((s) => {
      const prio = tagValue(s.tags, "ot3c_prio");
      return prio !== undefined && /^\d+$/.test(prio.trim()) && Number(prio) > 0;
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const every = Math.max(1, Math.round(1 / share));
  const chosen = eligible.filter((_, i) => i % every === 0);
  for (const s of chosen) s.tags = [...s.tags.filter((t) => !t.startsWith("ot3c_schedule=")), `ot3c_schedule=${DEMO_SCHEDULE}`];
  return chosen.map((s) => s.id);
}

/** The `schedules:` and `actions:` lines of the demo's ot3c.yaml. */
export function ladderYaml(): string[] {
  return [
    "# The ladder of actions (docs/parking.md): office hours on the servers tagged ot3c_schedule=office-hours,",
    "# parks before deletes, a backup before a database is deleted. `ot3c copies` lists those backups.",
    "schedules:",
    `  ${DEMO_SCHEDULE}:`,
    "    timezone: Europe/Berlin",
    "    hours:",
    '      - {days: [mon-fri], from: "07:00", to: "19:00"}',
    "actions: {default: delete, copy-before-delete: true}",
  ];
}
