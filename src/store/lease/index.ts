/**
 * Exactly one engine acts for a project: the lease (lease.ts, SQL in sql.ts, the same on SQLite and PostgreSQL) elects a leader per project on
 * the database's clock, and the fence (fence.ts) makes every executor write — the journal entry right before a
 * stop/delete call above all — a compare-and-set on the item's version and the leader's epoch.
 *
 * The engine sees only `ActingGate` (one injected interface): followers sync, show, export and take
 * approve/veto/postpone into the shared store, but never plan, notify or execute. ARCHITECTURE.md states the
 * guarantee.
 */
import type { LeaseView } from "../../engine/types.ts";
import type { Store } from "../store.ts";
import { fencedStore } from "./fence.ts";
import { Lease, type LeaseOptions } from "./lease.ts";

export { Lease, leaseName, leaseMsFromEnv, displayHolder, DEFAULT_LEASE_MS } from "./lease.ts";
export { fencedStore, ItemChangedError, StaleLeaderError } from "./fence.ts";

/** What the engine asks before it plans, notifies or executes (src/engine/engine.ts, `EngineDeps.gate`). */
export interface ActingGate {
  /** True while this process holds the project's lease with time to spare. */
  mayAct(): boolean;
  /** The store the executor writes through: every item write is fenced (version + epoch, one transaction). */
  executorStore(store: Store): Store;
  /** For snapshots, the TUI header, `ot3c status` and the metrics. */
  view(): LeaseView;
}

export interface ProjectLease extends ActingGate {
  readonly lease: Lease;
  start(): void;
  release(): void;
}

/**
 * The project's lease in `store`'s database. `callBudgetMs`: the longest a stop/delete request may take (its
 * timeout plus a margin); the fence requires that much lease left, and it must be well below the lease time.
 */
export function projectLease(store: Store, o: LeaseOptions & { callBudgetMs: number }): ProjectLease {
  const lease = new Lease(store.target, o);
  if (o.callBudgetMs >= lease.ttlMs - lease.renewMs) {
    throw new Error(`lease time ${lease.ttlMs} ms is too short for calls of up to ${o.callBudgetMs} ms (needs > ${o.callBudgetMs + lease.renewMs} ms)`);
  }
  return {
    lease,
    mayAct: () => lease.isLeader(),
    executorStore: (s) => fencedStore(s, lease, o.callBudgetMs),
    view: () => lease.view(),
    start: () => lease.start(),
    release: () => lease.release(),
  };
}

