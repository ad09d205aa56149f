/**
 * Wire shapes of the simulated Enterprise Dashboard: v2 daily and hourly NDJSON lines and v1 JSON records, built
 * from `SimCostRecord`s. Field names and formats follow the documented examples (opentelekomcloud-docs/
 * enterprise-dashboard, api-ref v2 consumption examples and the v1 consumption example).
 */
import type { SimCostRecord, SimWorld } from "../world.ts";
import { addDays, berlinTimestamp } from "../scenario/calendar.ts";
import { contractOf } from "./query.ts";
import type { CostTable } from "./table.ts";

/** The v1 API reports the list price next to what is billed; the simulator's contract discount. */
export const V1_DISCOUNT = 0.2;

/** Per-world constants and per-day caches shared by every line of a response. */
export class RecordWriter {
  private readonly contract: number;
  private readonly stamps = new Map<string, string>();
  private readonly etl = new Map<string, string>();

  constructor(private readonly world: SimWorld) {
    this.contract = contractOf(world);
  }

  private stamp(date: string, hour = 0): string {
    const key = hour === 0 ? date : `${date}#${hour}`;
    let s = this.stamps.get(key);
    if (!s) this.stamps.set(key, (s = berlinTimestamp(date, hour)));
    return s;
  }

  private etlUpdated(date: string): string {
    let s = this.etl.get(date);
    if (!s) this.etl.set(date, (s = `${addDays(date, 1)}T03:05:00`));
    return s;
  }

  /** JSON string literals of the strings lines repeat (ids, products, dates), made once per response. */
  private readonly quoted = new Map<string, string>();

  private q(s: string): string {
    let out = this.quoted.get(s);
    if (out === undefined) this.quoted.set(s, (out = JSON.stringify(s)));
    return out;
  }

  /**
   * `index` makes the aggregation id unique and stable (MongoDB ObjectId-like, 24 hex digits). The line is
   * concatenated rather than `JSON.stringify` of an object: the same bytes (same key order, each value through
   * JSON.stringify), without a 14-field object per line — at 10 M lines the serving was most of a benchmark's time.
   */
  daily(r: SimCostRecord, index: number, showTags: boolean): string {
    const w = this.world;
    return (
      `{"aggregation_id":"${objectId(w.generatedAt, index)}","amount":${JSON.stringify(r.amount)},` +
      `"consumption_date":${this.q(this.stamp(r.date))},"consumption_type":${this.q(r.consumptionType)},` +
      `"contract":${this.contract},"etl_updated":${this.q(this.etlUpdated(r.date))},"product":${this.q(r.product)},` +
      `"product_description":${this.q(r.productDescription)},"project_id":${this.q(r.projectId ?? w.projectId)},` +
      `"quantity":${JSON.stringify(r.quantity)},"quantity_type":${this.q(r.quantityType)},` +
      `"region":${this.q((r.region ?? w.region ?? "eu-de").toUpperCase())},"resource_id":${this.q(r.resourceId)},"status":"NEW"` +
      (showTags ? `,"tags":${JSON.stringify(r.tags)}}` : "}")
    );
  }

  /** Per-part pieces of `dailyAt`'s lines, by string-table index (cached for the response). */
  private readonly middles = new Map<number, string>();
  private readonly tails = new Map<number, string>();
  private readonly quotedResources: string[] = [];
  private idPrefix?: string;

  /**
   * Row `i` of a table as `daily` writes it (without tags), put together from cached pieces: the part between
   * amount and quantity depends only on the row's day, product and project, the part after quantity on product and
   * project. The scale benchmark's simulator serves 10 M lines; writing each from a record object took longer than
   * the client needed to read it.
   */
  dailyAt(t: CostTable, i: number): string {
    const w = this.world;
    const day = t.dayIndexAt(i);
    const prod = t.productIndexAt(i);
    const place = t.placeIndexAt(i);
    const res = t.resourceIndexAt(i);
    const midKey = (day * t.productCount + prod) * t.placeCount + place;
    let mid = this.middles.get(midKey);
    if (mid === undefined) {
      const p = t.productOf(prod);
      const date = t.dateOf(day);
      mid =
        `,"consumption_date":${this.q(this.stamp(date))},"consumption_type":${this.q(p.consumptionType)},"contract":${this.contract},` +
        `"etl_updated":${this.q(this.etlUpdated(date))},"product":${this.q(p.product)},"product_description":${this.q(p.productDescription)},` +
        `"project_id":${this.q(t.placeOf(place).projectId ?? w.projectId)},"quantity":`;
      this.middles.set(midKey, mid);
    }
    const tailKey = prod * t.placeCount + place;
    let tail = this.tails.get(tailKey);
    if (tail === undefined) {
      const p = t.productOf(prod);
      tail = `,"quantity_type":${this.q(p.quantityType)},"region":${this.q((t.placeOf(place).region ?? w.region ?? "eu-de").toUpperCase())},"resource_id":`;
      this.tails.set(tailKey, tail);
    }
    const rid = this.quotedResources[res] ?? (this.quotedResources[res] = JSON.stringify(t.resourceOf(res)));
    const prefix = (this.idPrefix ??= `{"aggregation_id":"${objectId(w.generatedAt, 0).slice(0, 8)}`);
    const hex = i.toString(16);
    const id = hex.length <= 16 ? "0000000000000000".slice(hex.length) + hex : hex.slice(-16);
    return `${prefix}${id}","amount":${JSON.stringify(t.amountAt(i))}${mid}${JSON.stringify(t.quantityAt(i))}${tail}${rid},"status":"NEW"}`;
  }

