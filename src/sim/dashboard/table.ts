/**
 * The simulated dashboard's cost records kept as columns (issue #18, 10 M records for the scale benchmark).
 *
 * As objects, 10 M records are 3–4 GB that the simulator's collector marks on every full collection while it
 * serves — the simulator, not the client, was then most of a benchmark's wall time, and a machine with less memory
 * could not run it at all. Here a record is ~31 bytes of typed arrays plus shared string tables, and `at(i)` builds
 * the record object only while its line is written (garbage of the young generation).
 *
 * `CostSource` is what the dashboard routes read: a plain array of records (worlds of tests, billing that appends)
 * or a `CostTable`.
 */
import type { SimCostRecord } from "../world.ts";

/** Records ascending by date, read by index. */
export interface CostSource {
  readonly length: number;
  dateAt(i: number): string;
  at(i: number): SimCostRecord;
}

export function arraySource(costs: SimCostRecord[]): CostSource {
  return { get length() { return costs.length; }, dateAt: (i) => costs[i]!.date, at: (i) => costs[i]! };
}

class Table<T> {
  readonly list: T[] = [];
  private readonly index = new Map<T | string, number>();
  id(v: T, key: T | string = v): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(key, i);
      this.list.push(v);
    }
    return i;
  }
}

type Product = Pick<SimCostRecord, "product" | "productDescription" | "quantityType" | "consumptionType">;
type Place = Pick<SimCostRecord, "projectId" | "projectName" | "region">;

export class CostTable implements CostSource {
  private n = 0;
  private res: Uint32Array;
  private day: Uint16Array;
  private prod: Uint16Array;
  private place: Uint16Array;
  private tag: Uint32Array;
  private amount: Float64Array;
  private quantity: Float64Array;
  private readonly resources = new Table<string>();
  private readonly dates = new Table<string>();
  private readonly products = new Table<Product>();
  private readonly places = new Table<Place>();
  /** Tags objects by identity: the generator shares one object per resource (and biller). */
  private readonly tags = new Table<Record<string, string>>();

  constructor(capacity = 1024) {
    this.res = new Uint32Array(capacity);
    this.day = new Uint16Array(capacity);
    this.prod = new Uint16Array(capacity);
    this.place = new Uint16Array(capacity);
    this.tag = new Uint32Array(capacity);
    this.amount = new Float64Array(capacity);
    this.quantity = new Float64Array(capacity);
  }

  static from(records: Iterable<SimCostRecord>, capacity?: number): CostTable {
    const t = new CostTable(capacity);
    for (const r of records) t.push(r);
    return t;
  }

  /**
   * One table of several, ascending by date: merged day by day, within a day in the order given, then each table's
   * own order (what `fleetCosts` does with arrays, so row indexes — and the aggregation ids made from them — agree).
   */
  static mergeByDate(tables: readonly CostTable[]): CostTable {
    const out = new CostTable(tables.reduce((s, t) => s + t.length, 0) || 1);
    const at = tables.map(() => 0);
    for (;;) {
      let day: string | undefined;
      for (let p = 0; p < tables.length; p++) {
        if (at[p]! < tables[p]!.length) {
          const d = tables[p]!.dateAt(at[p]!);
          if (day === undefined || d < day) day = d;
        }
      }
      if (day === undefined) return out;
      for (let p = 0; p < tables.length; p++) {
        const t = tables[p]!;
        let i = at[p]!;
        while (i < t.length && t.dateAt(i) === day) out.push(t.at(i++));
        at[p] = i;
      }
    }
  }

  get length(): number {
    return this.n;
  }

  push(r: SimCostRecord): void {
    const i = this.n;
    if (i === this.res.length) this.grow();
    this.res[i] = this.resources.id(r.resourceId);
    this.day[i] = this.small(this.dates.id(r.date), "dates");
    const p: Product = { product: r.product, productDescription: r.productDescription, quantityType: r.quantityType, consumptionType: r.consumptionType };
    this.prod[i] = this.small(this.products.id(p, `${p.product}\u0000${p.productDescription}\u0000${p.quantityType}\u0000${p.consumptionType}`), "products");
    const pl: Place = { projectId: r.projectId, projectName: r.projectName, region: r.region };
    this.place[i] = this.small(this.places.id(pl, `${pl.projectId ?? "\u0001"}\u0000${pl.projectName ?? "\u0001"}\u0000${pl.region ?? "\u0001"}`), "projects");
    this.tag[i] = this.tags.id(r.tags);
    this.amount[i] = r.amount;
    this.quantity[i] = r.quantity;
    this.n = i + 1;
  }

  dateAt(i: number): string {
    return this.dates.list[this.day[i]!]!;
  }

  /** Row `i` by its parts (string-table indexes and figures), for writers that cache per part (records.ts). */
  resourceIndexAt(i: number): number {
    return this.res[i]!;
  }
  dayIndexAt(i: number): number {
    return this.day[i]!;
  }
  productIndexAt(i: number): number {
    return this.prod[i]!;
  }
  placeIndexAt(i: number): number {
    return this.place[i]!;
  }
  amountAt(i: number): number {
    return this.amount[i]!;
  }
  quantityAt(i: number): number {
    return this.quantity[i]!;
  }
  resourceOf(index: number): string {
    return this.resources.list[index]!;
  }
  dateOf(index: number): string {
    return this.dates.list[index]!;
  }
  productOf(index: number): Readonly<Product> {
    return this.products.list[index]!;
  }
  placeOf(index: number): Readonly<Place> {
    return this.places.list[index]!;
  }
  get productCount(): number {
    return this.products.list.length;
  }
  get placeCount(): number {
    return this.places.list.length;
  }

  /** Row `i` as a record: a new object each call (keep it only as long as its line is being written). */
  at(i: number): SimCostRecord {
    const p = this.products.list[this.prod[i]!]!;
    const pl = this.places.list[this.place[i]!]!;
    const r: SimCostRecord = {
      date: this.dates.list[this.day[i]!]!,
      resourceId: this.resources.list[this.res[i]!]!,
      product: p.product,
      productDescription: p.productDescription,
      amount: this.amount[i]!,
      quantity: this.quantity[i]!,
      quantityType: p.quantityType,
      consumptionType: p.consumptionType,
      tags: this.tags.list[this.tag[i]!]!,
    };
    if (pl.projectId !== undefined) r.projectId = pl.projectId;
    if (pl.projectName !== undefined) r.projectName = pl.projectName;
    if (pl.region !== undefined) r.region = pl.region;
    return r;
  }

  private small(id: number, what: string): number {
    if (id > 0xffff) throw new RangeError(`CostTable: more than 65,536 distinct ${what}`);
    return id;
  }

  private grow(): void {
    const cap = Math.max(1024, this.res.length * 2);
    const g = <A extends Uint32Array | Uint16Array | Float64Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(cap);
      b.set(a);
      return b;
    };
    this.res = g(this.res);
    this.day = g(this.day);
    this.prod = g(this.prod);
    this.place = g(this.place);
    this.tag = g(this.tag);
    this.amount = g(this.amount);
    this.quantity = g(this.quantity);
  }
}
