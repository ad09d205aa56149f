/**
 * Query parameters of the simulated Enterprise Dashboard, validated the way the real service answers: a value of
 * the wrong type (`month=abc`, `date=16.07.2024`) is a 422 validation error (FastAPI style `{"detail":[…]}`), a
 * well-typed value outside its documented range (`month=13`, `hour=24`, `year=2019`) is a 400. Unknown parameters
 * are ignored, as the real service does.
 */
import type { SimCostRecord, SimWorld } from "../world.ts";
import { isoWeek } from "../scenario/calendar.ts";

export class QueryError extends Error {
  constructor(readonly status: 400 | 422, readonly param: string, message: string) {
    super(message);
  }

  toResponse(): Response {
    const body =
      this.status === 422
        ? { detail: [{ loc: ["query", this.param], msg: this.message, type: "value_error" }] }
        : { detail: this.message };
    return Response.json(body, { status: this.status });
  }
}

export interface CostQuery {
  /** Inclusive date bounds used to narrow the scan (records are sorted by date). */
  from: string;
  to: string;
  /** Only for hourly: 0–23. */
  hour?: number;
  matches: (r: SimCostRecord) => boolean;
  showTags: boolean;
  /**
   * True when `matches` accepts every record between `from` and `to` (a date or year+month and nothing else), so a
   * server may skip it.
   */
  allInRange: boolean;
}

function int(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^-?\d+$/.test(raw)) throw new QueryError(422, name, "value is not a valid integer");
  const n = Number(raw);
  if (n < min || n > max) throw new QueryError(400, name, `${name} must be between ${min} and ${max}`);
  return n;
}

function bool(params: URLSearchParams, name: string): boolean | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  const v = raw.toLowerCase();
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw new QueryError(422, name, "value could not be parsed to a boolean");
}

function isoDate(params: URLSearchParams, name: string): string | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw + "T00:00:00Z"))) {
    throw new QueryError(422, name, "invalid date format, expected YYYY-MM-DD");
  }
  return raw;
}

/** The contract number the simulator reports for a world (stable per project). */
export function contractOf(world: SimWorld): number {
  return 1_000_000_000 + (parseInt(world.projectId.slice(0, 7), 16) % 100_000_000);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Parses the v2 filters (both granularities). Throws QueryError. */
export function parseV2Query(params: URLSearchParams, world: SimWorld, hourly: boolean): CostQuery {
  const consumptionType = params.get("consumption_type") || undefined;
  if (consumptionType !== undefined && consumptionType !== "EL" && consumptionType !== "RC") {
    throw new QueryError(400, "consumption_type", "consumption_type must be EL or RC");
  }
  const contract = int(params, "contract", 0, Number.MAX_SAFE_INTEGER);
  const date = isoDate(params, "date");
  const hour = hourly ? int(params, "hour", 0, 23) : undefined;
  const month = int(params, "month", 1, 12);
  const week = int(params, "week", 1, 53);
  const year = int(params, "year", 2020, 2100);
  const showTags = bool(params, "show_tag") ?? false;
  const product = params.get("product") || undefined;
  const productDescription = params.get("product_description") || undefined;
  const projectName = params.get("project_name") || undefined;
  const resourceId = params.get("resource_id") || undefined;
  // Documented: the tag filters are effective only when tags are requested.
  const tagKey = showTags ? params.get("tag_key") || undefined : undefined;
  const tagValue = showTags ? params.get("tag_value") || undefined : undefined;

  let from = "0000-00-00";
  let to = "9999-99-99";
  if (date) [from, to] = [date, date];
  else if (year !== undefined && month !== undefined) [from, to] = [`${year}-${pad2(month)}-01`, `${year}-${pad2(month)}-31`];
  else if (year !== undefined && week === undefined) [from, to] = [`${year}-01-01`, `${year}-12-31`];
  else if (year !== undefined) [from, to] = [`${year - 1}-12-25`, `${year + 1}-01-07`]; // ISO week-years overlap

  const weekCache = new Map<string, { week: number; year: number }>();
  const weekOf = (d: string) => {
    let w = weekCache.get(d);
    if (!w) weekCache.set(d, (w = isoWeek(d)));
    return w;
  };
  const contractOk = contract === undefined || contract === contractOf(world);
  const mm = month === undefined ? undefined : pad2(month);

  const matches = (r: SimCostRecord): boolean => {
    if (!contractOk) return false;
    if (projectName !== undefined && (r.projectName ?? world.projectName) !== projectName) return false;
    if (date !== undefined && r.date !== date) return false;
    if (mm !== undefined && r.date.slice(5, 7) !== mm) return false;
    if (week !== undefined) {
      const w = weekOf(r.date);
      if (w.week !== week || (year !== undefined && w.year !== year)) return false;
    } else if (year !== undefined && Number(r.date.slice(0, 4)) !== year) return false;
    if (consumptionType !== undefined && r.consumptionType !== consumptionType) return false;
    if (product !== undefined && r.product !== product) return false;
    if (productDescription !== undefined && r.productDescription !== productDescription) return false;
    if (resourceId !== undefined && r.resourceId !== resourceId) return false;
    if (tagKey !== undefined && !(tagKey in r.tags)) return false;
    if (tagValue !== undefined) {
      if (tagKey !== undefined ? r.tags[tagKey] !== tagValue : !Object.values(r.tags).includes(tagValue)) return false;
    }
    return true;
  };
  const allInRange =
    contractOk && (date !== undefined || (year !== undefined && month !== undefined)) && week === undefined && projectName === undefined &&
    consumptionType === undefined && product === undefined && productDescription === undefined && resourceId === undefined &&
    tagKey === undefined && tagValue === undefined;
  return { from, to, hour, matches, showTags, allInRange };
}

/** First index in `costs` (ascending by date) whose date is ≥ `date`. */
export function lowerBound(costs: SimCostRecord[], date: string): number {
  let lo = 0;
  let hi = costs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (costs[mid]!.date < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface V1Query {
  limit: number;
  offset: number;
  /** With a date filter the documented API ignores limit/offset and returns the whole day. */
  paged: boolean;
  from: string;
  to: string;
  matches: (r: SimCostRecord) => boolean;
  tagged: boolean;
}

/** Parses the v1 `/v1/consumption` filters (limit default 10, max 100). */
export function parseV1Query(params: URLSearchParams, world: SimWorld): V1Query {
  const limit = int(params, "limit", 1, 100) ?? 10;
  const offset = int(params, "offset", 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const date = isoDate(params, "consumption_date");
  const tagged = bool(params, "tagged") ?? false;
  const v2 = new URLSearchParams();
  for (const k of ["contract", "product", "product_description", "project_name", "resource_id", "tag_key", "tag_value"]) {
    const v = params.get(k);
    if (v) v2.set(k, v);
  }
  if (date) v2.set("date", date);
  if (tagged) v2.set("show_tag", "true");
  const q = parseV2Query(v2, world, false);
  return { limit, offset, paged: date === undefined, from: q.from, to: q.to, matches: q.matches, tagged };
}
