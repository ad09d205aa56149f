/** The SQLite driver: bun:sqlite as is (WAL, synchronous=FULL, owner-only file). */
import { Database } from "bun:sqlite";
import { chmodSync } from "node:fs";
import type { SqlDriver, SqlValue, Statement } from "./index.ts";

export function sqliteDriver(path: string, busyTimeoutMs = 5000): SqlDriver {
  const db = new Database(path, { create: true, strict: false });
  // Owner-only whatever the umask: the audit trail names people. SQLite gives -wal/-shm the same mode.
  try {
    chmodSync(path, 0o600);
  } catch {
    // not our file (read-only access by another user): leave it
  }
  db.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
  db.exec("PRAGMA journal_mode = WAL");
  // FULL: a deadline, an approval or a veto must survive a power cut, not just a process crash.
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  return {
    kind: "sqlite",
    query(sql: string): Statement {
      const st = db.query(sql);
      return {
        get: (...p: SqlValue[]) => st.get(...(p as never[])),
        all: (...p: SqlValue[]) => st.all(...(p as never[])),
        run: (...p: SqlValue[]) => ({ changes: st.run(...(p as never[])).changes }),
      };
    },
    exec: (sql) => db.exec(sql),
    // IMMEDIATE: the write lock is taken up front, so no upgrade deadlocks; bun:sqlite nests with savepoints.
    tx: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    close: () => db.close(),
  };
}
