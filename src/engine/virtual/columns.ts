/**
 * Cost records kept as columns (issue #18, 10 M records per sync): the dashboard's records are appended here as
 * they stream, so no record object outlives its NDJSON line. A row costs ~19 bytes (resource, day, product and
 * project as indexes into string tables, the amount as a float) instead of ~90 for an object with eight fields —
 * 10 M records in ~200 MB instead of ~920 MB. `CostIndex` (daily.ts) sums them per resource and day.
 *
 * Also the one place that lets the engine treat both shapes alike: `CostInput` is an array of records (tests,
 * replay, small projects) or a `CostColumns`; `costRows` reads either by row.
 */
import type { CostRecord, IsoDate } from "../types.ts";

/** Row-wise read access to cost records, whatever their storage. */
export interface CostRows {
  readonly length: number;
  resourceIdAt(i: number): string;
  dateAt(i: number): IsoDate;
  productAt(i: number): string;
  amountAt(i: number): number;
}

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
}

function grow<T extends Uint32Array | Uint16Array | Uint8Array | Float64Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2, 1024));
  b.set(a);
  return b;
}

export class CostColumns implements CostRows, Iterable<CostRecord> {
  /** `push` copies the record's fields: a stream may hand over one reused object (providers/dashboard/scan.ts). */
  readonly copiesRecords = true;
  private n = 0;
  private res = new Uint32Array(0);
  private day = new Uint16Array(0);
  private prod = new Uint16Array(0);
  /** Index into `projects` (projectId, projectName, region, consumptionType as one tuple). */
  private meta = new Uint16Array(0);
  private amount = new Float64Array(0);
  private readonly resources = new Strings();
  private readonly dates = new Strings();
  private readonly products = new Strings();
  private readonly metas = new Strings();
  private readonly metaOf: Array<Pick<CostRecord, "projectId" | "projectName" | "region" | "consumptionType">> = [];
  private lastDate?: string;
  private lastResource?: string;
  private lastResourceId = 0;
  private lastDay = 0;
  private lastMeta?: Pick<CostRecord, "projectId" | "projectName" | "region" | "consumptionType">;
  private lastMetaId = 0;

  get length(): number {
    return this.n;
  }

  /**
   * Drops rows from `n` on (a dashboard stream cut off mid-way is read again from its start, so its rows go). Only
   * shrinking is allowed: the columns are never padded with empty rows.
   */
  set length(n: number) {
    if (n > this.n || n < 0 || !Number.isInteger(n)) throw new RangeError(`CostColumns: cannot set length ${n} (have ${this.n})`);
    this.n = n;
  }

  push(r: CostRecord): number {
    const i = this.n;
    if (i >= this.res.length) {
      this.res = grow(this.res, i + 1);
      this.day = grow(this.day, i + 1);
      this.prod = grow(this.prod, i + 1);
      this.meta = grow(this.meta, i + 1);
      this.amount = grow(this.amount, i + 1);
    }
    // A resource's records come in runs (one per product): the same string (the scanner reuses it) skips the lookup.
    if (r.resourceId !== this.lastResource) {
      this.lastResource = r.resourceId;
      this.lastResourceId = this.resources.id(r.resourceId);
    }
    this.res[i] = this.lastResourceId;
    // Records come in runs of one day and one project: the last lookups are reused (the client interns strings,
    // so identity is the cheap test), which keeps the stream's per-record work to one map lookup.
    if (r.date !== this.lastDate) {
      this.lastDate = r.date;
      this.lastDay = this.checked(this.dates.id(r.date), "days");
    }
    this.day[i] = this.lastDay;
    this.prod[i] = this.checked(this.products.id(r.product), "products");
    const lm = this.lastMeta;
    let m: number;
    if (lm && lm.projectId === r.projectId && lm.projectName === r.projectName && lm.region === r.region && lm.consumptionType === r.consumptionType) {
      m = this.lastMetaId;
    } else {
      const key = `${r.projectId ?? ""}\u0000${r.projectName ?? ""}\u0000${r.region ?? ""}\u0000${r.consumptionType ?? ""}`;
      m = this.checked(this.metas.id(key), "project/region/type combinations");
      this.lastMeta = { projectId: r.projectId, projectName: r.projectName, region: r.region, consumptionType: r.consumptionType };
      this.lastMetaId = m;
    }
    if (m === this.metaOf.length) {
      this.metaOf.push({
        ...(r.projectId !== undefined ? { projectId: r.projectId } : {}),
        ...(r.projectName !== undefined ? { projectName: r.projectName } : {}),
        ...(r.region !== undefined ? { region: r.region } : {}),
        ...(r.consumptionType !== undefined ? { consumptionType: r.consumptionType } : {}),
      });
    }
    this.meta[i] = m;
    this.amount[i] = r.amount;
    return (this.n = i + 1);
  }

  private checked(id: number, what: string): number {
    if (id > 0xffff) throw new RangeError(`CostColumns: more than 65,536 distinct ${what}`);
    return id;
  }

  resourceIdAt(i: number): string {
    return this.resources.list[this.res[i]!]!;
  }
  dateAt(i: number): IsoDate {
    return this.dates.list[this.day[i]!]!;
  }
  productAt(i: number): string {
    return this.products.list[this.prod[i]!]!;
  }
  amountAt(i: number): number {
    return this.amount[i]!;
  }

  /** Row `i` as a record (a new object: for the few callers that need one, never for all rows at once). */
  record(i: number): CostRecord {
    return { date: this.dateAt(i), resourceId: this.resourceIdAt(i), product: this.productAt(i), amount: this.amount[i]!, ...this.metaOf[this.meta[i]!] };
  }

  /** The distinct dates of the rows (cheap: from the string table, not the rows). */
  distinctDates(): IsoDate[] {
    const used = new Uint8Array(this.dates.list.length);
    for (let i = 0; i < this.n; i++) used[this.day[i]!] = 1;
    return this.dates.list.filter((_, k) => used[k] === 1);
  }

  *[Symbol.iterator](): Iterator<CostRecord> {
    for (let i = 0; i < this.n; i++) yield this.record(i);
  }

  /** Bytes held by the columns (for benchmarks and logs). */
  get bytes(): number {
    return this.res.byteLength + this.day.byteLength + this.prod.byteLength + this.meta.byteLength + this.amount.byteLength;
  }
}

/** What a sync hands the engine: records as objects, or as columns. */
export type CostInput = readonly CostRecord[] | CostColumns;

class ArrayRows implements CostRows {
  constructor(private readonly records: readonly CostRecord[]) {}
  get length(): number {
    return this.records.length;
  }
  resourceIdAt(i: number): string {
    return this.records[i]!.resourceId;
  }
  dateAt(i: number): IsoDate {
    return this.records[i]!.date;
  }
  productAt(i: number): string {
    return this.records[i]!.product;
  }
  amountAt(i: number): number {
    return this.records[i]!.amount;
  }
}

export function costRows(costs: CostInput): CostRows {
  return costs instanceof CostColumns ? costs : new ArrayRows(costs);
}

/** The distinct dates of the costs, in no particular order. */
export function costDates(costs: CostInput): Set<IsoDate> {
  if (costs instanceof CostColumns) return new Set(costs.distinctDates());
  const out = new Set<IsoDate>();
  for (const c of costs) out.add(c.date);
  return out;
}
