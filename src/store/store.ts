/**
 * The engine's durable state: sync snapshots, plan items with their lifecycle, the append-only audit trail and the
 * notifications already sent. In `<state-dir>/ot3c.db` (bun:sqlite, WAL, synchronous=FULL) by default, or in
 * PostgreSQL with `state: postgres://…` (several hosts, src/store/pg) — the same schema and the same statements
 * over the driver interface (src/store/driver). Synchronous API on purpose, on both backends: every write is
 * committed when the call returns, so "persist, then act" is one line.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ActorSource, AuditEvent, CloudResource, EngineCounters, PlanAction, PlanState } from "../engine/types.ts";
import { migrate } from "./schema.ts";
import { rowToItem, type ItemRow } from "./items.ts";
import type { StoredPlanItem, SyncRecord, ItemPatch, ScheduleRun } from "./items.ts";
import { describeTarget, openDriver, type SqlDriver, type StateTarget } from "./driver/index.ts";
export { ACTIVE_STATES, TERMINAL_STATES, newItemId } from "./items.ts";
export type { ItemOrigin, JournalStep, ExecutionJournal, ResumeJournal, StoredPlanItem, SyncRecord, ItemPatch, ScheduleRun } from "./items.ts";
export type { StateTarget } from "./driver/index.ts";

export class Store {
  readonly db: SqlDriver;
  /** Where the state lives; the lease opens its own connection to the same place. */
  readonly target: StateTarget;
  /** For messages: the SQLite file, or the PostgreSQL URL without its password. */
  readonly path: string;

  private constructor(db: SqlDriver, target: StateTarget) {
    this.db = db;
    this.target = target;
    this.path = describeTarget(target);
  }

  /** The SQLite file of a state directory (the default `state: sqlite`). */
  static sqliteTarget(stateDir: string): StateTarget {
    return { kind: "sqlite", path: join(stateDir, "ot3c.db") };
  }

  /**
   * Opens (and migrates) the state: `target` when given (from `state:` in the configuration), else the state
   * directory's SQLite file. The state directory is created either way (control socket, engine lock).
   */
  static open(stateDir: string, target?: StateTarget): Store {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const t = target ?? Store.sqliteTarget(stateDir);
    const db = openDriver(t, { application: "ot3c" });
    try {
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    return new Store(db, t);
  }

  close(): void {
    this.db.close();
  }

  schemaVersion(): number {
    const row = this.db.query("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | null;
    return row ? Number(row.value) : 0;
  }

  /** Runs fn in one write transaction that excludes every other writer up front (SQLite: IMMEDIATE). */
  tx<T>(fn: () => T): T {
    return this.db.tx(fn);
  }

  // -- sync snapshots ------------------------------------------------------------------------------------------

  recordSync(s: SyncRecord): number {
    const r = this.db
      .query("INSERT INTO sync_snapshots(at, ok, error, resources, costs, duration_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
      .get(s.at, s.ok ? 1 : 0, s.error ?? null, s.resources, s.costs, s.durationMs) as { id: number };
    return Number(r.id);
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
      .query(
        `INSERT INTO schedule_runs(resource_id, kind, schedule, next_stop_at, next_start_at, stopped_at, pending, since, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(resource_id) DO UPDATE SET kind = excluded.kind, schedule = excluded.schedule, next_stop_at = excluded.next_stop_at,
           next_start_at = excluded.next_start_at, stopped_at = excluded.stopped_at, pending = excluded.pending, since = excluded.since,
           updated_at = excluded.updated_at`,
      )
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
      // Ordered, so the same items give the same fingerprint on every backend.
      .query(
        `SELECT COUNT(*) AS n, group_concat(id || ':' || state || ':' || deadline || ':' || updated_at, ';') AS fp
         FROM (SELECT id, state, deadline, updated_at FROM plan_items WHERE period_start = ? ORDER BY id) AS p`,
      )
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

  /**
   * Monotonic counters for the metrics port, derived from the durable trail (so they survive restarts): syncs and
   * failed syncs, and terminations executed (dry-run ones included: "would stop/delete") or failed.
   */
  counters(): EngineCounters {
    const syncs = this.db.query("SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN ok = 0 THEN 1 ELSE 0 END), 0) AS failed FROM sync_snapshots").get() as { n: number; failed: number };
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
      .query("INSERT INTO audit_events(at, actor, source, action, item_id, vr_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")
      .get(e.at, e.actor, e.source, e.action, e.itemId ?? null, e.vrId ?? null, e.detail ?? null) as { id: number };
    return { id: Number(r.id), ...e };
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
           ON CONFLICT(key) DO UPDATE SET status = 'sending', claimed_at = excluded.claimed_at, attempts = notifications.attempts + 1`,
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
