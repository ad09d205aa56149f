/**
 * What the executor works with — the terminator it calls, its settings and per-tick context, the events it reports —
 * and the pure rules it applies (which errors are transient, which resources a step acts on). Kept apart from the
 * executor's state machine (executor.ts) so its users import the contract without the machine.
 */
import type { StoredPlanItem } from "../store/store.ts";
import { isPark, isParkableKind } from "./actions/ladder.ts";
import type { CloudResource, PlanAction, ResourceActions, ResourceUnit } from "./types.ts";

/** Optional job hooks: a terminator that reports job ids lets a restart await the job instead of guessing. */
export interface TerminationHooks {
  /** Called as soon as the API accepted the request and returned a job id (before polling it). */
  onJob?(jobId: string): void;
}

export interface ExecTerminator {
  stop(resource: CloudResource, hooks?: TerminationHooks): Promise<void>;
  delete(resource: CloudResource, hooks?: TerminationHooks): Promise<void>;
  get(resource: CloudResource): Promise<CloudResource | undefined>;
  /** Resume waiting for a job submitted before a restart; resolves when it succeeded, rejects when it failed. */
  awaitJob?(resource: CloudResource, jobId: string): Promise<void>;
  /**
   * True when a stop/delete job that has *started* shows on `current` (just read by `get`): ECS `task_state`, EVS
   * `deleting`, CCE `Deleting`. An accepted job may sit unstarted (INIT) for a while with the resource unchanged,
   * so "unchanged" proves nothing at once; only unchanged after the bounded wait (`ambiguousWaitMs`) on a resource
   * for which this is true proves the call never arrived. Without it nothing is ever re-sent.
   */
  mutationVisible?(current: CloudResource): boolean;
  /**
   * Copies (snapshot-delete) and starts (resume of a park): without them such items fail before any deletion.
   * `park`/`resume` are needed for CCE node pools (scaled to 0 and back to the count kept in the journal).
   */
  actions?: Pick<ResourceActions, "copy" | "listCopies" | "start"> & Partial<Pick<ResourceActions, "awaitCopy" | "park" | "resume">>;
}

/** Error text of items whose last call may or may not have reached the API; reconcile leaves their VR alone. */
export const OUTCOME_UNKNOWN = "outcome unknown";

/** How long a server may show its deletion under way (after a restart, job unknown) before a human is asked. */
export const DELETION_WAIT_LIMIT_MS = 2 * 3600_000;

/**
 * How long after an ambiguous call (crash mid-call, reset or 5xx after sending) the executor keeps observing an
 * unchanged resource before it counts as provably untouched. Longer than an OTC job is seen to sit in INIT.
 */
export const AMBIGUOUS_WAIT_MS = 30 * 60_000;

export interface ExecutorSettings {
  enforce: boolean;
  approval: "none" | "required";
  maxTerminationsPerRun: number;
  /** Overrides AMBIGUOUS_WAIT_MS (simulators with short job timings; never shorter than the cloud's INIT hold). */
  ambiguousWaitMs?: number;
}

export interface ExecutionContext {
  now: number;
  /** False when the last sync failed or is too old: nothing new starts. */
  dataFresh: boolean;
  /** Whether the current plan (or plan file) still wants this item. */
  isWanted(item: StoredPlanItem): boolean;
  /**
   * Why a due item must wait this round without being re-checked (a resource of a DEGRADED project: its data is
   * incomplete, engine/fleet-sync.ts), or undefined. A held item is neither started nor cancelled.
   */
  heldBack?(item: StoredPlanItem): string | undefined;
  budgetAtRisk: boolean;
  roots: Map<string, ResourceUnit>;
  /**
   * Only due items of this origin start (`exec -f` runs the file's items and leaves the planner's alone, and vice
   * versa). Items already EXECUTING always finish.
   */
  origin?: StoredPlanItem["origin"];
}

export type ItemEventKind = "executed" | "failed" | "cancelled" | "gone";

export interface ExecutorEvents {
  onItem?(kind: ItemEventKind, item: StoredPlanItem): void;
  onAlert?(message: string, key: string): void;
  log?(level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>): void;
}

export interface TickResult {
  started: string[];
  waitingForApproval: string[];
  held?: string;
  alerts: string[];
}

/** Network trouble, timeouts, 429 and 5xx: the outcome of the call is unknown, not negative. */
export function isTransient(err: unknown): boolean {
  const e = err as { retryable?: boolean; status?: number; name?: string; code?: string };
  if (!e || typeof e !== "object") return false;
  if (e.retryable === true) return true;
  if (typeof e.status === "number") return e.status === 408 || e.status === 429 || e.status >= 500;
  return e.name === "TimeoutError" || e.name === "AbortError" || e.code === "ECONNRESET" || e.code === "ECONNREFUSED" || e.code === "ETIMEDOUT";
}

/**
 * What a step acts on: a park (`stop`) applies to servers, databases and node pools — what the planner's `canStop` counts savings for —
 * while their volumes stay (and keep costing).
 */
export function stepsFor(action: PlanAction, leaves: CloudResource[]): CloudResource[] {
  return isPark(action) ? leaves.filter((r) => isParkableKind(r.kind)) : leaves;
}
