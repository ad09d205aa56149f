/**
 * HTTP routes of the simulated Confluent Cloud: Billing costs, Org/CMK/IAM/Connect/ksqlDB/SRCM/FCPM listings with
 * Basic auth (401 otherwise), `page_size`/`page_token` paging with `metadata.next` as an absolute URL, 429 with
 * Retry-After (scripted or from the fault profile), and the Metrics API export endpoint (1-minute deltas).
 */
import { FaultInjector } from "../faults.ts";
import type { FaultProfile } from "../world.ts";
import { aliveAt, minuteBytes, type ConfluentSimState, type Lived } from "./state.ts";

export type SimRoute = (req: Request, url: URL) => Promise<Response | undefined>;

const PREFIXES = ["/billing/", "/org/", "/cmk/", "/iam/", "/connect/", "/ksqldbcm/", "/srcm/", "/fcpm/", "/v2/metrics/"];

function error(status: number, detail: string, headers: Record<string, string> = {}): Response {
  return Response.json({ errors: [{ status: String(status), detail }] }, { status, headers });
}

function authorised(req: Request, state: ConfluentSimState): boolean {
  const h = req.headers.get("authorization") ?? "";
  if (!h.startsWith("Basic ")) return false;
  return Buffer.from(h.slice(6), "base64").toString() === `${state.apiKey}:${state.apiSecret}`;
}

/** Opaque page tokens (base64 of the offset), as the real API's are opaque. */
function page<T>(url: URL, items: T[], apiVersion: string, kind: string, defaultSize: number, maxSize: number): Response {
  const size = Math.min(maxSize, Math.max(1, Number(url.searchParams.get("page_size") ?? defaultSize) || defaultSize));
  const token = url.searchParams.get("page_token");
  let offset = 0;
  if (token) {
    const n = Number(Buffer.from(token, "base64url").toString());
    if (!Number.isInteger(n) || n < 0) return error(400, "invalid page_token");
    offset = n;
  }
  const data = items.slice(offset, offset + size);
  const metadata: Record<string, unknown> = { total_size: items.length };
  if (offset + size < items.length) {
    const next = new URL(url);
    next.searchParams.set("page_token", Buffer.from(String(offset + size)).toString("base64url"));
    metadata.next = next.toString();
  }
  return Response.json({ api_version: apiVersion, kind, metadata, data });
}

const alive = <T>(list: Array<Lived<T>>, now: number) => list.filter((o) => aliveAt(o, now)).map((o) => o.obj);

function envFilter(url: URL): string | undefined | Response {
  const env = url.searchParams.get("environment");
  return env ?? error(400, "environment query parameter is required");
}

/** Costs: start_date inclusive, end_date exclusive, both required; at most one month; rows by start_date. */
function costs(url: URL, state: ConfluentSimState): Response {
  const start = url.searchParams.get("start_date");
  const end = url.searchParams.get("end_date");
  if (!start || !end || !/^\d{4}-\d{2}-\d{2}$/.test(start) || !/^\d{4}-\d{2}-\d{2}$/.test(end)) {
    return error(400, "start_date and end_date (YYYY-MM-DD) are required");
  }
  const s = Date.parse(`${start}T00:00:00Z`);
  const e = Date.parse(`${end}T00:00:00Z`);
  const oneMonth = new Date(s);
  oneMonth.setUTCMonth(oneMonth.getUTCMonth() + 1);
  if (!(e > s)) return error(400, "end_date must be after start_date");
  if (e > oneMonth.getTime() + 86_400_000) return error(400, "date range must not exceed one month");
  const rows = state.costs.filter((c) => c.start_date >= start && c.start_date < end);
  return page(url, rows, "billing/v1", "CostList", 5000, 10000);
}

