/**
 * Simulated Enterprise Dashboard over a SimWorld:
 * - `GET /v2/daily/consumption/` and `GET /v2/hourly/consumption/` — NDJSON streamed in batches of 1000 lines (one
 *   chunk per batch, pulled on demand, so a month of a large world never sits in memory as text);
 * - `GET /v1/consumption` — the retired v1 JSON API (`{offset,total,limit,kind,contents}`, limit ≤ 100);
 * - `GET /v2/health` — no auth.
 * Bearer token checked on every consumption call (401). Faults from a FaultInjector; `truncate` cuts an NDJSON
 * body in the middle of a line and ends it, as a dropped connection would.
 */
import type { SimCostRecord, SimWorld } from "../world.ts";
import type { FaultInjector } from "../faults.ts";
import { QueryError, parseV1Query, parseV2Query, type CostQuery } from "./query.ts";
import { RecordWriter } from "./records.ts";
import { CostTable, arraySource, type CostSource } from "./table.ts";

export const NDJSON_BATCH = 1000;

const DAILY = /^\/v2\/daily\/consumption\/?$/;
const HOURLY = /^\/v2\/hourly\/consumption\/?$/;
const V1 = /^\/v1\/consumption\/?$/;
const HEALTH = /^\/v2\/health\/?$/;

export interface DashboardSimStats {
  /** Consumption requests answered (any status), for benchmarks counting API calls. */
  requests: number;
  /** NDJSON lines streamed. */
  lines: number;
}

export type SimRoute = (req: Request, url: URL) => Promise<Response | undefined>;

/**
 * `costs`: where the records come from when not `world.costs` (a fleet's `CostTable`, table.ts); read on every
 * request, so records a world accrues later are served too.
 */
export function dashboardSimRoutes(world: SimWorld, faults?: FaultInjector, stats?: DashboardSimStats, costs?: CostSource): SimRoute {
  const source = (): CostSource => costs ?? arraySource(world.costs);
  return async (req, url) => {
    const path = url.pathname;
    if (HEALTH.test(path)) return Response.json({ status: "ok" });
    const kind = DAILY.test(path) ? "daily" : HOURLY.test(path) ? "hourly" : V1.test(path) ? "v1" : undefined;
    if (!kind) return undefined;
    if (stats) stats.requests++;
    if (req.method !== "GET") return Response.json({ detail: "Method Not Allowed" }, { status: 405 });

    const decision = faults?.decide(req) ?? {};
    if (decision.delayMs) await Bun.sleep(decision.delayMs);
    if (decision.response) return decision.response;

    const auth = checkBearer(req, world);
    if (auth) return auth;
    try {
      if (kind === "v1") return v1Response(world, source(), url.searchParams, decision.truncate === true);
      const query = parseV2Query(url.searchParams, world, kind === "hourly");
      return ndjsonResponse(world, source(), query, kind === "hourly", decision.truncate === true, stats);
    } catch (err) {
      if (err instanceof QueryError) return err.toResponse();
      throw err;
    }
  };
}

