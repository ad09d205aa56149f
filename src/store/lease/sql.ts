/**
 * The lease's SQL, the same on SQLite and PostgreSQL (src/store/pg/dialect.ts translates it). Time is the
 * database's clock (`DB_NOW`), never the caller's: every process, on every host, reads the same clock, and no
 * process can extend a lease by having its own clock run slow.
 *
 * Election and renewal are one statement, as River does it (`INSERT … ON CONFLICT … WHERE expires_at < now`):
 * - no row → insert, epoch 1;
 * - our own unexpired row → renew, same epoch;
 * - an expired row (anyone's, ours included) → take it over, epoch + 1;
 * - someone else's unexpired row → no row changes, and we are a follower.
 */
import { DB_NOW, type SqlDriver } from "../driver/index.ts";

export { DB_NOW };

export interface LeaseRow {
  holder: string;
  epoch: number;
  expiresAt: number;
  /** The database's clock when the row was read. */
  dbNow: number;
}

export function electOrRenew(db: SqlDriver, name: string, holder: string, ttlMs: number): LeaseRow | undefined {
  const row = db
    .query(
      `INSERT INTO leases(name, holder, epoch, acquired_at, expires_at) VALUES (?1, ?2, 1, ${DB_NOW}, ${DB_NOW} + ?3)
       ON CONFLICT(name) DO UPDATE SET
         epoch = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > ${DB_NOW} THEN leases.epoch ELSE leases.epoch + 1 END,
         acquired_at = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > ${DB_NOW} THEN leases.acquired_at ELSE excluded.acquired_at END,
         holder = excluded.holder,
         expires_at = excluded.expires_at
       WHERE (leases.holder = excluded.holder AND leases.expires_at > ${DB_NOW}) OR leases.expires_at <= ${DB_NOW}
       RETURNING holder, epoch, expires_at AS expiresAt, ${DB_NOW} AS dbNow`,
    )
    .get(name, holder, ttlMs) as LeaseRow | null;
  return row ?? undefined;
}

export function readLease(db: SqlDriver, name: string): LeaseRow | undefined {
  const row = db.query(`SELECT holder, epoch, expires_at AS expiresAt, ${DB_NOW} AS dbNow FROM leases WHERE name = ?`).get(name) as LeaseRow | null;
  return row ?? undefined;
}

/** Clean shutdown: our lease ends now, so a follower takes over at its next attempt instead of after the TTL. */
export function releaseLease(db: SqlDriver, name: string, holder: string): void {
  db.query(`UPDATE leases SET expires_at = ${DB_NOW} WHERE name = ? AND holder = ? AND expires_at > ${DB_NOW}`).run(name, holder);
}

export interface FenceRow {
  version: number;
  epoch: number | null;
  holder: string | null;
  remainingMs: number | null;
}

/** What the compare-and-set compares, read inside the caller's write transaction. */
export function fenceRow(db: SqlDriver, itemId: string, leaseName: string): FenceRow | undefined {
  const row = db
    .query(
      `SELECT p.version AS version, l.epoch AS epoch, l.holder AS holder, l.expires_at - ${DB_NOW} AS remainingMs
       FROM plan_items p LEFT JOIN leases l ON l.name = ?2 WHERE p.id = ?1`,
    )
    .get(itemId, leaseName) as FenceRow | null;
  return row ?? undefined;
}

export function markExecEpoch(db: SqlDriver, itemId: string, epoch: number): void {
  db.query("UPDATE plan_items SET exec_epoch = ? WHERE id = ?").run(epoch, itemId);
}
