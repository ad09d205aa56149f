/**
 * Daily cost series without per-record or per-day garbage. A sync hands the builder ~450k cost records for
 * ~13k units; grouping them into per-resource arrays, a Map per series and `[date, amount]` pairs to sort made
 * several times the records' own size in short-lived objects, and the allocator keeps the pages of such a peak
 * long after the objects are gone. Here records are grouped by resource with a counting sort into typed arrays,
 * and days are summed in dense scratch arrays indexed by the day's rank among the dates in play; the only objects
 * made are the `DailyCost` entries returned.
 *
 * Sums add amounts in the same order as a plain per-record loop (0 + a₁ + a₂ …, records in input order, series in
 * the order given), so every figure is bit-for-bit what summing through a Map gave.
 */
import type { CostRecord, DailyCost, IsoDate } from "../types.ts";
import { CostColumns, costRows, type CostInput, type CostRows } from "./columns.ts";

/** What `CostIndex.forEach` hands out: valid during the call only (columns reuse one cursor object). */
export interface CostRowView {
  readonly date: IsoDate;
  readonly product: string;
  readonly amount: number;
}

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
 * The cost records grouped by resource id (input order kept inside each resource), as index arrays into the
 * records, plus each record's day rank for a `DayAccumulator` over all their dates.
 */
export class CostIndex {
  readonly days: DayAccumulator;
  /** Resource ids in order of their first record. */
  readonly resourceIds: string[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Record indices grouped by resource: those of resource slot s are `order[start[s]] … order[start[s+1]-1]`. */
  private readonly order: Int32Array;
  private readonly start: Int32Array;
  private readonly dayRank: Int32Array;

  private readonly rows: CostRows;
  private readonly records?: readonly CostRowView[];

  constructor(costs: CostInput) {
    const records = costRows(costs);
    this.rows = records;
    if (!(costs instanceof CostColumns)) this.records = costs;
    const n = records.length;
    const slot = new Int32Array(n);
    const firstSeenDay = new Map<IsoDate, number>();
    const daySeen = new Int32Array(n);
    const counts: number[] = [];
    for (let i = 0; i < n; i++) {
      const rid = records.resourceIdAt(i);
      let s = this.slotOf.get(rid);
      if (s === undefined) {
        s = this.resourceIds.length;
        this.slotOf.set(rid, s);
        this.resourceIds.push(rid);
        counts.push(0);
      }
      slot[i] = s;
      counts[s]++;
      const date = records.dateAt(i);
      let d = firstSeenDay.get(date);
      if (d === undefined) {
        d = firstSeenDay.size;
        firstSeenDay.set(date, d);
      }
      daySeen[i] = d;
    }
    // Day ranks: first-seen number → position among the distinct dates sorted.
    const dates = [...firstSeenDay.keys()].sort(byString);
    this.days = new DayAccumulator(dates);
    const rankOfSeen = new Int32Array(firstSeenDay.size);
    for (const [date, seen] of firstSeenDay) rankOfSeen[seen] = this.days.rank.get(date)!;
    this.dayRank = daySeen;
    for (let i = 0; i < n; i++) this.dayRank[i] = rankOfSeen[daySeen[i]];
    // Counting sort by resource slot (stable: records keep their input order within a resource).
    this.start = new Int32Array(counts.length + 1);
    for (let s = 0; s < counts.length; s++) this.start[s + 1] = this.start[s] + counts[s];
    const next = this.start.slice(0, counts.length);
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[next[slot[i]]++] = i;
  }

  has(resourceId: string): boolean {
    return this.slotOf.has(resourceId);
  }

  /** Number of records of a resource. */
  count(resourceId: string): number {
    const s = this.slotOf.get(resourceId);
    return s === undefined ? 0 : this.start[s + 1] - this.start[s];
  }

  /** The project and region the resource's first record names (for a ghost's budgets, engine/budgets). */
  placeOf(resourceId: string): Pick<CostRecord, "projectId" | "projectName" | "region"> | undefined {
    const s = this.slotOf.get(resourceId);
    if (s === undefined || this.start[s] === this.start[s + 1]) return undefined;
    const i = this.order[this.start[s]];
    const r = this.records ? (this.records[i] as Partial<CostRecord>) : (this.rows as Partial<{ record(i: number): CostRecord }>).record?.(i);
    return r ? { projectId: r.projectId, projectName: r.projectName, region: r.region } : undefined;
  }

  /**
   * Calls `fn` with each record of the resource, in input order. With columns the view is one reused object:
   * copy what you keep.
   */
  forEach(resourceId: string, fn: (record: CostRowView) => void): void {
    const s = this.slotOf.get(resourceId);
    if (s === undefined) return;
    if (this.records) {
      for (let j = this.start[s]; j < this.start[s + 1]; j++) fn(this.records[this.order[j]]);
      return;
    }
    const rows = this.rows;
    const view = { date: "", product: "", amount: 0 };
    for (let j = this.start[s]; j < this.start[s + 1]; j++) {
      const i = this.order[j];
      view.date = rows.dateAt(i);
      view.product = rows.productAt(i);
      view.amount = rows.amountAt(i);
      fn(view);
    }
  }

  /** The resource's cost per day, summed over products, ascending (`[]` without records). */
  daily(resourceId: string): DailyCost[] {
    const s = this.slotOf.get(resourceId);
    if (s === undefined) return [];
    const acc = this.days;
    for (let j = this.start[s]; j < this.start[s + 1]; j++) {
      const i = this.order[j];
      acc.addAt(this.dayRank[i], this.rows.amountAt(i));
    }
    return acc.take();
  }
}
