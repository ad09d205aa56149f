/**
 * `state: postgres://…`: the store's driver on PostgreSQL, for several hosts sharing one state. The same schema and
 * the same statements as on SQLite (translated by dialect.ts), run synchronously through bridge.ts.
 *
 * A write transaction first takes a transaction-scoped advisory lock, the same for every ot3c on the database:
 * writers are serialised exactly as SQLite's BEGIN IMMEDIATE serialises them, so every read-then-write in a
 * transaction (the executor's compare-and-set, a notification claim, a migration) is atomic on both backends.
 * The lock ends with the transaction — it is not the leadership mechanism (that is the lease row), and it cannot
 * be lost silently behind a pooler the way a session lock can.
 */
import type { SqlDriver, SqlValue, Statement } from "../driver/index.ts";
import { PgBridge, type BridgeOptions } from "./bridge.ts";
import { toPostgres } from "./dialect.ts";

export { PgBridgeError } from "./bridge.ts";
export { toPostgres } from "./dialect.ts";

/** hashtext('ot3c.store.write'), fixed: every ot3c version must take the same lock. */
const WRITE_LOCK_KEY = 0x07c3_5707;

export function postgresDriver(url: string, o: BridgeOptions = {}): SqlDriver {
  const bridge = new PgBridge(url, o);
  let depth = 0;
  const params = (p: SqlValue[]) => p.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
  return {
    kind: "postgres",
    query(sql: string): Statement {
      const text = toPostgres(sql);
      return {
        get: (...p: SqlValue[]) => bridge.call("get", text, params(p)).row ?? null,
        all: (...p: SqlValue[]) => bridge.call("all", text, params(p)).rows as unknown[],
        run: (...p: SqlValue[]) => ({ changes: Number(bridge.call("run", text, params(p)).changes ?? 0) }),
      };
    },
    exec: (sql) => void bridge.call("exec", toPostgres(sql)),
    tx<T>(fn: () => T): T {
      if (depth > 0) {
        // Nested: a savepoint, as bun:sqlite does.
        const sp = `ot3c_sp${depth}`;
        bridge.call("exec", `SAVEPOINT ${sp}`);
        depth++;
        try {
          const r = fn();
          bridge.call("exec", `RELEASE SAVEPOINT ${sp}`);
          return r;
        } catch (err) {
          bridge.call("exec", `ROLLBACK TO SAVEPOINT ${sp}`);
          throw err;
        } finally {
          depth--;
        }
      }
      bridge.call("begin", `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`);
      depth = 1;
      let result: T;
      try {
        result = fn();
      } catch (err) {
        depth = 0;
        try {
          bridge.call("rollback");
        } catch {
          // the connection is gone: PostgreSQL rolled back on its own; drop it so the next call reconnects
          bridge.reset();
        }
        throw err;
      }
      depth = 0;
      try {
        bridge.call("commit");
      } catch (err) {
        bridge.reset();
        throw err;
      }
      return result;
    },
    close: () => bridge.close(),
  };
}
