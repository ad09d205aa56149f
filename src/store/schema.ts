/**
 * Schema of the engine's durable state, as an ordered list of migrations. `schema_version` in `meta` says
 * how many have run; each migration runs once, inside one write transaction (which excludes every other writer,
 * on both backends), so a crash mid-upgrade leaves the old schema intact and two processes opening a fresh store
 * at once do not both run it. Written in SQLite's dialect; src/store/pg/dialect.ts maps it to PostgreSQL.
 * Append new migrations; never edit an applied one.
 */
import type { SqlDriver } from "./driver/index.ts";

export const MIGRATIONS: string[] = [
  // 1: sync snapshots, plan items, audit, notifications, engine lock.
  `
  CREATE TABLE sync_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    error TEXT,
    resources INTEGER NOT NULL DEFAULT 0,
    costs INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX sync_snapshots_at ON sync_snapshots(at);

  CREATE TABLE plan_items (
    id TEXT PRIMARY KEY,
    vr_id TEXT NOT NULL,
    action TEXT NOT NULL,
    prio INTEGER NOT NULL,
    owner TEXT,
    tdate INTEGER NOT NULL,
    tsave REAL NOT NULL,
    tasap INTEGER NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    deadline INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    approved_by TEXT,
    veto_reason TEXT,
    error TEXT,
    period_start INTEGER NOT NULL,
    origin TEXT NOT NULL DEFAULT 'engine',
    dry_run INTEGER NOT NULL DEFAULT 0,
    -- leaf resources in termination order, as last seen (JSON CloudResource[])
    resources_json TEXT NOT NULL DEFAULT '[]',
    -- execution journal (JSON ExecutionJournal) so a restart knows which calls may have gone out
    journal_json TEXT
  );
  CREATE INDEX plan_items_vr ON plan_items(vr_id, period_start);
  CREATE INDEX plan_items_state ON plan_items(state);

  CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    action TEXT NOT NULL,
    item_id TEXT,
    vr_id TEXT,
    detail TEXT
  );
  CREATE INDEX audit_events_item ON audit_events(item_id);

  CREATE TABLE notifications (
    key TEXT PRIMARY KEY,
    item_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    sent_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT
  );

  CREATE TABLE engine_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
  );
  `,
  // 2: every sync reconciles and every snapshot reads the items of the current period.
  `
  CREATE INDEX plan_items_period ON plan_items(period_start, state);
  `,
  // 3: the metrics port counts executed/failed terminations from the audit trail on every snapshot.
  `
  CREATE INDEX audit_events_action ON audit_events(action);
  `,
  // 4: one acting engine per project (src/store/lease): the lease row (holder, epoch, expiry on the database's
  // clock), and per item a version that every write bumps and the epoch of the leader that last executed it, so a
  // stale leader's compare-and-set right before a stop/delete call matches no row.
  `
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    acquired_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  ALTER TABLE plan_items ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE plan_items ADD COLUMN exec_epoch INTEGER;
  `,
  // 5: office-hours schedules (engine/parking/schedules.ts): per resource the absolute instants of its next stop
  // and start, and whether ot3c stopped it (only then does ot3c start it), so schedules survive restarts.
  `
  CREATE TABLE schedule_runs (
    resource_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    schedule TEXT NOT NULL,
    next_stop_at INTEGER,
    next_start_at INTEGER,
    stopped_at INTEGER,
    pending TEXT,
    -- when ot3c began to follow this schedule for the resource: its cost history before is unscheduled
    since INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
];

export function migrate(db: SqlDriver): number {
  const current = (): number => {
    const row = db.query("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | null;
    return row ? Number(row.value) : 0;
  };
  db.tx(() => db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"));
  let version = current();
  if (version > MIGRATIONS.length) {
    throw new Error(
      `state database schema version ${version} is newer than this ot3c understands (${MIGRATIONS.length}); upgrade ot3c`,
    );
  }
  while (version < MIGRATIONS.length) {
    version = db.tx(() => {
      // Re-read under the write lock: another process may have run it meanwhile.
      const now = current();
      if (now > version) return now;
      db.exec(MIGRATIONS[version]!);
      db.query("INSERT INTO meta(key, value) VALUES ('schema_version', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(String(version + 1));
      return version + 1;
    });
  }
  return version;
}
