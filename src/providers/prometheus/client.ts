/**
 * Prometheus HTTP API client: `query_range` and `query`, sent as POST form bodies (long PromQL never hits URL
 * limits), with none/basic/bearer auth. Query requests are idempotent, so http.ts may retry them.
 */
import type { PrometheusAuth } from "../../config/types.ts";
import { HttpClient, HttpError, type HttpClientOptions } from "../http.ts";
import { registerSecret } from "../../util/redact.ts";

export interface MatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

interface ApiResponse<T> {
  status: "success" | "error";
  data?: { resultType: string; result: T };
  errorType?: string;
  error?: string;
}

export interface PrometheusClientOptions {
  url: string;
  auth?: PrometheusAuth;
  http?: Partial<HttpClientOptions>;
  endpoint?: string;
}

export class PrometheusClient {
  private readonly http: HttpClient;

  constructor(options: PrometheusClientOptions) {
    const headers: Record<string, string> = { accept: "application/json" };
    const auth = options.auth ?? { type: "none" };
    if (auth.type === "basic") {
      registerSecret(auth.password);
      const b = Buffer.from(`${auth.username ?? ""}:${auth.password ?? ""}`).toString("base64");
      registerSecret(b);
      headers.authorization = `Basic ${b}`;
    } else if (auth.type === "bearer") {
      registerSecret(auth.token);
      headers.authorization = `Bearer ${auth.token ?? ""}`;
    }
    this.http = new HttpClient({
      endpoint: options.endpoint ?? "prometheus",
      baseURL: options.url,
      ...options.http,
      headers: { ...headers, ...options.http?.headers },
    });
  }

  private async post<T>(path: string, form: Record<string, string>): Promise<T> {
    let res: ApiResponse<T> | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        res = await this.http.json<ApiResponse<T>>("POST", path, {
          body: new URLSearchParams(form).toString(),
          headers: { "content-type": "application/x-www-form-urlencoded" },
          idempotent: true,
        });
        break;
      } catch (err) {
        // A 200 whose JSON was cut off is asked again (queries are idempotent); anything else is the caller's.
        const truncated = err instanceof HttpError && err.retryable && err.status !== undefined && err.status < 300;
        if (!truncated || attempt >= 3) throw err;
      }
    }
    if (!res || res.status !== "success" || !res.data) {
      throw new HttpError(`prometheus: ${path}: ${res?.errorType ?? "error"}: ${res?.error ?? "no data"}`, "prometheus");
    }
    return res.data.result;
  }

  /** Range query; `start`/`end` in epoch seconds, `step` in seconds. */
  queryRange(query: string, start: number, end: number, step: number): Promise<MatrixSeries[]> {
    return this.post<MatrixSeries[]>("/api/v1/query_range", { query, start: String(start), end: String(end), step: String(step) });
  }

  /** Instant query at `time` (epoch seconds). */
  query(query: string, time?: number): Promise<VectorSample[]> {
    const form: Record<string, string> = { query };
    if (time !== undefined) form.time = String(time);
    return this.post<VectorSample[]>("/api/v1/query", form);
  }
}
