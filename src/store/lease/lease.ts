/**
 * One project's lease as held (or watched) by one process: elected and renewed on a timer on its own database
 * connection, so a long engine step (a large sync, a slow API call) never delays the heartbeat, and a leader that
 * cannot renew stops acting on its own before the lease runs out.
 */
import { hostname } from "node:os";
import { openDriver, type SqlDriver, type StateTarget } from "../driver/index.ts";
import type { LeaseView } from "../../engine/types.ts";
import { electOrRenew, readLease, releaseLease, type LeaseRow } from "./sql.ts";

/** This host's name in holder ids; $OT3C_HOST_ID lets tests run "two hosts" on one machine. */
export function hostId(env: Record<string, string | undefined> = process.env): string {
  return env.OT3C_HOST_ID || hostname();
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A holder on this host whose process is gone (kill -9, crash) cannot renew: its lease is ended at once instead of
 * after the TTL, so a restart or a follower on the same host takes over within one attempt. Holders on other hosts
 * (or a reused pid) simply run out.
 */
function deadLocalHolder(holder: string): boolean {
  const m = holder.match(/^(\d+)@([^/]+)\//);
  return !!m && m[2] === hostId() && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]));
}

export const DEFAULT_LEASE_MS = 12_000;

export interface LeaseOptions {
  /** The project's lease name (see leaseName). */
  name: string;
  /** How long a renewal lasts; default $OT3C_LEASE_MS, else 12 s (failover within ~14 s after a kill -9). */
  ttlMs?: number;
  /** Renewal / election attempts; default ttl / 6 (2 s). */
  renewMs?: number;
  /** Unique per process; default "pid@host/random". */
  holder?: string;
  /** Called when this process becomes leader or stops being one. */
  onRoleChange?(view: LeaseView, previous: LeaseRow | undefined): void;
  log?(level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>): void;
}

/** "region/project[#instance]": two `instance:` values manage disjoint resources and may both lead. */
export function leaseName(project: { name: string; region: string; id?: string }, instance?: string): string {
  return `${project.region}/${project.id ?? project.name}${instance ? `#${instance}` : ""}`;
}

export function leaseMsFromEnv(env: Record<string, string | undefined> = process.env): number {
  const ms = Number(env.OT3C_LEASE_MS);
  return ms > 0 ? ms : DEFAULT_LEASE_MS;
}

/** "pid@host" of a holder id (the random part only keeps restarts with a reused pid apart). */
export function displayHolder(holder: string): string {
  return holder.split("/")[0] ?? holder;
}

export class Lease {
  readonly name: string;
  readonly holder: string;
  readonly ttlMs: number;
  readonly renewMs: number;
  private readonly db: SqlDriver;
  private row?: LeaseRow;
  /** performance.now() when `row` was read, to age it without trusting the local wall clock. */
  private rowAt = 0;
  private leader = false;
  private timer?: ReturnType<typeof setInterval>;
  private closed = false;

  /** `target`: the store's (`store.target`); a plain path is a SQLite file. */
  constructor(
    target: StateTarget | string,
    private readonly o: LeaseOptions,
  ) {
    this.name = o.name;
    this.ttlMs = o.ttlMs ?? leaseMsFromEnv();
    this.renewMs = o.renewMs ?? Math.max(200, Math.floor(this.ttlMs / 6));
    this.holder = o.holder ?? `${process.pid}@${hostId()}/${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}`;
    // Its own connection: the heartbeat must not queue behind the engine's statements. A renewal that cannot get
    // an answer in time fails (and is retried at the next tick) rather than blocking the process.
    this.db = openDriver(typeof target === "string" ? { kind: "sqlite", path: target } : target, { timeoutMs: Math.max(500, Math.min(2000, this.renewMs)), application: "ot3c lease" });
  }

  /** One election/renewal attempt; never throws (a database error means "not leader until the next success"). */
  attempt(): LeaseView {
    if (this.closed) return this.view();
    const before = performance.now();
    let row: LeaseRow | undefined;
    try {
      // In a write transaction: on PostgreSQL it waits for an executor's compare-and-set in flight (as SQLite's
      // single writer does), so a takeover can never slip between that check and its commit.
      row = this.db.tx(() => electOrRenew(this.db, this.name, this.holder, this.ttlMs));
      if (!row) {
        const current = readLease(this.db, this.name);
        if (current && deadLocalHolder(current.holder)) {
          this.o.log?.("warn", `lease ${this.name}: holder ${displayHolder(current.holder)} is gone (process not running); taking over`);
          row = this.db.tx(() => {
            releaseLease(this.db, this.name, current.holder);
            return electOrRenew(this.db, this.name, this.holder, this.ttlMs);
          });
        }
      }
      const mine = !!row;
      if (!row) row = readLease(this.db, this.name);
      this.row = row;
      this.rowAt = before; // age from before the statement: errs on the short side
      this.setLeader(mine);
    } catch (err) {
      // A busy or unreachable database: keep the last row, which ages on the monotonic clock — a leader stops acting
      // when it runs out (isLeader), without flapping its role on one failed attempt.
      this.o.log?.("warn", `lease ${this.name}: election/renewal failed; the last renewal holds until it runs out`, { error: String((err as Error)?.message ?? err) });
      // Once it has run out, say so (metrics, TUI, logs): this process no longer leads until a renewal succeeds.
      if (this.leader && this.remainingMs() === 0) this.setLeader(false);
    }
    return this.view();
  }

  private setLeader(now: boolean): void {
    if (now === this.leader) return;
    const previous = this.row;
    this.leader = now;
    try {
      this.o.onRoleChange?.(this.view(), previous);
    } catch (err) {
      // An observer that fails (its audit write hit a database that is just coming back) changes nothing here.
      this.o.log?.("warn", `lease ${this.name}: role change not fully recorded`, { error: String((err as Error)?.message ?? err) });
    }
  }

  /** Starts the heartbeat (first attempt at once). */
  start(): void {
    this.attempt();
    this.timer = setInterval(() => this.attempt(), this.renewMs);
  }

  /**
   * Milliseconds this process may still act as leader, from the last successful renewal aged on the monotonic
   * clock; 0 when it is not the leader.
   */
  remainingMs(): number {
    if (!this.leader || !this.row) return 0;
    const left = this.row.expiresAt - this.row.dbNow - (performance.now() - this.rowAt);
    return Math.max(0, Math.floor(left));
  }

  isLeader(): boolean {
    return this.remainingMs() > 0;
  }

  epoch(): number {
    return this.row?.epoch ?? 0;
  }

  view(): LeaseView {
    const r = this.row;
    const live = r && r.expiresAt - r.dbNow - (performance.now() - this.rowAt) > 0;
    return {
      role: this.isLeader() ? "LEADER" : "FOLLOWER",
      epoch: r?.epoch ?? 0,
      self: displayHolder(this.holder),
      ...(r && live ? { holder: displayHolder(r.holder), expiresAt: Date.now() + (r.expiresAt - r.dbNow) - (performance.now() - this.rowAt) } : {}),
    };
  }

  /** Clean shutdown: stop renewing and end our lease now so a follower takes over at once. */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    try {
      this.db.tx(() => releaseLease(this.db, this.name, this.holder));
    } catch {
      // the lease then simply runs out
    }
    this.leader = false;
    this.db.close();
  }
}
