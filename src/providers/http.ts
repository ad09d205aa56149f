/**
 * The one HTTP layer every provider client uses (on ofetch): per-attempt timeouts, retries with exponential
 * backoff and full jitter that honour `Retry-After` and `X-RateLimit-Reset` — for idempotent requests only —,
 * per-endpoint request/error/retry counters (exported later by the metrics port), a per-attempt signing hook
 * (AK/SK signatures carry a timestamp, so every retry is signed anew) and secret redaction in every error.
 *
 * At most one call per mutation: a non-idempotent request goes out once, on a fresh connection that is closed
 * afterwards (`keepalive: false`). Bun's fetch re-sends a request by itself when a pooled keep-alive connection is
 * reset before the answer — measured: a DELETE on a reused connection that the server resets after processing
 * reaches it twice (test/providers/http-transport.test.ts). A fresh connection is never replayed, so the reset
 * surfaces as a transient error whose outcome the executor resolves by observation. GETs keep the pool and their
 * retries, including retries of a cut-off body.
 */
import { ofetch } from "ofetch";
import type { ApiEndpointStats } from "../engine/types.ts";
import { redact, redactThenCut } from "../util/redact.ts";

export interface PreparedRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** Exact bytes that will be sent ("" for none); signers hash this. */
  body: string;
}

export interface HttpClientOptions {
  /** Label for counters and messages, e.g. "ecs", "dashboard", "confluent.billing". */
  endpoint: string;
  baseURL: string;
  timeoutMs?: number;
  /** Maximum retries after the first attempt (idempotent requests only). */
  retries?: number;
  /** Base delay for the exponential backoff. */
  backoffBaseMs?: number;
  /** Upper bound for one wait, including a server-sent Retry-After. */
  backoffMaxMs?: number;
  headers?: Record<string, string>;
  /** Called for every attempt just before sending; may add headers (signature, date). */
  sign?: (req: PreparedRequest) => void | Promise<void>;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | Array<string | number>>;
  /** Object → JSON; string → sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the method-based default (GET/HEAD are idempotent, everything else is not). */
  idempotent?: boolean;
  /** Statuses to hand back to the caller instead of throwing (e.g. 404 for "already gone"). */
  acceptStatus?: number[];
  timeoutMs?: number;
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly endpoint: string,
    readonly status?: number,
    /** API error code from the body when there is one (OTC `error_code`, Confluent `errors[].code`). */
    readonly code?: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

const stats = new Map<string, ApiEndpointStats>();

function statFor(endpoint: string): ApiEndpointStats {
  let s = stats.get(endpoint);
  if (!s) {
    s = { endpoint, requests: 0, errors: 0, retries: 0 };
    stats.set(endpoint, s);
  }
  return s;
}

/** A copy of the counters, one row per endpoint label. */
export function httpStats(): ApiEndpointStats[] {
  return [...stats.values()].map((s) => ({ ...s })).sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}

export function resetHttpStats(): void {
  stats.clear();
}

/** Delay the server asked for, in ms, from `Retry-After` (seconds or HTTP date) or `X-RateLimit-Reset`. */
export function serverRequestedDelayMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get("retry-after");
  if (retryAfter) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const when = Date.parse(retryAfter);
    if (!Number.isNaN(when)) return Math.max(0, when - now);
  }
  const reset = headers.get("x-ratelimit-reset") ?? headers.get("ratelimit-reset");
  if (reset) {
    const n = Number(reset);
    if (Number.isFinite(n)) {
      // Confluent sends seconds until reset; some APIs send an epoch second. Tell them apart by size.
      return n > 1e9 ? Math.max(0, n * 1000 - now) : Math.max(0, n * 1000);
    }
  }
  return undefined;
}

export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  // Full jitter (AWS architecture blog): uniform in [0, min(max, base·2^attempt)].
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/**
 * RFC 3986 percent-encoding of one query key or value: only A–Z a–z 0–9 - _ . ~ stay as they are, so a space is
 * `%20`, never `+` (URLSearchParams would send `+`, which a gateway reads as a literal plus), and the bytes on the
 * wire are the bytes an AK/SK signer canonicalises.
 */
export function encodeQueryComponent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function buildUrl(baseURL: string, path: string, query?: RequestOptions["query"]): URL {
  const url = /^https?:\/\//.test(path) ? new URL(path) : new URL(baseURL.replace(/\/+$/, "") + path);
  if (query) {
    // Pairs already in the path stay byte for byte; a scalar option replaces a pair of the same name.
    let parts = url.search.slice(1).split("&").filter((p) => p !== "");
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      const key = encodeQueryComponent(k);
      if (!Array.isArray(v)) parts = parts.filter((p) => p.split("=")[0] !== key);
      for (const item of Array.isArray(v) ? v : [v]) parts.push(`${key}=${encodeQueryComponent(String(item))}`);
    }
    url.search = parts.length > 0 ? `?${parts.join("&")}` : "";
  }
  return url;
}

function errorCodeFrom(body: string): { code?: string; message?: string } {
  try {
    const j = JSON.parse(body) as Record<string, any>;
    const e = j.error ?? j.errors?.[0] ?? j;
    const code = e.code ?? e.error_code ?? j.error_code;
    const message = e.message ?? e.detail ?? e.error_msg ?? j.error_msg ?? j.message;
    return { code: code === undefined ? undefined : String(code), message: message ? String(message) : undefined };
  } catch {
    return {};
  }
}

export class HttpClient {
  readonly endpoint: string;
  private readonly opts: Required<Omit<HttpClientOptions, "sign" | "headers">> & Pick<HttpClientOptions, "sign" | "headers">;

