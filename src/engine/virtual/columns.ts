/**
 * Cost records summed per resource and day as they stream (issue #18: 10 M records per sync, never all held).
 *
 * What the evaluation reads of the records is, per resource and day: the amount (the daily series), the part of it
 * that is storage (the share a stop ends), how many records there were, and the smallest product name (a ghost's
 * name); per resource, the project of its first record. So each record is added into its (resource, day) cell at
 * once and then dropped: a cell is ~22 bytes in per-day typed arrays indexed by resource, and a resource billed
 * every day by three products costs a third of what one row per record did. No object is made per record.
 *
 * Sums: a cell adds its records in arrival order starting from 0 (0 + a₁ + a₂ …), exactly what summing the records
 * of that resource and day in input order gives. A dashboard stream is added into separate cells first and folded
 * in when it completed (`begin`/`commit`): a stream cut off is dropped whole (`length = before`) and asked again.
 *
 * `CostInput` is what a sync hands the engine: an array of records (tests, replay, small projects) or these
 * columns; `CostIndex` (daily.ts) reads either.
 */
import type { CostRecord, DaySeries, IsoDate } from "../types.ts";
import { isStorageProduct } from "./tags.ts";

type Place = Pick<CostRecord, "projectId" | "projectName" | "region">;

class Strings {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(s, i);
      this.list.push(s);
    }
    return i;
  }
  get(s: string): number | undefined {
    return this.index.get(s);
  }
}

function grown<T extends Uint32Array | Uint16Array | Float64Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2, 64));
  b.set(a);
  return b;
}

/** The cells of one day, indexed by resource. */
class DayCells {
  total = new Float64Array(0);
  storage = new Float64Array(0);
  count = new Uint32Array(0);
  /** Product index of the smallest product name among the cell's records. */
  minProduct = new Uint16Array(0);

  ensure(resource: number): void {
    if (resource < this.total.length) return;
    this.total = grown(this.total, resource + 1);
    this.storage = grown(this.storage, resource + 1);
    this.count = grown(this.count, resource + 1);
    this.minProduct = grown(this.minProduct, resource + 1);
  }

  get bytes(): number {
    return this.total.byteLength + this.storage.byteLength + this.count.byteLength + this.minProduct.byteLength;
  }
}

/** What `CostColumns.forEachDay` hands out per day with records (ascending dates). */
export interface DayCell {
  date: IsoDate;
  amount: number;
  storage: number;
  records: number;
  /** The smallest product name among the day's records. */
  product: string;
}

export class CostColumns {
  /** `push` copies the record's fields: a stream may hand over one reused object (providers/dashboard/scan.ts). */
  readonly copiesRecords = true;
  private committed = 0;
  private pendingRecords = 0;
  private readonly resources = new Strings();
  private readonly dates = new Strings();
  private readonly products = new Strings();
  private readonly places = new Strings();
  private readonly placeOf: Place[] = [];
  private productIsStorage = new Uint16Array(0);
  /** Per resource: the place of its first committed record (+1; 0 = no record yet). */
  private firstPlace = new Uint16Array(0);
  private days: Array<DayCells | undefined> = [];
  /** An open stream's cells (`begin`), folded in by `commit`; undefined outside a stream. */
  private pending?: Array<DayCells | undefined>;
  private pendingFirstPlace = new Map<number, number>();
  private lastResource?: string;
  private lastResourceId = 0;
  private lastDate?: string;
  private lastDay = 0;
  private lastPlace?: Place;
  private lastPlaceId = 0;
  private readonly recentProducts: Array<string | undefined> = new Array(8).fill(undefined);
  private readonly recentProductIds = new Uint16Array(8);
  private recentNext = 0;

  /** Records added (an open stream's included). */
  get length(): number {
    return this.committed + this.pendingRecords;
  }

  /**
   * Drops the open stream's records (a dashboard stream cut off mid-way is read again from its start). Only back to
   * where that stream began: records already folded in cannot be taken out of their sums.
   */
  set length(n: number) {
    if (n === this.length) return;
    if (n !== this.committed || this.pending === undefined) {
      throw new RangeError(`CostColumns: cannot set length ${n} (have ${this.length}; only an open stream's records can be dropped)`);
    }
    this.pending = [];
    this.pendingRecords = 0;
    this.pendingFirstPlace.clear();
  }