function checkBearer(req: Request, world: SimWorld): Response | undefined {
  const header = req.headers.get("authorization");
  if (!header) return Response.json({ detail: "Not authenticated" }, { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (!m || m[1]!.trim() !== world.credentials.dashboardToken) {
    return Response.json({ detail: "Invalid API key" }, { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
  }
  return undefined;
}

/** Matching records in date order, found lazily (binary search to the first date, then a forward scan). */
function* matching(costs: CostSource, query: { from: string; to: string; matches: (r: SimCostRecord) => boolean }) {
  for (let i = lowerBound(costs, query.from); i < costs.length; i++) {
    if (costs.dateAt(i) > query.to) return;
    const r = costs.at(i);
    if (query.matches(r)) yield [r, i] as const;
  }
}

/** First index whose date is ≥ `date` (records are ascending by date). */
function lowerBound(costs: CostSource, date: string): number {
  let lo = 0;
  let hi = costs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (costs.dateAt(mid) < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function ndjsonResponse(world: SimWorld, costs: CostSource, query: CostQuery, hourly: boolean, truncate: boolean, stats?: DashboardSimStats): Response {
  const writer = new RecordWriter(world);
  const encoder = new TextEncoder();
  const source = matching(costs, query);
  const pending: string[] = [];
  // A truncated response stops after half of the lines (at least one batch boundary into the data when there is one)
  // and ends with half of a line: what a client sees when the connection drops mid-transfer.
  let cutAfter = Infinity;
  if (truncate) {
    let n = 0;
    for (const _ of matching(costs, query)) n++;
    cutAfter = Math.floor((n * (hourly ? 24 : 1)) / 2);
  }
  let sent = 0;
  let done = false;
  if (costs instanceof CostTable && !hourly && !query.showTags && query.allInRange && !truncate) return tableResponse(writer, costs, query, stats);

  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (done) return;
      while (pending.length < NDJSON_BATCH) {
        const next = source.next();
        if (next.done) break;
        const [r, i] = next.value;
        if (hourly) writer.hourly(r, i, query.showTags, query.hour, pending);
        else pending.push(writer.daily(r, i, query.showTags));
      }
      const batch = pending.splice(0, NDJSON_BATCH);
      if (truncate && (sent + batch.length > cutAfter || batch.length === 0)) {
        const keep = batch.slice(0, cutAfter - sent);
        const partial = batch[keep.length] ?? writer.daily(placeholderRecord(world), 0, false);
        const text = (keep.length ? keep.join("\n") + "\n" : "") + partial.slice(0, Math.max(1, partial.length >> 1));
        controller.enqueue(encoder.encode(text));
        done = true;
        controller.close();
        return;
      }
      if (batch.length === 0) {
        done = true;
        controller.close();
        return;
      }
      sent += batch.length;
      if (stats) stats.lines += batch.length;
      controller.enqueue(encoder.encode(batch.join("\n") + "\n"));
    },
  });
  return new Response(body, { status: 200, headers: { "Content-Type": "application/x-ndjson" } });
}

/**
 * The common case of a large contract's stream — a month or a day of daily records, no other filter, from columns —
 * written row by row from the table (same lines as the general path, see `RecordWriter.dailyAt`).
 */
function tableResponse(writer: RecordWriter, table: CostTable, query: CostQuery, stats?: DashboardSimStats): Response {
  const encoder = new TextEncoder();
  let i = lowerBound(table, query.from);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const batch: string[] = [];
      while (batch.length < NDJSON_BATCH && i < table.length && table.dateAt(i) <= query.to) batch.push(writer.dailyAt(table, i++));
      if (batch.length === 0) {
        controller.close();
        return;
      }
      if (stats) stats.lines += batch.length;
      batch.push("");
      controller.enqueue(encoder.encode(batch.join("\n")));
    },
  });
  return new Response(body, { status: 200, headers: { "Content-Type": "application/x-ndjson" } });
}

/** A line to cut in half when a truncated response has no data at all. */
function placeholderRecord(world: SimWorld): SimCostRecord {
  return {
    date: "2024-01-01", resourceId: "cut", product: "OTC_CUT", productDescription: "", amount: 0, quantity: 0,
    quantityType: "h", consumptionType: "EL", tags: {},
  };
}

function v1Response(world: SimWorld, costs: CostSource, params: URLSearchParams, truncate: boolean): Response {
  const q = parseV1Query(params, world);
  const writer = new RecordWriter(world);
  const contents: Record<string, unknown>[] = [];
  let total = 0;
  for (const [r] of matching(costs, q)) {
    if (!q.paged || (total >= q.offset && total < q.offset + q.limit)) contents.push(writer.v1(r, q.tagged));
    total++;
  }
  const text = JSON.stringify({
    offset: q.paged ? q.offset : 0,
    total,
    limit: q.paged ? q.limit : total,
    kind: "Collection",
    contents,
  });
  if (truncate) return new Response(text.slice(0, Math.max(1, text.length >> 1)), { headers: { "Content-Type": "application/json" } });
  return new Response(text, { headers: { "Content-Type": "application/json" } });
}
