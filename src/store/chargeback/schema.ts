/**
 * Chargeback ledger schema (`<state-dir>/chargeback.db`). Migrations are append-only: the DB records
 * `PRAGMA user_version`, and every step above it runs once, in order, in one transaction.
 */
import type { Database } from "bun:sqlite";

const MIGRATIONS: string[] = [
  // v1
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  -- One row per synced day, even a day without costs, so "never synced" and "no costs" differ.
  CREATE TABLE billing_day (
    day TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    total_micros INTEGER NOT NULL,
    computed_at INTEGER NOT NULL,
    version INTEGER NOT NULL
  );
  -- The Costs rows overlapping each day (a multi-day row appears under each of its days), each with its allocated
  -- pieces as compact JSON [[principal, cost_type, reason, micros], …]: one insert per row and day instead of one
  -- per piece (millions at 200 days × 50 clusters), while the view below keeps the pieces queryable in SQL.
  CREATE TABLE billing_row (
    day TEXT NOT NULL,
    row_key TEXT NOT NULL,
    json TEXT NOT NULL,
    amount_micros INTEGER NOT NULL,
    line_type TEXT NOT NULL,
    product TEXT NOT NULL,
    env_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    pieces TEXT NOT NULL,
    PRIMARY KEY (day, row_key)
  );
  CREATE VIEW allocation AS
    SELECT b.day, b.row_key, j.value ->> '$[0]' AS principal, j.value ->> '$[1]' AS cost_type, j.value ->> '$[2]' AS reason,
           b.line_type, b.product, b.env_id, b.resource_id, j.value ->> '$[3]' AS micros
    FROM billing_row b, json_each(b.pieces) j;
  -- Hourly bytes per (cluster, principal) for the day, compact JSON: [[hourOffset, kafka, principal, req, resp], …]
  CREATE TABLE usage_day (day TEXT PRIMARY KEY, json TEXT NOT NULL);
  -- Registry of Core Objects across syncs: an object missing from a later listing is marked deleted then.
  CREATE TABLE object (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    json TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    deleted_at INTEGER,
    PRIMARY KEY (kind, id)
  );
  CREATE TABLE cursor (
    name TEXT PRIMARY KEY,
    hour INTEGER NOT NULL,
    served_hour INTEGER,
    served_to TEXT,
    served_at INTEGER
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database): void {
  const current = (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
  if (current > SCHEMA_VERSION) {
    throw new Error(`chargeback.db has schema version ${current}, newer than this ot3c (${SCHEMA_VERSION}); upgrade ot3c`);
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    })();
  }
}
