/**
 * A Prometheus-compatible query API (`/api/v1/query`, `/api/v1/query_range`, GET or POST form) over the simulated
 * Kafka byte counters, for the demo, tests and other clients (dashboards, the original chargeback tool). It
 * evaluates the PromQL subset of promql.ts — vector selectors with label matchers, `sum [by]`, `sum_over_time`,
 * `increase`, `rate` — with Prometheus 3 semantics (evaluate.ts). Like Prometheus, an unknown metric is an empty
 * success; an expression outside the subset is an empty success too, with a warning saying so, never an error a
 * real Prometheus would not give. Parameter errors are Prometheus' own 400 `bad_data`.
 */
import type { SimRoute } from "../confluent/routes.ts";
import { FaultInjector } from "../faults.ts";
import type { FaultProfile } from "../world.ts";
import type { ConfluentSimState } from "../confluent/state.ts";
import { evaluateInstant, evaluateRangeSelector, storedSeries, type StoredSeries } from "./evaluate.ts";
import { parsePromQL, Unsupported, type Expr } from "./promql.ts";
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

/** Prometheus prints sample values as Go's strconv.FormatFloat(v, 'f', -1, 64) does for ordinary magnitudes. */
const num = (v: number) => String(v);

async function answer(req: Request, url: URL, state: ConfluentSimState, path: string): Promise<Response> {
  const p = await params(req, url);
  const query = (p.get("query") ?? "").trim();
  if (query === "") return bad('invalid parameter "query": 1:1: parse error: no expression found in input');
  let expr: Expr | undefined;
  let warning: string | undefined;
  try {
    expr = parsePromQL(query);
  } catch (err) {
    if (!(err instanceof Unsupported)) throw err;
    warning = `simulated Prometheus does not evaluate this expression (${err.message}); the result is empty`;
  }
  const series = expr ? storedSeries(state) : [];
  const warnings = warning ? { warnings: [warning] } : {};

  if (path === "/api/v1/query") {
    const t = parseTime(p.get("time"), Date.now() / 1000);
    if (t === undefined) return bad('invalid parameter "time"');
    if (expr?.kind === "selector" && expr.rangeMs !== undefined) {
      const result = evaluateRangeSelector(series, expr, t * 1000).map((s) => ({ metric: s.labels, values: s.samples.map(([at, v]) => [at / 1000, num(v)]) }));
      return Response.json({ status: "success", data: { resultType: "matrix", result } });
    }
    const result = expr ? evaluateInstant(series, expr, t * 1000).map((s) => ({ metric: s.labels, value: [t, num(s.value)] })) : [];
    return Response.json({ status: "success", data: { resultType: "vector", result }, ...warnings });
  }

  const start = parseTime(p.get("start"));
  const end = parseTime(p.get("end"));
  const step = parseStep(p.get("step"));
  if (start === undefined || end === undefined) return bad('invalid parameter "start" or "end"');
  if (!step || step <= 0) return bad("zero or negative query resolution step widths are not accepted");
  if (end < start) return bad("end timestamp must not be before start time");
  if ((end - start) / step > MAX_POINTS) return bad("exceeded maximum resolution of 11,000 points per timeseries");
  if (expr?.kind === "selector" && expr.rangeMs !== undefined) {
    return bad(`invalid expression type "range vector" for range query, must be Scalar or instant Vector`);
  }
  return Response.json({ status: "success", data: { resultType: "matrix", result: expr ? rangeResult(series, expr, start, end, step) : [] }, ...warnings });
}

function rangeResult(series: StoredSeries[], expr: Expr, start: number, end: number, step: number) {
  const byKey = new Map<string, { metric: Record<string, string>; values: Array<[number, string]> }>();
  for (let t = start; t <= end; t += step) {
    for (const s of evaluateInstant(series, expr, t * 1000)) {
      const key = JSON.stringify(Object.entries(s.labels).sort());
      let row = byKey.get(key);
      if (!row) byKey.set(key, (row = { metric: s.labels, values: [] }));
      row.values.push([t, num(s.value)]);
    }
  }
  return [...byKey.values()];
}
