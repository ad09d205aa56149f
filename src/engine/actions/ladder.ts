/**
 * The ladder of actions, least harm first: `schedule` (stopped outside office hours only) < `park` (stopped now,
 * started again at the next period start) < `snapshot-delete` (a copy that outlives the deletion, then delete) <
 * `delete`. Which rungs a resource offers depends on what its kind can do on OTC, on the tags `ot3c_action` and
 * `ot3c_schedule`, and on config; prepaid (yearly/monthly) resources offer none — stopping them saves nothing and
 * OTC refuses to delete them.
 *
 * What each kind can do (see src/providers/otc/actions):
 * - ECS: schedule, park (stop/start), delete.
 * - RDS: schedule, park (stop; OTC restarts it after 7 days), snapshot-delete (a manual backup outlives the
 *   instance), delete.
 * - CCE node pool: schedule, park (0 nodes and back), delete.
 * - EVS: delete only. An EVS snapshot is deleted together with its disk (documented), so it cannot make a volume's
 *   deletion reversible; a snapshot-delete rung for volumes needs a CBR backup (not implemented).
 */
import type { ResourceKind } from "../types.ts";

export const RUNGS = ["schedule", "park", "snapshot-delete", "delete"] as const;
export type Rung = (typeof RUNGS)[number];

/** Harm of a rung: a planner closing a gap prefers the lowest harm per saving. */
export function harmOf(rung: Rung): number {
  return RUNGS.indexOf(rung) + 1;
}

export const ACTION_TAG = "ot3c_action";
export const SCHEDULE_TAG = "ot3c_schedule";

/** Values of `ot3c_action`: the most harmful rung the owner allows. */
export const ACTION_LIMITS = ["schedule", "park", "never-delete", "delete"] as const;
export type ActionLimit = (typeof ACTION_LIMITS)[number];

const ALLOWED_BY_LIMIT: Record<ActionLimit, readonly Rung[]> = {
  schedule: ["schedule"],
  park: ["schedule", "park"],
  // Everything that can be undone: today the same rungs as `park`; it stays right if more reversible rungs come.
  "never-delete": ["schedule", "park"],
  delete: RUNGS,
};

const KIND_RUNGS: Record<ResourceKind, readonly Rung[]> = {
  ECS: ["schedule", "park", "delete"],
  RDS: ["schedule", "park", "snapshot-delete", "delete"],
  // No schedule rung for node pools: the schedule runner (parking/schedules.ts) stops servers and databases only,
  // and a forecast lowered by a schedule nothing runs would promise savings that never come.
  CCE: ["park", "delete"],
  EVS: ["delete"],
};

export interface LadderConfig {
  /** The limit for resources without `ot3c_action` (config `actions.default`). */
  defaultLimit: ActionLimit;
  /**
   * When true (config `actions.copy-before-delete`), a kind that can keep a copy (RDS) is never deleted without one:
   * its `delete` rung is dropped and `snapshot-delete` is its last rung.
   */
  copyBeforeDelete: boolean;
  /** Names of the configured schedules. */
  schedules: ReadonlySet<string>;
  /** Only these rungs, whatever the tags allow (`ot3c replay`'s delete-only comparison). */
  only?: readonly Rung[];
}

export interface ActionTags {
  limit?: ActionLimit;
  schedule?: string;
  /** One sentence per problem, for `list`/`verify` and the resource's note. */
  issues: string[];
}

/** Reads and validates `ot3c_action` and `ot3c_schedule`. An invalid value counts as absent and is reported. */
export function parseActionTags(tags: Record<string, string>, schedules: ReadonlySet<string>): ActionTags {
  const out: ActionTags = { issues: [] };
  const action = tags[ACTION_TAG];
  if (action !== undefined) {
    const v = action.trim().toLowerCase();
    if ((ACTION_LIMITS as readonly string[]).includes(v)) out.limit = v as ActionLimit;
    // An unreadable limit must not widen what may happen: it is treated as the strictest (see ladderFor).
    else out.issues.push(`${ACTION_TAG}="${action}" is not one of ${ACTION_LIMITS.join(", ")}; treated as "schedule" (nothing but the schedule)`);
  }
  const schedule = tags[SCHEDULE_TAG];
  if (schedule !== undefined) {
    const name = schedule.trim();
    if (schedules.has(name)) out.schedule = name;
    else out.issues.push(`${SCHEDULE_TAG}="${schedule}" names no schedule in ot3c.yaml (known: ${[...schedules].join(", ") || "none"})`);
  }
  return out;
}

export interface LadderInput {
  kind: ResourceKind;
  tags: Record<string, string>;
  /** Yearly/monthly: no rung at all. */
  prepaid: boolean;
}

export interface Ladder {
  /** Allowed rungs, least harm first. */
  rungs: Rung[];
  /** The schedule named by `ot3c_schedule`, when valid. */
  schedule?: string;
  issues: string[];
}

/** The rungs a resource offers, least harm first. */
export function ladderFor(r: LadderInput, config: LadderConfig): Ladder {
  const tags = parseActionTags(r.tags, config.schedules);
  if (r.prepaid) return { rungs: [], schedule: tags.schedule, issues: tags.issues };
  const invalidLimit = r.tags[ACTION_TAG] !== undefined && tags.limit === undefined;
  const limit: ActionLimit = invalidLimit ? "schedule" : (tags.limit ?? config.defaultLimit);
  const allowed = new Set(ALLOWED_BY_LIMIT[limit]);
  let rungs = KIND_RUNGS[r.kind].filter((rung) => allowed.has(rung) && (!config.only || config.only.includes(rung)));
  // The schedule rung needs a schedule to follow.
  if (!tags.schedule) rungs = rungs.filter((rung) => rung !== "schedule");
  const issues = [...tags.issues];
  if (tags.schedule && !KIND_RUNGS[r.kind].includes("schedule")) {
    issues.push(`${SCHEDULE_TAG}="${tags.schedule}" is not followed: schedules stop and start servers and databases only, not a ${r.kind === "CCE" ? "node pool" : "volume"}`);
  }
  if (config.copyBeforeDelete && rungs.includes("snapshot-delete")) rungs = rungs.filter((rung) => rung !== "delete");
  return { rungs, schedule: tags.schedule, issues };
}

/**
 * Kinds a park reaches: servers and databases are stopped, a CCE node pool is scaled to 0 nodes (autoscaling off).
 * Volumes keep billing and are never parked.
 */
export function isParkableKind(kind: string): kind is "ECS" | "RDS" | "CCE" {
  return kind === "ECS" || kind === "RDS" || kind === "CCE";
}

/** A park (or its older name `stop`): stopped now, started again later. */
export function isPark(action: string): boolean {
  return action === "park" || action === "stop";
}

/** A deletion, with or without a copy first. */
export function isRemoval(action: string): boolean {
  return action === "delete" || action === "snapshot-delete";
}

/** The rung of a plan action (`stop` is a park). */
export function rungOf(action: "stop" | "park" | "snapshot-delete" | "delete"): Rung {
  return action === "stop" ? "park" : action;
}
