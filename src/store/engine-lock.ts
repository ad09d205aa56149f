/**
 * Which engine serves a state directory's control socket. Several engines may run on one state directory (one of
 * them leads the project through src/store/lease, the others follow), but only one can own `<state-dir>/ot3c.sock`:
 * the holder of this lock. The others run without a socket and take it over when the holder is gone
 * (src/daemon/runtime.ts); `ot3c demo` asks for it exclusively.
 *
 * Two layers, because each alone is wrong in some case:
 * - an OS lock: `flock(LOCK_EX|LOCK_NB)` on `<state-dir>/engine.lock`. The kernel drops it when the holder dies,
 *   even by SIGKILL or power loss, so a stale lock can never block a restart;
 * - a row in `engine_lock` (pid, host, start, heartbeat) so the refusal can say *who* holds it, and the TUI can show
 *   the daemon's liveness.
 * Without flock (no glibc for bun:ffi), we fall back to the row alone: the holder is alive iff `kill(pid, 0)`
 * succeeds on the same host and its heartbeat is fresh.
 *
 * With a PostgreSQL store the row is shared by every host (each with its own state directory and flock): it then
 * names the last socket owner of any host, so a refusal names a holder only when the row is from this host, and a
 * process only ever updates or deletes a row with its own pid and host.
 */
import { closeSync, openSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Store } from "./store.ts";

export class EngineLockedError extends Error {
  constructor(
    readonly holderPid: number,
    readonly holderHost: string,
    readonly stateDir: string,
  ) {
    super(
      `another ot3c engine (pid ${holderPid} on ${holderHost}) already runs on state directory ${stateDir}; ` +
        `stop it first, or attach to it with \`ot3c\` (TUI) / \`ot3c approve|veto|postpone\``,
    );
    this.name = "EngineLockedError";
  }
}

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

type FlockFn = (fd: number, op: number) => number;
let flockImpl: FlockFn | null | undefined;

async function loadFlock(): Promise<FlockFn | null> {
  if (flockImpl !== undefined) return flockImpl;
  try {
    const { dlopen, FFIType } = await import("bun:ffi");
    const libc = dlopen(process.platform === "darwin" ? "libc.dylib" : "libc.so.6", {
      flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    });
    flockImpl = (fd, op) => libc.symbols.flock(fd, op) as number;
  } catch {
    flockImpl = null;
  }
  return flockImpl;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface EngineLockInfo {
  pid: number;
  host: string;
  startedAt: number;
  heartbeatAt: number;
}

export function readLockRow(store: Store): EngineLockInfo | undefined {
  const row = store.db.query("SELECT pid, host, started_at, heartbeat_at FROM engine_lock WHERE id = 1").get() as
    | { pid: number; host: string; started_at: number; heartbeat_at: number }
    | null;
  return row ? { pid: row.pid, host: row.host, startedAt: row.started_at, heartbeatAt: row.heartbeat_at } : undefined;
}

export class EngineLock {
  private constructor(
    private readonly store: Store,
    private fd: number | undefined,
    private readonly flock: FlockFn | null,
    /** The dead holder whose lock we took over, for the audit trail. */
    readonly tookOverFrom?: EngineLockInfo,
  ) {}

  /**
   * Takes the lock or throws EngineLockedError. `staleAfterMs` only matters without flock: a heartbeat older than
   * that from a pid that is not alive is taken over.
   */
  static async acquire(store: Store, stateDir: string, now: number, staleAfterMs = 60_000): Promise<EngineLock> {
    const flock = await loadFlock();
    let fd: number | undefined;
    if (flock) {
      fd = openSync(join(stateDir, "engine.lock"), "a", 0o600);
      if (flock(fd, LOCK_EX | LOCK_NB) !== 0) {
        closeSync(fd);
        const row = readLockRow(store);
        const holder = row?.host === hostname() ? row : undefined;
        throw new EngineLockedError(holder?.pid ?? -1, holder?.host ?? hostname(), stateDir);
      }
    }
    try {
      const previous = store.tx(() => {
        const holder = readLockRow(store);
        if (holder && !flock) {
          const alive = holder.host === hostname() ? pidAlive(holder.pid) && holder.pid !== process.pid : now - holder.heartbeatAt < staleAfterMs;
          if (alive) throw new EngineLockedError(holder.pid, holder.host, stateDir);
        }
        store.db
          .query(
            `INSERT INTO engine_lock(id, pid, host, started_at, heartbeat_at) VALUES (1, ?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET pid = excluded.pid, host = excluded.host, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
          )
          .run(process.pid, hostname(), now, now);
        return holder;
      });
      return new EngineLock(store, fd, flock, previous);
    } catch (err) {
      if (fd !== undefined) closeSync(fd);
      throw err;
    }
  }

  heartbeat(now: number): void {
    this.store.db.query("UPDATE engine_lock SET heartbeat_at = ? WHERE id = 1 AND pid = ? AND host = ?").run(now, process.pid, hostname());
  }

  release(): void {
    try {
      this.store.db.query("DELETE FROM engine_lock WHERE id = 1 AND pid = ? AND host = ?").run(process.pid, hostname());
    } catch {
      // the database may already be closed; the OS lock below is what matters
    }
    if (this.fd !== undefined) {
      this.flock?.(this.fd, LOCK_UN);
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
