/** Enterprise Dashboard client: v2 NDJSON (default) or the retired v1 JSON API (`dashboard-api: v1`). */
import { HttpClient, type HttpClientOptions } from "../http.ts";
import { registerSecret } from "../../util/redact.ts";
import type { DashboardClient } from "./types.ts";
import { DashboardV1Client, type V1Options } from "./v1.ts";
import { DashboardV2Client, type V2Options } from "./v2.ts";

export type * from "./types.ts";
export { DashboardV1Client } from "./v1.ts";
export { DashboardV2Client, monthsTouched } from "./v2.ts";
export { TruncatedBodyError } from "./ndjson.ts";

export const DEFAULT_DASHBOARD_ENDPOINT = "https://api-enterprise-dashboard.otc-service.com";

export interface DashboardClientOptions extends V1Options, V2Options {
  endpoint?: string;
  secret: string;
  api?: "v1" | "v2";
  /** Passed to the HttpClient (timeouts, retries; tests inject `sleep`). */
  http?: Partial<Omit<HttpClientOptions, "endpoint" | "baseURL">>;
}

export function createDashboardClient(options: DashboardClientOptions): DashboardClient {
  registerSecret(options.secret);
  const http = new HttpClient({
    endpoint: "dashboard",
    baseURL: options.endpoint || DEFAULT_DASHBOARD_ENDPOINT,
    ...options.http,
    headers: { ...options.http?.headers, Authorization: `Bearer ${options.secret}` },
  });
  return options.api === "v1" ? new DashboardV1Client(http, options) : new DashboardV2Client(http, options);
}
