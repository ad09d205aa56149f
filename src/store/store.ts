/**
 * The engine's durable state in `<state-dir>/ot3c.db` (bun:sqlite, WAL, synchronous=FULL): sync snapshots, plan
 * items with their lifecycle, the append-only audit trail and the notifications already sent. Synchronous API on
 * purpose: every write is committed (and fsynced) when the call returns, so "persist, then act" is one line.
 */
import { Database } from "bun:sqlite";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ActorSource, AuditEvent, CloudResource, EngineCounters, PlanAction, PlanItem, PlanState } from "../engine/types.ts";
import { migrate } from "./schema.ts";

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

interface ItemRow {
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

function rowToItem(r: ItemRow): StoredPlanItem {
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

export class Store {
  readonly db: Database;
  readonly path: string;

  private constructor(db: Database, path: string) {
    this.db = db;
    this.path = path;
  }

  static open(stateDir: string): Store {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const path = join(stateDir, "ot3c.db");
    const db = new Database(path, { create: true, strict: false });
    // Owner-only whatever the umask: the audit trail names people. SQLite gives -wal/-shm the same mode.
    try {
      chmodSync(path, 0o600);
    } catch {
      // not our file (read-only access by another user): leave it
    }
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA journal_mode = WAL");
    // FULL: a deadline, an approval or a veto must survive a power cut, not just a process crash.
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    migrate(db);
    return new Store(db, path);
  }

  close(): void {
    this.db.close();
  }

  schemaVersion(): number {
    const row = this.db.query("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | null;
    return row ? Number(row.value) : 0;
  }

  /** Runs fn in one IMMEDIATE transaction (the write lock is taken up front, so no upgrade deadlocks). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // -- sync snapshots ------------------------------------------------------------------------------------------

  recordSync(s: SyncRecord): number {
    const r = this.db
      .query("INSERT INTO sync_snapshots(at, ok, error, resources, costs, duration_ms) VALUES (?, ?, ?, ?, ?, ?)")
      .run(s.at, s.ok ? 1 : 0, s.error ?? null, s.resources, s.costs, s.durationMs);
    return Number(r.lastInsertRowid);
  }

  lastSync(onlyOk = false): SyncRecord | undefined {
    const row = this.db
      .query(`SELECT * FROM sync_snapshots ${onlyOk ? "WHERE ok = 1" : ""} ORDER BY id DESC LIMIT 1`)
      .get() as { id: number; at: number; ok: number; error: string | null; resources: number; costs: number; duration_ms: number } | null;
    if (!row) return undefined;
    return {
      id: row.id,
      at: row.at,
      ok: row.ok === 1,
      ...(row.error !== null ? { error: row.error } : {}),
      resources: row.resources,
      costs: row.costs,
      durationMs: row.duration_ms,
    };
  }

  // -- plan items ----------------------------------------------------------------------------------------------

  insertItem(item: StoredPlanItem): void {
    this.db
      .query(
        `INSERT INTO plan_items(id, vr_id, action, prio, owner, tdate, tsave, tasap, reason, state, deadline, created_at,
           updated_at, approved_by, veto_reason, error, period_start, origin, dry_run, resources_json, journal_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        item.id,
        item.vrId,
        item.action,
        item.prio,
        item.owner ?? null,
        item.tdate,
        item.tsave,
        item.tasap ? 1 : 0,
        item.reason,
        item.state,
        item.deadline,
        item.createdAt,
        item.updatedAt,
        item.approvedBy ?? null,
        item.vetoReason ?? null,
        item.error ?? null,
        item.periodStart,
        item.origin,
        item.dryRun ? 1 : 0,
        JSON.stringify(item.resources),
        item.journal ? JSON.stringify(item.journal) : null,
      );
  }

  updateItem(id: string, patch: ItemPatch, at: number): void {
    const cols: string[] = ["updated_at = ?"];
    const vals: Array<string | number | null> = [at];
    const map: Record<string, string> = {
      state: "state",
      deadline: "deadline",
      approvedBy: "approved_by",
      vetoReason: "veto_reason",
      error: "error",
      tsave: "tsave",
      reason: "reason",
      tdate: "tdate",
      owner: "owner",
    };
    for (const [k, v] of Object.entries(patch)) {
      if (k === "dryRun") {
        cols.push("dry_run = ?");
        vals.push(v ? 1 : 0);
      } else if (k === "resources") {
        cols.push("resources_json = ?");
        vals.push(JSON.stringify(v));
      } else if (k === "journal") {
        cols.push("journal_json = ?");
        vals.push(v === undefined ? null : JSON.stringify(v));
      } else if (map[k]) {
        cols.push(`${map[k]} = ?`);
        vals.push((v as string | number | undefined) ?? null);
      }
    }
    vals.push(id);
    // Every write is a new version: a leader's compare-and-set before a call (src/store/lease) fails after a veto,
    // postpone or approval that landed since it read the item.
    this.db.query(`UPDATE plan_items SET ${cols.join(", ")}, version = version + 1 WHERE id = ?`).run(...vals);
  }

  scheduleRuns(): ScheduleRun[] {
    const rows = this.db.query("SELECT * FROM schedule_runs ORDER BY resource_id").all() as Array<Record<string, string | number | null>>;
    return rows.map((r) => ({
      resourceId: r.resource_id as string,
      kind: r.kind as CloudResource["kind"],
      schedule: r.schedule as string,
      ...(r.next_stop_at !== null ? { nextStopAt: r.next_stop_at as number } : {}),
      ...(r.next_start_at !== null ? { nextStartAt: r.next_start_at as number } : {}),
      ...(r.stopped_at !== null ? { stoppedAt: r.stopped_at as number } : {}),
      ...(r.pending !== null ? { pending: r.pending as "stop" | "start" } : {}),
      since: r.since as number,
      updatedAt: r.updated_at as number,
    }));
  }

  putScheduleRun(r: ScheduleRun): void {
    this.db
      .query("INSERT OR REPLACE INTO schedule_runs(resource_id, kind, schedule, next_stop_at, next_start_at, stopped_at, pending, since, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .run(r.resourceId, r.kind, r.schedule, r.nextStopAt ?? null, r.nextStartAt ?? null, r.stoppedAt ?? null, r.pending ?? null, r.since, r.updatedAt);
  }

  deleteScheduleRun(resourceId: string): void {
    this.db.query("DELETE FROM schedule_runs WHERE resource_id = ?").run(resourceId);
  }

  getItem(id: string): StoredPlanItem | undefined {
    const row = this.db.query("SELECT * FROM plan_items WHERE id = ?").get(id) as ItemRow | null;
    return row ? rowToItem(row) : undefined;
  }

  listItems(filter: { states?: PlanState[]; periodStart?: number; vrId?: string; actions?: PlanAction[] } = {}): StoredPlanItem[] {
    const where: string[] = [];
    const vals: Array<string | number> = [];
    if (filter.actions) {
      where.push(`action IN (${filter.actions.map(() => "?").join(", ")})`);
      vals.push(...filter.actions);
    }
    if (filter.states) {
      where.push(`state IN (${filter.states.map(() => "?").join(", ")})`);
      vals.push(...filter.states);
    }
    if (filter.periodStart !== undefined) {
      where.push("period_start = ?");
      vals.push(filter.periodStart);
    }
    if (filter.vrId !== undefined) {
      where.push("vr_id = ?");
      vals.push(filter.vrId);
    }
    const sql = `SELECT * FROM plan_items ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY deadline, rowid`;
    return (this.db.query(sql).all(...vals) as ItemRow[]).map(rowToItem);
  }

  /**
   * A cheap fingerprint of one period's items (ids, states, deadlines, update times) without reading their JSON:
   * the engine compares it every tick to notice a change made elsewhere (an execution, another process's approve).
   */
  itemsFingerprint(periodStart: number): string {
    const row = this.db
      .query("SELECT COUNT(*) AS n, group_concat(id || ':' || state || ':' || deadline || ':' || updated_at, ';') AS fp FROM plan_items WHERE period_start = ?")
      .get(periodStart) as { n: number; fp: string | null };
    return `${row.n}|${row.fp ?? ""}`;
  }

  /** What a snapshot shows: the items of this period, plus any still open from an earlier one. */
  itemsForSnapshot(periodStart: number): StoredPlanItem[] {
    const rows = this.db
      .query(
        `SELECT * FROM plan_items WHERE period_start = ? OR state IN ('PENDING', 'APPROVED', 'EXECUTING') ORDER BY deadline, rowid`,
      )
      .all(periodStart) as ItemRow[];
    return rows.map(rowToItem);
  }

  /** VR ids vetoed in this billing period: the planner must not propose them again. */
  vetoedVrIds(periodStart: number): string[] {
    const rows = this.db
      .query("SELECT DISTINCT vr_id FROM plan_items WHERE state = 'VETOED' AND period_start = ?")
      .all(periodStart) as Array<{ vr_id: string }>;
    return rows.map((r) => r.vr_id);
  }

  /**
   * Monotonic counters for the metrics port, derived from the durable trail (so they survive restarts): syncs and
   * failed syncs, and terminations executed (dry-run ones included: "would stop/delete") or failed.
   */
  counters(): EngineCounters {
    const syncs = this.db.query("SELECT COUNT(*) AS n, COALESCE(SUM(ok = 0), 0) AS failed FROM sync_snapshots").get() as { n: number; failed: number };
    const count = (actions: string[]) =>
      (this.db.query(`SELECT COUNT(*) AS n FROM audit_events WHERE action IN (${actions.map(() => "?").join(",")})`).get(...actions) as { n: number }).n;
    return {
      syncs: syncs.n,
      syncFailures: syncs.failed,
      terminationsExecuted: count(["terminate.stopped", "terminate.deleted", "terminate.would-stop", "terminate.would-delete"]),
      terminationsFailed: count(["terminate.failed"]),
    };
  }

  // -- audit ---------------------------------------------------------------------------------------------------

  audit(e: Omit<AuditEvent, "id">): AuditEvent {
    const r = this.db
      .query("INSERT INTO audit_events(at, actor, source, action, item_id, vr_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(e.at, e.actor, e.source, e.action, e.itemId ?? null, e.vrId ?? null, e.detail ?? null);
    return { id: Number(r.lastInsertRowid), ...e };
  }

  auditEvents(opts: { limit?: number; itemId?: string } = {}): AuditEvent[] {
    const rows = (
      opts.itemId
        ? this.db.query("SELECT * FROM audit_events WHERE item_id = ? ORDER BY id DESC LIMIT ?").all(opts.itemId, opts.limit ?? 1000)
        : this.db.query("SELECT * FROM audit_events ORDER BY id DESC LIMIT ?").all(opts.limit ?? 100)
    ) as Array<{ id: number; at: number; actor: string; source: string; action: string; item_id: string | null; vr_id: string | null; detail: string | null }>;
    return rows.reverse().map((r) => {
      const e: AuditEvent = { id: r.id, at: r.at, actor: r.actor, source: r.source as ActorSource, action: r.action };
      if (r.item_id !== null) e.itemId = r.item_id;
      if (r.vr_id !== null) e.vrId = r.vr_id;
      if (r.detail !== null) e.detail = r.detail;
      return e;
    });
  }

  // -- notifications -------------------------------------------------------------------------------------------

  /**
   * Claims a notification before sending it. Returns false when it was already sent (or is being sent by this
   * process). A claim left in `sending` by a crashed process is re-claimable: owners get a mail twice rather than
   * never.
   */
  claimNotification(key: string, itemId: string, kind: string, channel: string, at: number, sessionStart: number): boolean {
    return this.tx(() => {
      const row = this.db.query("SELECT status, claimed_at FROM notifications WHERE key = ?").get(key) as
        | { status: string; claimed_at: number }
        | null;
      if (row && (row.status === "sent" || row.status === "given-up")) return false;
      if (row && row.status === "sending" && row.claimed_at >= sessionStart) return false;
      this.db
        .query(
          `INSERT INTO notifications(key, item_id, kind, channel, status, claimed_at, attempts) VALUES (?, ?, ?, ?, 'sending', ?, 1)
           ON CONFLICT(key) DO UPDATE SET status = 'sending', claimed_at = excluded.claimed_at, attempts = attempts + 1`,
        )
        .run(key, itemId, kind, channel, at);
      return true;
    });
  }

  finishNotification(key: string, outcome: { ok: true; at: number } | { ok: false; error: string; giveUp: boolean }): void {
    if (outcome.ok) {
      this.db.query("UPDATE notifications SET status = 'sent', sent_at = ?, error = NULL WHERE key = ?").run(outcome.at, key);
    } else {
      this.db
        .query("UPDATE notifications SET status = ?, error = ? WHERE key = ?")
        .run(outcome.giveUp ? "given-up" : "failed", outcome.error, key);
    }
  }

  notificationStatus(key: string): { status: string; attempts: number; error?: string } | undefined {
    const row = this.db.query("SELECT status, attempts, error FROM notifications WHERE key = ?").get(key) as
      | { status: string; attempts: number; error: string | null }
      | null;
    return row ? { status: row.status, attempts: row.attempts, ...(row.error ? { error: row.error } : {}) } : undefined;
  }
}
