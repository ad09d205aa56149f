/**
 * Daily cost series without per-record or per-day garbage. A sync hands the builder ~450k cost records for
 * ~13k units; grouping them into per-resource arrays, a Map per series and `[date, amount]` pairs to sort made
 * several times the records' own size in short-lived objects, and the allocator keeps the pages of such a peak
 * long after the objects are gone. Here records are grouped by resource with a counting sort into typed arrays,
 * and days are summed in dense scratch arrays indexed by the day's rank among the dates in play; the only objects
 * made are the `DailyCost` entries returned.
 *
 * Sums add amounts in the same order as a plain per-record loop (0 + a₁ + a₂ …, records in input order, series in
 * the order given), so every figure is bit-for-bit what summing through a Map gave. The records themselves are
 * summed per resource and day as they arrive (columns.ts); `CostIndex` reads those sums.
 */
import type { CostRecord, DailyCost, IsoDate } from "../types.ts";
import { CostColumns, type CostInput, type DayCell } from "./columns.ts";

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Adds amounts per day into dense scratch arrays and hands them out as an ascending `DailyCost[]`. */
export class DayAccumulator {
  /** Date → its rank among `dates` (ascending). */
  readonly rank = new Map<IsoDate, number>();
  private readonly sum: Float64Array;
  private readonly seen: Uint8Array;
  private lo = Infinity;
  private hi = -1;

  /** `dates`: every date that will be added, ascending, without duplicates. */
  constructor(private readonly dates: readonly IsoDate[]) {
    for (let i = 0; i < dates.length; i++) this.rank.set(dates[i], i);
    this.sum = new Float64Array(dates.length);
    this.seen = new Uint8Array(dates.length);
  }

  /** An accumulator for the distinct dates of `values`. */
  static over(values: Iterable<{ date: IsoDate }>): DayAccumulator {
    const distinct = new Set<IsoDate>();
    for (const v of values) distinct.add(v.date);
    return new DayAccumulator([...distinct].sort(byString));
  }

  addAt(rank: number, amount: number): void {
    this.sum[rank] += amount;
    this.seen[rank] = 1;
    if (rank < this.lo) this.lo = rank;
    if (rank > this.hi) this.hi = rank;
  }

  add(date: IsoDate, amount: number): void {
    const r = this.rank.get(date);
    if (r === undefined) throw new Error(`DayAccumulator: date ${JSON.stringify(date)} was not announced`);
    this.addAt(r, amount);
  }

  addSeries(series: readonly DailyCost[]): void {
    for (let i = 0; i < series.length; i++) this.add(series[i].date, series[i].amount);
  }

  /** The days added so far (ascending, one entry per day that received any amount, zeros included); resets. */
  take(): DailyCost[] {
    if (this.hi < 0) return [];
    let n = 0;
    for (let i = this.lo; i <= this.hi; i++) n += this.seen[i];
    const out: DailyCost[] = new Array(n);
    let k = 0;
    for (let i = this.lo; i <= this.hi; i++) {
      if (this.seen[i] === 0) continue;
      out[k++] = { date: this.dates[i], amount: this.sum[i] };
      this.sum[i] = 0;
      this.seen[i] = 0;
    }
    this.lo = Infinity;
    this.hi = -1;
    return out;
  }
}

/**
 * The costs per resource and day (columns.ts), with a `DayAccumulator` over all their dates for group sums. An array
 * of records is summed into columns first, the same way a stream is, so both inputs give the same figures.
 */
export class CostIndex {
  readonly days: DayAccumulator;
  /** Resource ids in order of their first record. */
  readonly resourceIds: string[];
  private readonly columns: CostColumns;
  private readonly dayOrder: number[];

  constructor(costs: CostInput) {
    this.columns = costs instanceof CostColumns ? costs : CostColumns.of(costs);
    this.resourceIds = this.columns.resourceIds();
    this.dayOrder = this.columns.sortedDays();
    this.days = new DayAccumulator(this.dayOrder.map((d) => this.columns.dateOf(d)));
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

  /** The resource's cost per day, summed over products, ascending (`[]` without records). */
  daily(resourceId: string): DailyCost[] {
    const out: DailyCost[] = [];
    this.columns.forEachDay(resourceId, this.dayOrder, (c) => out.push({ date: c.date, amount: c.amount }));
    return out;
  }
}
