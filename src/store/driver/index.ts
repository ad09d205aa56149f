/**
 * The store's SQL connection, whatever the backend: `state: sqlite` (bun:sqlite, one file in the state directory)
 * or `state: postgres://…` (src/store/pg, a synchronous bridge to a worker running Bun's PostgreSQL client).
 *
 * The API is bun:sqlite's shape (`query(sql).get/all/run`, `exec`) plus `tx`, and it is synchronous on both
 * backends: the engine's rule "persist, then act" stays one line, and the lease's compare-and-set right before a
 * stop/delete call cannot interleave with other work of this process. The SQL is written once, in SQLite's
 * dialect; the PostgreSQL driver translates it in one place (src/store/pg/dialect.ts).
 */
import { sqliteDriver } from "./sqlite.ts";
import { postgresDriver } from "../pg/index.ts";
import { redactUrl } from "./redact.ts";

export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

export interface Statement {
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
  run(...params: SqlValue[]): { changes: number };
}

export interface SqlDriver {
  readonly kind: "sqlite" | "postgres";
  query(sql: string): Statement;
  /** One or more statements without parameters (DDL). */
  exec(sql: string): void;
  /**
   * fn in one write transaction that excludes every other writer of the database up front (SQLite: BEGIN
   * IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock), so a read-then-write inside is a compare-and-set.
   * Nested calls run in a savepoint.
   */
  tx<T>(fn: () => T): T;
  close(): void;
}

/** Where the engine's state lives (`state:` in ot3c.yaml). */
export type StateTarget = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string; password?: string };

export { DB_NOW } from "./db-now.ts";
export { redactUrl } from "./redact.ts";

export interface DriverOptions {
  /** Longest a single statement may take (PostgreSQL); then a clear error instead of a hang. */
  timeoutMs?: number;
  /** Connection label in pg_stat_activity. */
  application?: string;
}

export function openDriver(target: StateTarget, o: DriverOptions = {}): SqlDriver {
  return target.kind === "sqlite" ? sqliteDriver(target.path, o.timeoutMs) : postgresDriver(target.url, { ...o, ...(target.password ? { password: target.password } : {}) });
}

/** A configuration's `state:` → the store's target; undefined = the state directory's SQLite file. */
export function storeTargetOf(cfg: { state?: { kind: "sqlite" } | { kind: "postgres"; url: string; password?: string } }): StateTarget | undefined {
  const st = cfg.state;
  return st?.kind === "postgres" ? { kind: "postgres", url: st.url, ...(st.password ? { password: st.password } : {}) } : undefined;
}

/** Where a target is, for messages: the SQLite file or the redacted URL. */
export function describeTarget(t: StateTarget): string {
  return t.kind === "sqlite" ? t.path : redactUrl(t.url);
}
