/**
 * Confluent Cloud REST client (Billing, Org, CMK, IAM, Connect, ksqlDB, SRCM, FCPM) over the shared HttpClient:
 * Basic auth with the Cloud API key, retries and 429 back-off from http.ts, and — unlike v1, whose recursive
 * generator yielded only the first page — every `metadata.next` page is read.
 */
import { HttpClient, HttpError, type HttpClientOptions } from "../http.ts";
import { registerSecret } from "../../util/redact.ts";
import type {
  ListResponse,
  WireApiKey,
  WireConnectorExpanded,
  WireCost,
  WireEnvironment,
  WireFlinkPool,
  WireIdentityPool,
  WireIdentityProvider,
  WireKafkaCluster,
  WireKsqlCluster,
  WireSchemaRegistry,
  WireServiceAccount,
  WireUser,
} from "./wire.ts";

export interface ConfluentClientOptions {
  apiKey: string;
  apiSecret: string;
  baseUrl: string;
  /** Passed through to HttpClient (tests shorten timeouts and waits). */
  http?: Partial<HttpClientOptions>;
  /** Billing page size (the API allows up to 10000). */
  billingPageSize?: number;
  pageSize?: number;
}

/** Guard against a server that keeps sending `next` forever. */
const MAX_PAGES = 100_000;

export class ConfluentClient {
  private readonly http: HttpClient;
  private readonly billingPageSize: number;
  private readonly pageSize: number;

  constructor(options: ConfluentClientOptions) {
    registerSecret(options.apiSecret);
    const basic = Buffer.from(`${options.apiKey}:${options.apiSecret}`).toString("base64");
    registerSecret(basic);
    this.http = new HttpClient({
      endpoint: "confluent",
      baseURL: options.baseUrl,
      timeoutMs: 30_000,
      ...options.http,
      headers: { authorization: `Basic ${basic}`, accept: "application/json", ...options.http?.headers },
    });
    this.billingPageSize = options.billingPageSize ?? 10_000;
    this.pageSize = options.pageSize ?? 100;
  }

  /**
   * GET with JSON, re-asked when the body arrived cut off (http.ts retries statuses, but a 200 whose body is not
   * complete JSON is only detected while parsing — and must never be taken as a short page).
   */
  private async get<T>(path: string, query: Record<string, string | number | undefined>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.http.get<T>(path, { query });
      } catch (err) {
        const truncated = err instanceof HttpError && err.retryable && err.status !== undefined && err.status < 300;
        if (!truncated || attempt >= 3) throw err;
      }
    }
  }

  /** Reads every page of a list endpoint, following `metadata.next` (its `page_token`). */
  async listAll<T>(path: string, query: Record<string, string | number | undefined> = {}, pageSize = this.pageSize): Promise<T[]> {
    const out: T[] = [];
    let pageToken: string | undefined;
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.get<ListResponse<T>>(path, { ...query, page_size: pageSize, page_token: pageToken });
      if (!res || !Array.isArray(res.data)) throw new HttpError(`confluent: ${path}: response has no data[]`, "confluent");
      out.push(...res.data);
      const next = res.metadata?.next;
      if (!next) return out;
      const token = new URL(next, "http://x").searchParams.get("page_token") ?? undefined;
      if (!token || seen.has(token)) throw new HttpError(`confluent: ${path}: paging did not advance`, "confluent");
      seen.add(token);
      pageToken = token;
    }
    throw new HttpError(`confluent: ${path}: more than ${MAX_PAGES} pages`, "confluent");
  }

  /** One request for one item (preflight checks): proves reachability and authorisation without paging. */
  async probe(path: string, query: Record<string, string | number | undefined> = {}): Promise<{ items: number; total?: number }> {
    const res = await this.get<ListResponse<unknown>>(path, { ...query, page_size: 1 });
    if (!res || !Array.isArray(res.data)) throw new HttpError(`confluent: ${path}: response has no data[]`, "confluent");
    return { items: res.data.length, total: res.metadata?.total_size };
  }

  /**
   * Cost rows for [startDate, endDate) (`YYYY-MM-DD`, UTC, end exclusive). The API allows at most one month per
   * request, so longer ranges are cut into windows of ≤ 1 calendar month.
   */
  async costs(startDate: string, endDate: string): Promise<WireCost[]> {
    const out: WireCost[] = [];
    for (const [from, to] of monthWindows(startDate, endDate)) {
      out.push(...(await this.listAll<WireCost>("/billing/v1/costs", { start_date: from, end_date: to }, this.billingPageSize)));
    }
    return out;
  }

  environments(): Promise<WireEnvironment[]> {
    return this.listAll("/org/v2/environments");
  }

  kafkaClusters(envId: string): Promise<WireKafkaCluster[]> {
    return this.listAll("/cmk/v2/clusters", { environment: envId });
  }

  serviceAccounts(): Promise<WireServiceAccount[]> {
    return this.listAll("/iam/v2/service-accounts");
  }

  users(): Promise<WireUser[]> {
    return this.listAll("/iam/v2/users");
  }

  apiKeys(): Promise<WireApiKey[]> {
    return this.listAll("/iam/v2/api-keys");
  }

  identityProviders(): Promise<WireIdentityProvider[]> {
    return this.listAll("/iam/v2/identity-providers");
  }

  identityPools(providerId: string): Promise<WireIdentityPool[]> {
    return this.listAll(`/iam/v2/identity-providers/${encodeURIComponent(providerId)}/identity-pools`);
  }

  /** Connectors of one cluster; the response is a map keyed by connector name (no paging). */
  async connectors(envId: string, clusterId: string): Promise<Record<string, WireConnectorExpanded>> {
    const res = await this.get<Record<string, WireConnectorExpanded>>(
      `/connect/v1/environments/${encodeURIComponent(envId)}/clusters/${encodeURIComponent(clusterId)}/connectors`,
      { expand: "info,status,id" },
    );
    if (!res || typeof res !== "object" || Array.isArray(res)) throw new HttpError(`confluent: connectors of ${clusterId}: not a map`, "confluent");
    return res;
  }

  ksqlClusters(envId: string): Promise<WireKsqlCluster[]> {
    return this.listAll("/ksqldbcm/v2/clusters", { environment: envId });
  }

  schemaRegistries(envId: string): Promise<WireSchemaRegistry[]> {
    return this.listAll("/srcm/v3/clusters", { environment: envId });
  }

  flinkPools(envId: string): Promise<WireFlinkPool[]> {
    return this.listAll("/fcpm/v2/compute-pools", { environment: envId });
  }
}

/** [from, to) cut into windows that never exceed one calendar month (the Costs API limit). */
export function monthWindows(startDate: string, endDate: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let from = new Date(`${startDate}T00:00:00Z`);
  const end = new Date(`${endDate}T00:00:00Z`);
  while (from < end) {
    const next = new Date(from);
    next.setUTCMonth(next.getUTCMonth() + 1);
    // 31 Jan + 1 month overflows into March in JS; clamp to the first of the following month instead.
    if (next.getUTCDate() !== from.getUTCDate()) next.setUTCDate(0);
    const to = next < end ? next : end;
    out.push([from.toISOString().slice(0, 10), to.toISOString().slice(0, 10)]);
    from = to;
  }
  return out;
}