  constructor(options: HttpClientOptions) {
    this.endpoint = options.endpoint;
    this.opts = {
      timeoutMs: 30_000,
      retries: 4,
      backoffBaseMs: 500,
      backoffMaxMs: 30_000,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      random: Math.random,
      ...options,
    };
  }

  get baseURL(): string {
    return this.opts.baseURL;
  }

  /** Sends the request (with retries when idempotent) and returns the raw Response with an unread body. */
  async raw(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const upper = method.toUpperCase();
    const idempotent = options.idempotent ?? (upper === "GET" || upper === "HEAD");
    const maxAttempts = idempotent ? this.opts.retries + 1 : 1;
    const stat = statFor(this.endpoint);
    let lastError: HttpError | undefined;

    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) stat.retries++;
      stat.requests++;
      const url = buildUrl(this.opts.baseURL, path, options.query);
      const headers = new Headers({ ...this.opts.headers, ...options.headers });
      let body = "";
      if (options.body !== undefined) {
        body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
        if (!headers.has("content-type")) headers.set("content-type", "application/json");
      }
      const prepared: PreparedRequest = { method: upper, url, headers, body };
      if (this.opts.sign) await this.opts.sign(prepared);

      let response: Response;
      try {
        response = await ofetch.raw(url.toString(), {
          method: upper,
          headers: prepared.headers,
          body: body === "" ? undefined : body,
          retry: 0,
          // Mutations: no pooled connection, so the runtime cannot replay them after a reset (see the header).
          ...(idempotent ? {} : { keepalive: false }),
          timeout: options.timeoutMs ?? this.opts.timeoutMs,
          ignoreResponseError: true,
          responseType: "stream",
        });
      } catch (err) {
        stat.errors++;
        const what = (err as Error)?.name === "TimeoutError" || /timeout|aborted/i.test(String(err)) ? "timed out" : "failed";
        lastError = new HttpError(
          redact(`${this.endpoint}: ${upper} ${url.pathname} ${what}: ${(err as Error)?.message ?? err}`),
          this.endpoint,
          undefined,
          undefined,
          true,
        );
        if (attempt + 1 < maxAttempts) {
          await this.opts.sleep(backoffDelayMs(attempt, this.opts.backoffBaseMs, this.opts.backoffMaxMs, this.opts.random));
          continue;
        }
        throw lastError;
      }

      if (response.ok || options.acceptStatus?.includes(response.status)) return response;

      stat.errors++;
      const text = await response.text().catch(() => "");
      const { code, message } = errorCodeFrom(text);
      const retryable = RETRYABLE_STATUS.has(response.status);
      lastError = new HttpError(
        redact(
          `${this.endpoint}: ${upper} ${url.pathname} → HTTP ${response.status}${code ? ` ${code}` : ""}${
            message ? `: ${message}` : text && !message ? `: ${redactThenCut(text, 200)}` : ""
          }`,
        ),
        this.endpoint,
        response.status,
        code,
        retryable,
      );
      if (!retryable || attempt + 1 >= maxAttempts) throw lastError;
      const requested = serverRequestedDelayMs(response.headers);
      const wait =
        requested !== undefined
          ? Math.min(this.opts.backoffMaxMs, requested)
          : backoffDelayMs(attempt, this.opts.backoffBaseMs, this.opts.backoffMaxMs, this.opts.random);
      await this.opts.sleep(wait);
    }
    throw lastError ?? new HttpError(`${this.endpoint}: request failed`, this.endpoint);
  }

  /**
   * JSON request/response. A body that is cut off or unreadable is never taken as data; for idempotent requests
   * the whole exchange is repeated (counted as a retry, with backoff) like any other transient failure.
   */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.jsonWithStatus<T>(method, path, options)).data;
  }

  /** `json` that also hands back the status (for `acceptStatus` callers such as "404 = gone"). */
  async jsonWithStatus<T>(method: string, path: string, options: RequestOptions = {}): Promise<{ status: number; data: T }> {
    const upper = method.toUpperCase();
    const idempotent = options.idempotent ?? (upper === "GET" || upper === "HEAD");
    const bodyAttempts = idempotent ? this.opts.retries + 1 : 1;
    let lastError: HttpError | undefined;
    for (let attempt = 0; attempt < bodyAttempts; attempt++) {
      const response = await this.raw(upper, path, options);
      if (!response.ok) {
        // An accepted error status (e.g. 404 = gone): the caller wants the status, not the body.
        await response.body?.cancel().catch(() => {});
        return { status: response.status, data: undefined as T };
      }
      let text: string | undefined;
      try {
        text = await response.text();
      } catch {
        text = undefined; // connection dropped mid-body
      }
      if (text === "") return { status: response.status, data: undefined as T };
      if (text !== undefined) {
        try {
          return { status: response.status, data: JSON.parse(text) as T };
        } catch {
          // fall through: a cut-off body
        }
      }
      const stat = statFor(this.endpoint);
      stat.errors++;
      lastError = new HttpError(
        redact(`${this.endpoint}: ${upper} ${path}: response is not valid JSON (truncated?)`),
        this.endpoint,
        response.status,
        undefined,
        true,
      );
      if (attempt + 1 < bodyAttempts) {
        stat.retries++;
        await this.opts.sleep(backoffDelayMs(attempt, this.opts.backoffBaseMs, this.opts.backoffMaxMs, this.opts.random));
      }
    }
    throw lastError!;
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.json<T>("GET", path, options);
  }
}
