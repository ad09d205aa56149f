/**
 * A Prometheus-compatible query API over the simulated Kafka byte counters, for the demo and tests. It evaluates
 * exactly the PromQL the chargeback client sends —
 *   sum by (kafka_id, principal_id) (sum_over_time(confluent_kafka_server_{request,response}_bytes[1h]))
 * — as a real Prometheus (3.x, left-open ranges) would over the 1-minute deltas of the export endpoint, each stamped
 * at its minute's start: the value at t sums the samples stamped in (t − 1h, t]. Anything else gets Prometheus' own
 * 400 `bad_data` answer.
 */
import type { SimRoute } from "../confluent/routes.ts";
import { FaultInjector } from "../faults.ts";
import type { FaultProfile } from "../world.ts";
import { rangeBytes, streamPresent, type ConfluentSimState, type TrafficStream } from "../confluent/state.ts";

const QUERY = /^sum\s+by\s*\(\s*kafka_id\s*,\s*principal_id\s*\)\s*\(\s*sum_over_time\s*\(\s*confluent_kafka_server_(request|response)_bytes\s*\[\s*1h\s*\]\s*\)\s*\)$/;
const MAX_POINTS = 11_000;

function bad(error: string, status = 400): Response {
  return Response.json({ status: "error", errorType: "bad_data", error }, { status });
}

function parseTime(v: string | null, fallback?: number): number | undefined {
  if (v === null || v === "") return fallback;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t / 1000;
}

function parseStep(v: string | null): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  const m = /^(\d+)([smhd])$/.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "s" | "m" | "h" | "d"];
}

function authorised(req: Request, state: ConfluentSimState): boolean {
  const a = state.prometheusAuth;
  if (!a || a.type === "none") return true;
  const h = req.headers.get("authorization") ?? "";
  if (a.type === "bearer") return h === `Bearer ${a.token}`;
  return h === `Basic ${Buffer.from(`${a.username}:${a.password}`).toString("base64")}`;
}

function groups(state: ConfluentSimState): Map<string, TrafficStream[]> {
  const g = new Map<string, TrafficStream[]>();
  for (const s of state.traffic) {
    const key = `${s.kafkaId}\u0000${s.principalId}`;
    let list = g.get(key);
    if (!list) g.set(key, (list = []));
    list.push(s);
  }
  return g;
}

/** The value of one series at t (seconds), or undefined when no sample falls in the window. */
function evaluate(streams: TrafficStream[], t: number, which: "request" | "response"): number | undefined {
  const end = Math.round(t * 1000);
  // Minute stamps m with end − 1h < m ≤ end, as a half-open range [from, to) of minute starts.
  const from = Math.floor((end - 3_600_000) / 60_000) * 60_000 + 60_000;
  const to = Math.floor(end / 60_000) * 60_000 + 60_000;
  let present = false;
  let sum = 0;
  for (const s of streams) {
    if (!streamPresent(s, from, to)) continue;
    present = true;
    sum += rangeBytes(s, from, to, which);
  }
  return present ? sum : undefined;
}

async function params(req: Request, url: URL): Promise<URLSearchParams> {
  const p = new URLSearchParams(url.searchParams);
  if (req.method === "POST") {
    const body = new URLSearchParams(await req.text());
    for (const [k, v] of body) p.set(k, v);
  }
  return p;
}

export function prometheusSimRoutes(state: ConfluentSimState, faults?: FaultProfile | FaultInjector): SimRoute {
  const injector = faults instanceof FaultInjector ? faults : faults ? new FaultInjector(faults) : undefined;
  return async (req, url) => {
    const path = url.pathname;
    if (path !== "/api/v1/query_range" && path !== "/api/v1/query") return undefined;
    state.requests.set(path, (state.requests.get(path) ?? 0) + 1);
    if (!authorised(req, state)) return new Response("Unauthorized\n", { status: 401 });
    if (!injector) return answer(req, url, state, path);
    return injector.apply(req, () => answer(req, url, state, path));
  };
}

async function answer(req: Request, url: URL, state: ConfluentSimState, path: string): Promise<Response> {
  const p = await params(req, url);
  const query = (p.get("query") ?? "").trim();
  const m = QUERY.exec(query);
  if (!m) return bad(`simulated Prometheus only evaluates the chargeback byte queries, not: ${query}`);
  const which = m[1] as "request" | "response";
  const series = groups(state);
  const label = (key: string) => {
    const [kafka_id, principal_id] = key.split("\u0000");
    return { kafka_id: kafka_id!, principal_id: principal_id! };
  };

  if (path === "/api/v1/query") {
    const t = parseTime(p.get("time"), Date.now() / 1000);
    if (t === undefined) return bad("invalid parameter \"time\"");
    const result = [];
    for (const [key, streams] of series) {
      const v = evaluate(streams, t, which);
      if (v !== undefined) result.push({ metric: label(key), value: [t, String(v)] });
    }
    return Response.json({ status: "success", data: { resultType: "vector", result } });
  }

  const start = parseTime(p.get("start"));
  const end = parseTime(p.get("end"));
  const step = parseStep(p.get("step"));
  if (start === undefined || end === undefined) return bad("invalid parameter \"start\" or \"end\"");
  if (!step || step <= 0) return bad("zero or negative query resolution step widths are not accepted");
  if (end < start) return bad("end timestamp must not be before start time");
  if ((end - start) / step > MAX_POINTS) return bad("exceeded maximum resolution of 11,000 points per timeseries");
  const result = [];
  for (const [key, streams] of series) {
    const values: Array<[number, string]> = [];
    for (let t = start; t <= end; t += step) {
      const v = evaluate(streams, t, which);
      if (v !== undefined) values.push([t, String(v)]);
    }
    if (values.length > 0) result.push({ metric: label(key), values });
  }
  return Response.json({ status: "success", data: { resultType: "matrix", result } });
}
