/**
 * The fence: the executor writes plan items only through `fencedStore`, and every such write is a
 * compare-and-set in one IMMEDIATE transaction — the item's version is the one the executor last read, this
 * process holds the project's lease in the epoch it acts in, and the lease has at least `callBudgetMs` left.
 * Only then is the write (e.g. the journal step "calling", written right before a stop/delete call) committed.
 * Otherwise nothing is written and `StaleLeaderError` (or `ItemChangedError`) is thrown, so the call that would
 * follow is never sent.
 *
 * `callBudgetMs` is longer than the OTC call's own timeout (src/daemon/wire.ts), so a call that passed the fence
 * has finished or failed before the lease can run out and another leader can be elected.
 */
import type { Store, StoredPlanItem } from "../store.ts";
import type { Lease } from "./lease.ts";
import { fenceRow, markExecEpoch } from "./sql.ts";

export class StaleLeaderError extends Error {
  override name = "StaleLeaderError";
}

export class ItemChangedError extends Error {
  override name = "ItemChangedError";
}

export function fencedStore(store: Store, lease: Lease, callBudgetMs: number): Store {
  /** The version of each item as the executor last read it. */
  const seen = new Map<string, number>();
  const remember = (item: StoredPlanItem | undefined) => {
    if (item?.version !== undefined) seen.set(item.id, item.version);
    return item;
  };
  const check = (id: string) => {
    const row = fenceRow(store.db, id, lease.name);
    if (!row) throw new ItemChangedError(`plan item ${id} no longer exists`);
    const epoch = lease.epoch();
    if (row.holder !== lease.holder || row.epoch !== epoch || row.remainingMs === null || row.remainingMs < callBudgetMs || !lease.isLeader()) {
      throw new StaleLeaderError(
        `not the leader of ${lease.name} in epoch ${epoch} with ${callBudgetMs} ms to spare (lease: epoch ${row.epoch ?? "-"}, ${row.remainingMs ?? 0} ms left): writing nothing`,
      );
    }
    const expected = seen.get(id);
    if (expected !== undefined && row.version !== expected) {
      throw new ItemChangedError(`plan item ${id} changed since it was read (version ${expected} → ${row.version}): writing nothing`);
    }
    markExecEpoch(store.db, id, epoch);
    return row.version;
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "getItem") return (id: string) => remember(target.getItem(id));
      if (prop === "listItems") return (filter?: Parameters<Store["listItems"]>[0]) => target.listItems(filter).map((i) => remember(i)!);
      if (prop === "updateItem") {
        return (id: string, patch: Parameters<Store["updateItem"]>[1], at: number) =>
          target.tx(() => {
            const version = check(id);
            target.updateItem(id, patch, at);
            seen.set(id, version + 1);
          });
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
