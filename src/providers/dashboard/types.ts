/** The Enterprise Dashboard client's public shapes (both API versions offer the same calls). */
import type { CostRecord, IsoDate } from "../../engine/types.ts";

/** The documented, non-time filters of `/v2/{daily,hourly}/consumption/` (v1 knows all but consumption_type). */
export interface DashboardFilters {
  /** EL = elastic, RC = recurring. */
  consumption_type?: "EL" | "RC";
  contract?: number | string;
  product?: string;
  product_description?: string;
  project_name?: string;
  resource_id?: string;
  /** Ask for each record's tags (they come back in `tags`). Set automatically with tag_key / tag_value. */
  show_tag?: boolean;
  tag_key?: string;
  tag_value?: string;
}

/** The documented time filters, for `query()` (the range methods choose them for you). */
export interface DashboardTimeFilters {
  date?: IsoDate;
  /** Hourly only, 0–23. */
  hour?: number;
  /** 1–12. */
  month?: number;
  /** ISO week 1–53. */
  week?: number;
  /** 2020–2100. */
  year?: number;
}

/** A cost record plus the tags the dashboard returned, when asked for them. */
export interface DashboardCostRecord extends CostRecord {
  tags?: Record<string, string>;
}

export interface HourlyCostRecord extends DashboardCostRecord {
  /** Berlin wall-clock hour 0–23 of `date`. */
  hour: number;
  /** `consumption_date` as sent, e.g. `2024-08-02T13:00:00+02:00`. */
  timestamp: string;
  /** Hourly records carry the undiscounted amount too. */
  amountExcludingDiscount?: number;
}

export interface DashboardCheck {
  api: "v1" | "v2";
  endpoint: string;
  detail: string;
}

export interface DashboardClient {
  readonly api: "v1" | "v2";
  /** Daily records with `fromDate ≤ date < toExclusiveDate`; all or nothing (throws rather than return a part). */
  dailyCosts(fromDate: IsoDate, toExclusiveDate: IsoDate, filters?: DashboardFilters): Promise<DashboardCostRecord[]>;
  /** Hourly records of those days (v2 only). */
  hourlyCosts(fromDate: IsoDate, toExclusiveDate: IsoDate, filters?: DashboardFilters & { hour?: number }): Promise<HourlyCostRecord[]>;
  /** `InventorySource.listCosts`: the daily records of a range. */
  listCosts(fromDate: IsoDate, toExclusiveDate: IsoDate): Promise<CostRecord[]>;
  /** For `verify`: one cheap authorised request; throws (with the HTTP status) when it fails. */
  check(): Promise<DashboardCheck>;
  /**
   * Consumption requests this client started (a cut-off stream asked again counts again; HTTP-level retries after
   * 429/5xx are counted per endpoint in `httpStats()`).
   */
  readonly requestCount: number;
}
