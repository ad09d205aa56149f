/**
 * Enterprise Dashboard v1 (retired from the docs in 2025, still used by the seed): `GET /v1/consumption`, JSON
 * `{offset, total, limit, kind: "Collection", contents: […]}`, `limit` ≤ 100, `consumption_date=YYYY-MM-DD`.
 * Records carry both `listprice_amount` and the billed `amount`; `price` chooses which becomes the cost.
 */
import type { CostRecord, IsoDate } from "../../engine/types.ts";
import { HttpClient, HttpError } from "../http.ts";
import { Interner, RecordError, toCostRecord } from "./map.ts";
import type { DashboardCheck, DashboardClient, DashboardCostRecord, DashboardFilters, HourlyCostRecord } from "./types.ts";

export interface V1Options {
  /** "billed" (default) = `amount`, as v2 reports it; "list" = `listprice_amount`, as the seed used. */
  price?: "billed" | "list";
  /** Keep only records of this OTC project (v1 filters by project name only); records naming none are kept. */
  projectId?: string;
}

interface V1Page {
  offset?: number;
  total?: number;
  limit?: number;
  kind?: string;
  contents?: unknown[];
}

const PAGE = 100;
const DAY_MS = 86_400_000;

export class DashboardV1Client implements DashboardClient {
  readonly api = "v1" as const;
  private requests = 0;
  private readonly amountField: string;
  private readonly projectId?: string;

  constructor(private readonly http: HttpClient, options: V1Options = {}) {
    this.amountField = options.price === "list" ? "listprice_amount" : "amount";
    this.projectId = options.projectId;
  }

  get requestCount(): number {
    return this.requests;
  }

  /**
   * All records matching the filters, page by page (`limit=100`, `offset` advancing by what arrived). The documented
   * API ignores limit/offset when a date filter is given and returns the whole day at once; the loop handles both.
   */
  async records(filters: DashboardFilters & { consumption_date?: IsoDate } = {}): Promise<DashboardCostRecord[]> {
    const { show_tag, consumption_type, ...rest } = filters;
    // v1 has no consumption_type filter; ignoring it silently would return more than was asked for.
    if (consumption_type !== undefined) throw new Error("dashboard: the consumption_type filter needs the v2 API (dashboard-api: v2)");
    const tagged = show_tag || filters.tag_key !== undefined || filters.tag_value !== undefined;
    const intern = new Interner();
    const out: DashboardCostRecord[] = [];
    let offset = 0;
    for (;;) {
      this.requests++;
      const page = await this.http.get<V1Page>("/v1/consumption", {
        query: { ...rest, tagged: tagged ? true : undefined, limit: PAGE, offset },
      });
      if (!page || !Array.isArray(page.contents) || typeof page.total !== "number") {
        throw new HttpError("dashboard: GET /v1/consumption: unexpected response shape (no contents/total)", "dashboard");
      }
      try {
        for (const raw of page.contents) {
          const rec = toCostRecord(raw, this.amountField, intern, !!tagged);
          if (this.projectId === undefined || rec.projectId === undefined || rec.projectId === this.projectId) out.push(rec);
        }
      } catch (err) {
        if (err instanceof RecordError) throw new HttpError(`dashboard: GET /v1/consumption: ${err.message}`, "dashboard");
        throw err;
      }
      offset += page.contents.length;
      if (offset >= page.total) return out;
      if (page.contents.length === 0) {
        throw new HttpError(`dashboard: GET /v1/consumption: empty page at offset ${offset} of ${page.total}`, "dashboard");
      }
    }
  }

  /** One `consumption_date` request (plus pages, if the server pages) per day of the range. */
  async dailyCosts(fromDate: IsoDate, toExclusiveDate: IsoDate, filters: DashboardFilters = {}): Promise<DashboardCostRecord[]> {
    const out: DashboardCostRecord[] = [];
    for (let t = Date.parse(fromDate + "T00:00:00Z"); t < Date.parse(toExclusiveDate + "T00:00:00Z"); t += DAY_MS) {
      const day = new Date(t).toISOString().slice(0, 10);
      for (const r of await this.records({ ...filters, consumption_date: day })) if (r.date === day) out.push(r);
    }
    return out;
  }

  async hourlyCosts(): Promise<HourlyCostRecord[]> {
    throw new Error("dashboard: hourly consumption needs the v2 API (dashboard-api: v2)");
  }

  listCosts(fromDate: IsoDate, toExclusiveDate: IsoDate): Promise<CostRecord[]> {
    return this.dailyCosts(fromDate, toExclusiveDate);
  }

  async check(): Promise<DashboardCheck> {
    // The seed's preflight: the smallest page there is.
    this.requests++;
    const page = await this.http.get<V1Page>("/v1/consumption", { query: { limit: 1, offset: 0 } });
    if (!page || typeof page.total !== "number") throw new HttpError("dashboard: GET /v1/consumption: unexpected response shape", "dashboard");
    return { api: "v1", endpoint: this.http.baseURL, detail: `consumption API reachable and authorised (${page.total} records)` };
  }
}