  /** The line as `JSON.stringify` of an object writes it (the reference `daily` is tested against). */
  dailyAsObject(r: SimCostRecord, index: number, showTags: boolean): string {
    const line: Record<string, unknown> = {
      aggregation_id: objectId(this.world.generatedAt, index),
      amount: r.amount,
      consumption_date: this.stamp(r.date),
      consumption_type: r.consumptionType,
      contract: this.contract,
      etl_updated: this.etlUpdated(r.date),
      product: r.product,
      product_description: r.productDescription,
      project_id: r.projectId ?? this.world.projectId,
      quantity: r.quantity,
      quantity_type: r.quantityType,
      region: (r.region ?? this.world.region ?? "eu-de").toUpperCase(),
      resource_id: r.resourceId,
      status: "NEW",
    };
    if (showTags) line.tags = r.tags;
    return JSON.stringify(line);
  }

  /**
   * The hourly view of a daily record: elastic usage spread evenly over the 24 hours of the Berlin day, a recurring
   * charge as one record at hour 0. Returns the lines for `hour` only when given.
   */
  hourly(r: SimCostRecord, index: number, showTags: boolean, hour: number | undefined, out: string[]): void {
    const hours = r.consumptionType === "RC" ? 1 : 24;
    const amount = Math.round((r.amount / hours) * 1e9) / 1e9;
    const quantity = Math.round((r.quantity / hours) * 1e9) / 1e9;
    for (let h = 0; h < hours; h++) {
      if (hour !== undefined && h !== hour) continue;
      const line: Record<string, unknown> = {
        amount,
        amount_excluding_discount: amount,
        bill_cycle_day: 1,
        consumption_date: this.stamp(r.date, h),
        consumption_type: r.consumptionType,
        contract: this.contract,
        etl_updated: this.etlUpdated(r.date),
        external_priceplan: `pp_${r.product}_${(r.region ?? this.world.region ?? "eu-de").toUpperCase()}`,
        product: r.product,
        product_description: r.productDescription,
        project_id: r.projectId ?? this.world.projectId,
        quantity,
        quantity_type: r.quantityType,
        region: (r.region ?? this.world.region ?? "eu-de").toUpperCase(),
        resource_id: r.resourceId,
        status: "AGGREGATION_PROCESSED",
        usage_id: objectId(this.world.generatedAt, index * 24 + h + 0x800000),
      };
      if (showTags) line.tags = r.tags;
      out.push(JSON.stringify(line));
    }
  }

  v1(r: SimCostRecord, tagged: boolean): Record<string, unknown> {
    const list = Math.round((r.amount / (1 - V1_DISCOUNT)) * 1e6) / 1e6;
    const rec: Record<string, unknown> = {
      kind: "Consumption",
      contract: this.contract,
      business_partner_id: 12345,
      reseller_id: 12345,
      quantity_unit: r.quantityType === "h" ? "H" : r.quantityType,
      consumption_date: `${r.date} 00:00:00`,
      unit_price: r.quantity > 0 ? Math.round((list / r.quantity) * 1e6) / 1e6 : 0,
      listprice_amount: list,
      amount: r.amount,
      product: r.product,
      product_description: r.productDescription,
      project_id: r.projectId ?? this.world.projectId,
      resource_id: r.resourceId,
      billing_quantity: r.quantity,
      project_name: r.projectName ?? this.world.projectName,
      consumption_type_description: r.consumptionType === "RC" ? "Recurring charge" : "Usage with price",
      region: (r.region ?? this.world.region ?? "eu-de").toUpperCase(),
    };
    if (tagged) rec.tags = r.tags;
    return rec;
  }
}

function objectId(epochMs: number, n: number): string {
  const ts = Math.floor(epochMs / 1000).toString(16).padStart(8, "0").slice(-8);
  return ts + n.toString(16).padStart(16, "0").slice(-16);
}
