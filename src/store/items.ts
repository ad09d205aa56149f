/**
 * What the store keeps per plan item — the stored item with its execution journal, the row it is stored as and the
 * mapping between them, item ids — and the other records the store reads and writes (sync records, schedule runs).
 * Re-exported by store.ts.
 */
import type { CloudResource, ParkedState, PlanAction, PlanItem, PlanState } from "../engine/types.ts";

export type ItemOrigin = "engine" | "plan-file";

/** Per-member progress of an EXECUTING item, persisted around every API call (see engine/executor.ts). */
export interface JournalStep {
  resourceId: string;
  kind: CloudResource["kind"];
  /** pending: not called; calling: the call may have reached the API; done: finished; gone: vanished first. */
  phase: "pending" | "calling" | "done" | "gone";
  jobId?: string;
  /** Start of the tick that (last) sent the call — for the audit trail; the request itself may go out later. */
  calledAt?: number;
  /** When the outcome was first found ambiguous (crash, reset, 5xx mid-call): the bounded wait counts from here. */
  ambiguousSince?: number;
  /** A park of a CCE node pool: its former node count and autoscaling, written before the scaling call (resume). */
  parked?: ParkedState;
  /** snapshot-delete: the copy made before the delete (listed once older than `actions.copy-retention`). */
  copy?: { id: string; name: string; madeAt: number };
}

export interface ExecutionJournal {
  action: PlanAction;
  steps: JournalStep[];
  /** Set once an ambiguous call was re-sent after a restart; a second ambiguity fails the item instead. */
  retried?: boolean;
  /** The item failed because a call's outcome is unknown; only an operator re-arms it. */
  ambiguous?: boolean;
  /** Transient errors (timeouts, 5xx) met while a call was in flight; each is resolved on the next tick. */
  transientErrors?: number;
  startedAt: number;
  /**
   * A park's way back (engine/actions/resume-tick.ts): each parked resource's outcome at the next period start (or
   * earlier: `ot3c resume`, `resume: on-recovery`). `dueAt` is an operator's earlier resume time.
   */
  resume?: ResumeJournal;
}

export interface ResumeJournal {
  dueAt?: number;
  steps: Array<{
    resourceId: string;
    kind: CloudResource["kind"];
    /** started: ot3c started it; left-alone: someone else started or deleted it meanwhile; failed: try again. */
    outcome: "started" | "left-alone" | "failed";
    at: number;
    note?: string;
  }>;
  /** Every parked resource has an outcome other than `failed`. */
  doneAt?: number;
}

export interface StoredPlanItem extends PlanItem {
  periodStart: number;
  origin: ItemOrigin;
  /** DONE without an API call because `enforce: false`. */
  dryRun: boolean;
  /** Leaf resources in termination order (server before its volumes), as last seen. */
  resources: CloudResource[];
  journal?: ExecutionJournal;
  /** Bumped by every write (src/store/lease: the executor's compare-and-set). */
  version?: number;
}

export interface SyncRecord {
  id?: number;
  at: number;
  ok: boolean;
  error?: string;
  resources: number;
  costs: number;
  durationMs: number;
}

export const ACTIVE_STATES: PlanState[] = ["PENDING", "APPROVED", "EXECUTING"];
export const TERMINAL_STATES: PlanState[] = ["DONE", "FAILED", "VETOED", "CANCELLED", "GONE"];

export interface ItemRow {
  id: string;
  vr_id: string;
  action: string;
  prio: number;
  owner: string | null;
  tdate: number;
  tsave: number;
  tasap: number;
  reason: string;
  state: string;
  deadline: number;
  created_at: number;
  updated_at: number;
  approved_by: string | null;
  veto_reason: string | null;
  error: string | null;
  period_start: number;
  origin: string;
  dry_run: number;
  resources_json: string;
  journal_json: string | null;
  version?: number;
}

export function rowToItem(r: ItemRow): StoredPlanItem {
  const item: StoredPlanItem = {
    id: r.id,
    vrId: r.vr_id,
    action: r.action as PlanAction,
    prio: r.prio,
    tdate: r.tdate,
    tsave: r.tsave,
    tasap: r.tasap === 1,
    reason: r.reason,
    state: r.state as PlanState,
    deadline: r.deadline,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    periodStart: r.period_start,
    origin: r.origin as ItemOrigin,
    dryRun: r.dry_run === 1,
    resources: JSON.parse(r.resources_json) as CloudResource[],
  };
  if (r.owner !== null) item.owner = r.owner;
  if (r.approved_by !== null) item.approvedBy = r.approved_by;
  if (r.veto_reason !== null) item.vetoReason = r.veto_reason;
  if (r.error !== null) item.error = r.error;
  if (r.journal_json !== null) item.journal = JSON.parse(r.journal_json) as ExecutionJournal;
  if (r.version !== undefined) item.version = r.version;
  return item;
}

const ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"; // no 0/1/i/l/o: typeable from a phone screen

export function newItemId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  let s = "";
  for (const b of bytes) s += ID_ALPHABET[b % ID_ALPHABET.length];
  return s;
}

export type ItemPatch = Partial<
  Pick<
    StoredPlanItem,
    "state" | "deadline" | "approvedBy" | "vetoReason" | "error" | "dryRun" | "tsave" | "reason" | "resources" | "journal" | "tdate" | "owner"
  >
>;

/** A resource's schedule state (engine/parking/schedules.ts). */
export interface ScheduleRun {
  resourceId: string;
  kind: CloudResource["kind"];
  schedule: string;
  nextStopAt?: number;
  nextStartAt?: number;
  /** ot3c stopped it for its schedule at this instant (only then does ot3c start it again). */
  stoppedAt?: number;
  /** A call that may have gone out when the process died: re-read before anything else. */
  pending?: "stop" | "start";
  /** When ot3c began to follow this schedule for the resource (its history before is unscheduled). */
  since: number;
  updatedAt: number;
}
