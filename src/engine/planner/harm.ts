/**
 * How much harm a plan does, so plans can be compared. Lexicographic, most significant first:
 *
 *  1. Importance of what is touched: for each prio value from the most important (lowest number > 0) to the
 *     least important, the number of items at that prio — fewer is better at the first prio where two plans
 *     differ. So a plan never touches a more important resource while less important ones could close the gap,
 *     and among plans at the same level the one with fewer resources wins.
 *  2. Irreversibility: the number of deletes, then of snapshot-deletes — fewer is better (a parked server starts
 *     again, a database deleted after a backup can be restored, a deletion is final).
 *  3. Earliness: Σ over items of (period end − tdate) — smaller is better (later terminations leave owners more
 *     time and keep the service running longer).
 */
import type { PlannedTermination } from "../types.ts";

export interface Harm {
  /** [prio, count] ascending by prio. */
  counts: Array<[number, number]>;
  deletes: number;
  snapshotDeletes: number;
  earliness: number;
}

export function harmOf(items: Pick<PlannedTermination, "prio" | "action" | "tdate">[], periodEnd: number): Harm {
  const byPrio = new Map<number, number>();
  let deletes = 0;
  let snapshotDeletes = 0;
  let earliness = 0;
  for (const i of items) {
    byPrio.set(i.prio, (byPrio.get(i.prio) ?? 0) + 1);
    if (i.action === "delete") deletes++;
    if (i.action === "snapshot-delete") snapshotDeletes++;
    earliness += periodEnd - i.tdate;
  }
  return { counts: [...byPrio.entries()].sort((a, b) => a[0] - b[0]), deletes, snapshotDeletes, earliness };
}

/** < 0 when `a` does less harm than `b`, 0 when equal, > 0 when more. */
export function compareHarm(a: Harm, b: Harm): number {
  const ca = new Map(a.counts);
  const cb = new Map(b.counts);
  const prios = [...new Set([...ca.keys(), ...cb.keys()])].sort((x, y) => x - y);
  for (const p of prios) {
    const d = (ca.get(p) ?? 0) - (cb.get(p) ?? 0);
    if (d !== 0) return d;
  }
  if (a.deletes !== b.deletes) return a.deletes - b.deletes;
  if (a.snapshotDeletes !== b.snapshotDeletes) return a.snapshotDeletes - b.snapshotDeletes;
  return a.earliness - b.earliness;
}
