/**
 * Daily cost series without per-record or per-day objects. The records are summed per resource and day as they
 * arrive (columns.ts: 0 + a₁ + a₂ …, in input order, so every figure is bit-for-bit what summing through a Map
 * gave); `CostIndex` reads those sums and hands each resource's history out as a `DaySeries` (day-series.ts).
 */
import type { CostRecord, DaySeries } from "../types.ts";
import { epochDay } from "../forecast/dates.ts";
import { CostColumns, type CostInput, type DayCell } from "./columns.ts";
import { NO_DAYS } from "./day-series.ts";

/**
 * The costs per resource and day (columns.ts). An array of records is summed into columns first, the same way a
 * stream is, so both inputs give the same figures.
 */
export class CostIndex {
  /** Resource ids in order of their first record. */
  readonly resourceIds: string[];
  private readonly columns: CostColumns;
  private readonly dayOrder: number[];
  /** The epoch day of each entry of `dayOrder`. */
  private readonly epochDays: Int32Array;

  constructor(costs: CostInput) {
    this.columns = costs instanceof CostColumns ? costs : CostColumns.of(costs);
    this.resourceIds = this.columns.resourceIds();
    this.dayOrder = this.columns.sortedDays();
    this.epochDays = Int32Array.from(this.dayOrder, (d) => epochDay(this.columns.dateOf(d)));
  }

  has(resourceId: string): boolean {
    return this.columns.count(resourceId) > 0;
  }

  /** Number of records of a resource. */
  count(resourceId: string): number {
    return this.columns.count(resourceId);
  }

  /** The project and region the resource's first record names (for a ghost's budgets, engine/budgets). */
  placeOf(resourceId: string): Pick<CostRecord, "projectId" | "projectName" | "region"> | undefined {
    const p = this.columns.placeOfFirst(resourceId);
    return p ? { projectId: p.projectId, projectName: p.projectName, region: p.region } : undefined;
  }

  /** Calls `fn` with each day the resource has records on, ascending (one reused object: copy what you keep). */
  forEachDay(resourceId: string, fn: (cell: DayCell) => void): void {
    this.columns.forEachDay(resourceId, this.dayOrder, fn);
  }

  /** The resource's cost per day, summed over products, ascending (no days without records). */
  daily(resourceId: string): DaySeries {
    return this.columns.series(resourceId, this.dayOrder, this.epochDays) ?? NO_DAYS;
  }
}