  /** Starts a stream: its records stay apart until `commit`, so that `length = before` can drop them. */
  begin(): void {
    this.commit();
    this.pending = [];
  }

  /** Folds the open stream's records in (also done before any read). */
  commit(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    for (let d = 0; d < pending.length; d++) {
      const p = pending[d];
      if (p === undefined) continue;
      const main = this.days[d];
      if (main === undefined) {
        this.days[d] = p; // the usual case: a month's days come in one stream
        continue;
      }
      main.ensure(p.total.length - 1);
      for (let r = 0; r < p.total.length; r++) {
        const n = p.count[r]!;
        if (n === 0) continue;
        this.mergeProduct(main, r, p.minProduct[r]!, main.count[r]! > 0);
        main.total[r] += p.total[r]!;
        main.storage[r] += p.storage[r]!;
        main.count[r] += n;
      }
    }
    for (const [r, place] of this.pendingFirstPlace) if (this.firstPlace[r] === 0) this.firstPlace[r] = place;
    this.pendingFirstPlace.clear();
    this.committed += this.pendingRecords;
    this.pendingRecords = 0;
  }

  push(r: CostRecord): number {
    if (r.resourceId !== this.lastResource) {
      this.lastResource = r.resourceId;
      this.lastResourceId = this.resources.id(r.resourceId);
    }
    const res = this.lastResourceId;
    if (r.date !== this.lastDate) {
      this.lastDate = r.date;
      this.lastDay = this.dates.id(r.date);
    }
    const product = this.productId(r.product);
    const lp = this.lastPlace;
    let place: number;
    if (lp && lp.projectId === r.projectId && lp.projectName === r.projectName && lp.region === r.region) {
      place = this.lastPlaceId;
    } else {
      const key = `${r.projectId ?? "\u0001"}\u0000${r.projectName ?? "\u0001"}\u0000${r.region ?? "\u0001"}`;
      place = this.small(this.places.id(key), "project/region combinations");
      if (place === this.placeOf.length) {
        this.placeOf.push({
          ...(r.projectId !== undefined ? { projectId: r.projectId } : {}),
          ...(r.projectName !== undefined ? { projectName: r.projectName } : {}),
          ...(r.region !== undefined ? { region: r.region } : {}),
        });
      }
      this.lastPlace = { projectId: r.projectId, projectName: r.projectName, region: r.region };
      this.lastPlaceId = place;
    }
    const days = this.pending ?? this.days;
    let cells = days[this.lastDay];
    if (cells === undefined) days[this.lastDay] = cells = new DayCells();
    cells.ensure(res);
    this.mergeProduct(cells, res, product, cells.count[res]! > 0);
    cells.total[res] += r.amount;
    if (this.productIsStorage[product] === 1) cells.storage[res] += r.amount;
    cells.count[res]++;
    if (res >= this.firstPlace.length) {
      this.firstPlace = grown(this.firstPlace, res + 1);
    }
    if (this.pending === undefined) {
      if (this.firstPlace[res] === 0) this.firstPlace[res] = place + 1;
      this.committed++;
    } else {
      if (this.firstPlace[res] === 0 && !this.pendingFirstPlace.has(res)) this.pendingFirstPlace.set(res, place + 1);
      this.pendingRecords++;
    }
    return this.length;
  }

  private mergeProduct(cells: DayCells, res: number, product: number, has: boolean): void {
    if (!has) cells.minProduct[res] = product;
    else if (product !== cells.minProduct[res] && this.products.list[product]! < this.products.list[cells.minProduct[res]!]!) cells.minProduct[res] = product;
  }

  /** A few products by identity: a server's records alternate between its products, each one string (scan.ts). */
  private productId(product: string): number {
    const recent = this.recentProducts;
    for (let k = 0; k < 8; k++) if (recent[k] === product) return this.recentProductIds[k]!;
    const id = this.small(this.products.id(product), "products");
    if (id >= this.productIsStorage.length) this.productIsStorage = grown(this.productIsStorage, id + 1);
    this.productIsStorage[id] = isStorageProduct(product) ? 1 : 0;
    const k = this.recentNext;
    recent[k] = product;
    this.recentProductIds[k] = id;
    this.recentNext = (k + 1) & 7;
    return id;
  }

  private small(id: number, what: string): number {
    if (id > 0xfffe) throw new RangeError(`CostColumns: more than 65,535 distinct ${what}`);
    return id;
  }