function exportMetrics(req: Request, url: URL, state: ConfluentSimState): Response {
  const ids = url.searchParams.getAll("resource.kafka.id");
  if (ids.length === 0) return error(400, "at least one resource filter is required");
  // The most recent complete minute, as the real endpoint: now − 5 min, floored to the minute.
  const minute = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
  const open = (req.headers.get("accept") ?? "").includes("application/openmetrics-text");
  const ts = open ? String(minute / 1000) : String(minute);
  const lines: string[] = [];
  for (const [metric, which, type] of [
    ["confluent_kafka_server_request_bytes", "request", "Produce"],
    ["confluent_kafka_server_response_bytes", "response", "Fetch"],
  ] as const) {
    lines.push(`# HELP ${metric} The delta count of bytes of the customer's data ${which === "request" ? "received" : "sent"} over the network.`);
    lines.push(`# TYPE ${metric} gauge`);
    const sums = new Map<string, number>();
    for (const s of state.traffic) {
      if (!ids.includes(s.kafkaId) || minute < s.fromHour || minute >= s.toHour) continue;
      const key = `${s.kafkaId}\u0000${s.principalId}`;
      sums.set(key, (sums.get(key) ?? 0) + minuteBytes(s, minute, which));
    }
    for (const [key, v] of [...sums].sort()) {
      const [kafka, principal] = key.split("\u0000");
      lines.push(`${metric}{kafka_id="${kafka}",principal_id="${principal}",type="${type}"} ${v} ${ts}`);
    }
  }
  if (open) lines.push("# EOF");
  return new Response(lines.join("\n") + "\n", {
    headers: { "content-type": open ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8" },
  });
}

async function route(req: Request, url: URL, state: ConfluentSimState): Promise<Response> {
  const p = url.pathname;
  const now = state.now;
  let m: RegExpMatchArray | null;
  if (p === "/billing/v1/costs") return costs(url, state);
  if (p === "/org/v2/environments") return page(url, alive(state.environments, now), "org/v2", "EnvironmentList", 100, 100);
  if (p === "/cmk/v2/clusters") {
    const env = envFilter(url);
    if (env instanceof Response) return env;
    return page(url, alive(state.clusters, now).filter((c) => c.spec.environment.id === env), "cmk/v2", "ClusterList", 10, 100);
  }
  if (p === "/iam/v2/service-accounts") return page(url, alive(state.serviceAccounts, now), "iam/v2", "ServiceAccountList", 100, 100);
  if (p === "/iam/v2/users") return page(url, alive(state.users, now), "iam/v2", "UserList", 100, 100);
  if (p === "/iam/v2/api-keys") return page(url, alive(state.apiKeys, now), "iam/v2", "ApiKeyList", 100, 100);
  if (p === "/iam/v2/identity-providers") return page(url, alive(state.identityProviders, now), "iam/v2", "IdentityProviderList", 100, 100);
  if ((m = p.match(/^\/iam\/v2\/identity-providers\/([^/]+)\/identity-pools$/))) {
    const id = decodeURIComponent(m[1]!);
    if (!state.identityProviders.some((x) => x.obj.id === id && aliveAt(x, now))) return error(404, "identity provider not found");
    return page(url, state.identityPools.filter((x) => x.providerId === id && aliveAt(x, now)).map((x) => x.obj), "iam/v2", "IdentityPoolList", 100, 100);
  }
  if ((m = p.match(/^\/connect\/v1\/environments\/([^/]+)\/clusters\/([^/]+)\/connectors$/))) {
    const [env, lkc] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
    if (!state.clusters.some((c) => c.obj.id === lkc && c.obj.spec.environment.id === env && aliveAt(c, now))) return error(404, "cluster not found");
    const expand = (url.searchParams.get("expand") ?? "").split(",");
    const list = state.connectors.filter((c) => c.envId === env && c.clusterId === lkc && aliveAt(c, now));
    if (!expand.includes("info")) return Response.json(list.map((c) => c.obj.info.name));
    const out: Record<string, unknown> = {};
    for (const c of list) {
      out[c.obj.info.name] = {
        ...(expand.includes("id") ? { id: c.obj.id } : {}),
        info: c.obj.info,
        ...(expand.includes("status") ? { status: c.obj.status } : {}),
      };
    }
    return Response.json(out);
  }
  const perEnv: Array<[string, Array<Lived<{ spec: { environment: { id: string } } }>>, string, string]> = [
    ["/ksqldbcm/v2/clusters", state.ksqlClusters, "ksqldbcm/v2", "ClusterList"],
    ["/srcm/v3/clusters", state.schemaRegistries, "srcm/v3", "ClusterList"],
    ["/fcpm/v2/compute-pools", state.flinkPools, "fcpm/v2", "ComputePoolList"],
  ];
  for (const [path, list, version, kind] of perEnv) {
    if (p !== path) continue;
    const env = envFilter(url);
    if (env instanceof Response) return env;
    return page(url, alive(list, now).filter((o) => o.spec.environment.id === env), version, kind, 100, 100);
  }
  if (p === "/v2/metrics/cloud/export") return exportMetrics(req, url, state);
  return error(404, `no route for ${p}`);
}

/**
 * Mountable handler for the shared sim server: answers only Confluent paths (undefined otherwise), checks Basic
 * auth, plays scripted failures first, then the fault profile.
 */
export function confluentSimRoutes(state: ConfluentSimState, faults?: FaultProfile | FaultInjector): SimRoute {
  const injector = faults instanceof FaultInjector ? faults : faults ? new FaultInjector(faults) : undefined;
  return async (req, url) => {
    if (!PREFIXES.some((p) => url.pathname.startsWith(p))) return undefined;
    state.requests.set(url.pathname, (state.requests.get(url.pathname) ?? 0) + 1);
    if (!authorised(req, state)) return error(401, "Unauthorized: invalid API key or secret");
    const idx = state.scriptedFailures.findIndex((f) => !f.pathPrefix || url.pathname.startsWith(f.pathPrefix));
    if (idx >= 0) {
      const f = state.scriptedFailures.splice(idx, 1)[0]!;
      const headers: Record<string, string> = f.retryAfterSeconds !== undefined ? { "Retry-After": String(f.retryAfterSeconds) } : {};
      if (f.status === 429) headers["X-RateLimit-Limit"] = "60";
      return error(f.status, f.status === 429 ? "Too Many Requests" : "simulated failure", headers);
    }
    if (!injector) return route(req, url, state);
    return injector.apply(req, () => route(req, url, state));
  };
}
