/**
 * What each budget still lacks after commitments and new items, for the closed loop's last step (an open item
 * acting sooner, closed-loop/index.ts step 5): an item is moved earlier for the largest lack among the budgets it
 * is in, and what it gains counts in every one of them. Budgets whose baseline alone exceeds the target are not
 * chased (reported, not planned).
 */
import type { ScopeFigures } from "./figures.ts";

export interface ScopedNeeds {
  /** Any budget still lacking. */
  any(): boolean;
  /** The largest lack among these budgets (0 when none lacks). */
  of(budgets: string[]): number;
  /** An item in these budgets gained this much. */
  apply(budgets: string[], gain: number): void;
}

export function scopedNeeds(figures: ScopeFigures[], committed: Map<string, number>, planned: Map<string, number>, eps: number): ScopedNeeds {
  const lack = new Map<string, number>();
  for (const f of figures) {
    if (f.baselineExceedsBudget) continue;
    const l = f.gap - (committed.get(f.name) ?? 0) - (planned.get(f.name) ?? 0);
    if (l > eps) lack.set(f.name, l);
  }
  return {
    any: () => [...lack.values()].some((l) => l > eps),
    of: (budgets) => Math.max(0, ...budgets.map((b) => lack.get(b) ?? 0)),
    apply(budgets, gain) {
      for (const b of budgets) if (lack.has(b)) lack.set(b, lack.get(b)! - gain);
    },
  };
}