  /** Resource ids with records, in order of their first record. */
  resourceIds(): string[] {
    this.commit();
    const out: string[] = [];
    for (let r = 0; r < this.resources.list.length; r++) if (this.firstPlace[r] !== 0) out.push(this.resources.list[r]!);
    return out;
  }

  /** Records of a resource. */
  count(resourceId: string): number {
    this.commit();
    const r = this.resources.get(resourceId);
    if (r === undefined) return 0;
    let n = 0;
    for (const cells of this.days) if (cells !== undefined && r < cells.count.length) n += cells.count[r]!;
    return n;
  }

  /** The project and region the resource's first record names. */
  placeOfFirst(resourceId: string): Place | undefined {
    this.commit();
    const r = this.resources.get(resourceId);
    const p = r === undefined ? 0 : this.firstPlace[r]!;
    return p === 0 ? undefined : this.placeOf[p - 1];
  }

  /** The dates that have records, ascending. */
  distinctDates(): IsoDate[] {
    this.commit();
    return this.dates.list.filter((_, d) => this.days[d] !== undefined && this.days[d]!.count.some((n) => n > 0)).sort();
  }

  /**
   * Calls `fn` for each day the resource has records on, ascending by date. `dayOrder`: the day indexes sorted by
   * date (from `sortedDays()`, computed once by the caller).
   */
  forEachDay(resourceId: string, dayOrder: readonly number[], fn: (cell: DayCell) => void): void {
    this.commit();
    const r = this.resources.get(resourceId);
    if (r === undefined) return;
    const cell: DayCell = { date: "", amount: 0, storage: 0, records: 0, product: "" };
    for (const d of dayOrder) {
      const cells = this.days[d];
      if (cells === undefined || r >= cells.count.length || cells.count[r] === 0) continue;
      cell.date = this.dates.list[d]!;
      cell.amount = cells.total[r]!;
      cell.storage = cells.storage[r]!;
      cell.records = cells.count[r]!;
      cell.product = this.products.list[cells.minProduct[r]!]!;
      fn(cell);
    }
  }

  /**
   * The resource's days with records as a `DaySeries` (ascending; `epochDays[i]` is the epoch day of
   * `dayOrder[i]`), or undefined without records.
   */
  series(resourceId: string, dayOrder: readonly number[], epochDays: Int32Array): DaySeries | undefined {
    this.commit();
    const r = this.resources.get(resourceId);
    if (r === undefined) return undefined;
    let n = 0;
    for (const d of dayOrder) {
      const cells = this.days[d];
      if (cells !== undefined && r < cells.count.length && cells.count[r] !== 0) n++;
    }
    if (n === 0) return undefined;
    const days = new Int32Array(n);
    const amounts = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < dayOrder.length; i++) {
      const cells = this.days[dayOrder[i]!];
      if (cells === undefined || r >= cells.count.length || cells.count[r] === 0) continue;
      days[k] = epochDays[i]!;
      amounts[k++] = cells.total[r]!;
    }
    return { days, amounts };
  }

  /** Day indexes with records, sorted by date (for `forEachDay`). */
  sortedDays(): number[] {
    this.commit();
    const order: number[] = [];
    for (let d = 0; d < this.days.length; d++) if (this.days[d] !== undefined) order.push(d);
    const dates = this.dates.list;
    return order.sort((a, b) => (dates[a]! < dates[b]! ? -1 : dates[a]! > dates[b]! ? 1 : 0));
  }

  /** The date of a day index. */
  dateOf(day: number): IsoDate {
    return this.dates.list[day]!;
  }

  /** Bytes held by the cells (for benchmarks and tests). */
  get bytes(): number {
    let n = this.firstPlace.byteLength;
    for (const c of this.days) if (c) n += c.bytes;
    return n;
  }

  /** Sums `records` into new columns (the path of arrays: tests, replay, v1). */
  static of(records: readonly CostRecord[]): CostColumns {
    const c = new CostColumns();
    for (let i = 0; i < records.length; i++) c.push(records[i]!);
    return c;
  }
}

/** What a sync hands the engine: records as objects, or summed as columns. */
export type CostInput = readonly CostRecord[] | CostColumns;

/** The distinct dates of the costs, in no particular order. */
export function costDates(costs: CostInput): Set<IsoDate> {
  if (costs instanceof CostColumns) return new Set(costs.distinctDates());
  const out = new Set<IsoDate>();
  for (const c of costs) out.add(c.date);
  return out;
}
