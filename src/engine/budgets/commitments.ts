/**
 * Open items as commitments per budget (issue #18). An open item's projected saving counts for every budget it
 * is in (`all` and each named budget its resources are in), so one item can cover the gaps of the contract, a
 * project and a team at once. It is cancelled only when no budget it is in needs it:
 *
 * - none of its budgets is over (gap ≤ 0.005): "no budget it serves is at risk any more";
 * - surplus: every over budget it is in stays covered without it with the closed loop's 2 % margin (the same
 *   hysteresis as the single budget, see closed-loop/index.ts), spared in the same order: PENDING before
 *   APPROVED, least important resources first, smallest saving first.
 * With only `all` this is exactly the single-budget rule.
 */
export interface ScopedCommitment {
  d: { saving: number; outcome: string; reason?: string };
  /** PENDING or APPROVED (EXECUTING items are never cancelled). */
  cancellable: boolean;
  /** 0 = PENDING, 1 = APPROVED. */
  rank: number;
  prio: number;
  budgets: string[];
}

export function cancelScopedSurplus(keepers: ScopedCommitment[], gaps: Map<string, number>, eps: number, margin: number): void {
  const over = (name: string) => (gaps.get(name) ?? 0) > eps;
  for (const k of keepers) {
    if (!k.cancellable || k.budgets.some(over)) continue;
    k.d.outcome = "CANCELLED";
    k.d.reason = k.budgets.length > 1 ? `no budget it serves is at risk any more (${k.budgets.join(", ")})` : "budget no longer at risk";
    k.d.saving = 0;
  }
  const committed = new Map<string, number>();
  for (const k of keepers) {
    if (k.d.outcome !== "keep") continue;
    for (const b of k.budgets) committed.set(b, (committed.get(b) ?? 0) + k.d.saving);
  }
  const order = keepers.filter((k) => k.d.outcome === "keep" && k.cancellable && k.d.saving > 0).sort((a, b) => a.rank - b.rank || a.prio - b.prio || a.d.saving - b.d.saving);
  for (const k of order) {
    const spare = k.budgets.filter(over).every((b) => (committed.get(b) ?? 0) - k.d.saving >= gaps.get(b)! * (1 + margin));
    if (!spare) continue;
    for (const b of k.budgets) committed.set(b, (committed.get(b) ?? 0) - k.d.saving);
    k.d.outcome = "CANCELLED";
    k.d.reason = "no longer needed: the other planned items cover the gap of every budget it serves";
    k.d.saving = 0;
  }
}

/** Σ saving of the kept items per budget. */
export function committedPerBudget(keepers: ScopedCommitment[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keepers) {
    if (k.d.outcome !== "keep") continue;
    for (const b of k.budgets) out.set(b, (out.get(b) ?? 0) + k.d.saving);
  }
  return out;
}
