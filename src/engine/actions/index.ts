/**
 * Reversible actions as a pure engine capability (issue #17): office-hours schedules, the ladder of actions
 * (`schedule` < `park` < `snapshot-delete` < `delete`) with the `ot3c_action` / `ot3c_schedule` tags, and when
 * parked resources come back. No I/O and no clock: every function takes the instants it needs and answers with
 * absolute epoch-ms instants, so results can be stored and survive restarts.
 *
 * Phase 2 (planner ladder, forecast, executor) plugs in through these functions; see docs/parking.md.
 */
import { compileSchedule, type Schedule, type ScheduleSpec } from "./schedule.ts";
import type { ActionLimit, LadderConfig } from "./ladder.ts";
import type { ResumeMode } from "./resume.ts";

export {
  compileSchedule,
  isRunningAt,
  nextEdge,
  nextStart,
  nextStop,
  runningFraction,
  runningIntervals,
  runningMs,
  runningShareByDay,
  type Interval,
  type Schedule,
  type ScheduleEnforce,
  type ScheduleSpec,
  type Window,
} from "./schedule.ts";
export {
  ACTION_LIMITS,
  ACTION_TAG,
  harmOf,
  isPark,
  isParkableKind,
  isRemoval,
  ladderFor,
  parseActionTags,
  RUNGS,
  rungOf,
  SCHEDULE_TAG,
  type ActionLimit,
  type ActionTags,
  type Ladder,
  type LadderConfig,
  type LadderInput,
  type Rung,
} from "./ladder.ts";
export { autoRestartAt, parkedUntil, RDS_MAX_STOPPED_MS, resumeDeadline, resumeDue, type ResumeMode } from "./resume.ts";
export { annotateLadders } from "./units.ts";
export { instantAt, isValidZone, localDate } from "./zone.ts";

/** The `schedules:`, `actions:` and `resume:` configuration, as the engine takes it. */
export interface ActionsConfig {
  schedules: Record<string, ScheduleSpec>;
  defaultLimit: ActionLimit;
  copyBeforeDelete: boolean;
  resume: ResumeMode;
}

export interface CompiledActions {
  schedules: ReadonlyMap<string, Schedule>;
  ladder: LadderConfig;
  resume: ResumeMode;
  /** One sentence per invalid schedule entry; an invalid schedule is left out (its resources get no schedule rung). */
  issues: string[];
}

/** Validates and compiles the configuration once (per config load). */
export function compileActions(config: ActionsConfig): CompiledActions {
  const schedules = new Map<string, Schedule>();
  const issues: string[] = [];
  for (const [name, spec] of Object.entries(config.schedules)) {
    const r = compileSchedule(name, spec);
    if (r.schedule) schedules.set(name, r.schedule);
    issues.push(...r.issues);
  }
  return {
    schedules,
    ladder: { defaultLimit: config.defaultLimit, copyBeforeDelete: config.copyBeforeDelete, schedules: new Set(schedules.keys()) },
    resume: config.resume,
    issues,
  };
}
export { BACKUP_PRICE_PER_GB_MONTH, BACKUP_SIZE_SHARE, COPY_COST_OF_STORAGE } from "./copy-cost.ts";
