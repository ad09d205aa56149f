/**
 * AK/SK request signing for T Cloud Public, the API Gateway variant of `SDK-HMAC-SHA256`
 * (reference/otc-and-ot3c.md §3; Huawei "devg-apisign", huaweicloud-sdk-go-v3 core/auth/signer):
 *
 *   CanonicalRequest = METHOD \n URI(always ending in "/") \n sorted query \n "name:value\n"… \n signed;names \n hex(sha256(body))
 *   StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(CanonicalRequest))
 *   Signature        = hex(HMAC-SHA256(SK, StringToSign))            (keyed with the SK itself, no derived key)
 *   Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>
 *
 * The same canonicalisation is used by `verifySignature`, which the simulated OTC uses to check every request it
 * receives, so a signing bug shows up as a 401 in our tests exactly as it would against the real gateway.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { encodeQueryComponent, type PreparedRequest } from "../http.ts";

export const ALGORITHM = "SDK-HMAC-SHA256";
export const DATE_HEADER = "x-sdk-date";
/** The API gateway rejects a request whose `X-Sdk-Date` is further than this from its own clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

/** Which headers a signer puts into SignedHeaders. */
export type HeaderSelection =
  /** Every header present when signing (the APIG guide; what the gateway accepts). */
  | "all"
  /** huaweicloud-sdk-go-v3: skips names containing "_" and `content-type`. */
  | "sdk-go-v3"
  | ((lowerCaseName: string) => boolean);

export interface SignOptions {
  accessKey: string;
  secretKey: string;
  /** Header selection rule; default "all". */
  headers?: HeaderSelection;
  /** Add a `Host` header from the URL when none is set (the gateway requires a signed host); default true. */
  addHost?: boolean;
  /** Fixed `X-Sdk-Date` (tests, published vectors); otherwise derived from `now`. */
  date?: string;
  now?: () => number;
}

/** The unreserved set of the APIG signer: A–Z a–z 0–9 - _ . ~ ; everything else is %XX (upper case). */
export function escapeComponent(value: string): string {
  // The same rule the HTTP layer encodes queries with, so what is signed is what is sent.
  return encodeQueryComponent(value);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Each path segment decoded then re-escaped; the result always ends in "/". */
export function canonicalUri(pathname: string): string {
  const segments = pathname.split("/").map((seg) => escapeComponent(safeDecode(seg)));
  let uri = segments.join("/");
  if (!uri.startsWith("/")) uri = "/" + uri;
  if (!uri.endsWith("/")) uri += "/";
  return uri;
}

/** Sorted by key, then by value, as `k=v` joined by `&`, with keys and values escaped. */
export function canonicalQuery(params: URLSearchParams): string {
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of params) pairs.push([escapeComponent(k), escapeComponent(v)]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

/**
 * The canonical query of a query string exactly as it goes on the wire (`?` optional): split at `&` and the first
 * `=`, percent-decoded — a `+` stays a literal plus, as the gateway reads it —, then escaped and sorted like
 * `canonicalQuery`. Signing and verifying both start from these bytes, so a client that puts a space on the wire
 * as `+` but signs it as `%20` is caught here exactly as the gateway catches it.
 */
export function canonicalQueryOfSearch(search: string): string {
  const raw = search.startsWith("?") ? search.slice(1) : search;
  const params = new URLSearchParams();
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    params.append(safeDecode(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? "" : safeDecode(part.slice(eq + 1)));
  }
  return canonicalQuery(params);
}

/** `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` signs that literal instead of the body's hash (APIG, the SDKs). */
export const CONTENT_SHA256_HEADER = "x-sdk-content-sha256";
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

function selectHeaders(headers: Headers, rule: HeaderSelection): string[] {
  const pick =
    rule === "all"
      ? () => true
      : rule === "sdk-go-v3"
        ? (n: string) => !n.includes("_") && n !== "content-type"
        : rule;
  const names = new Set<string>();
  headers.forEach((_v, name) => {
    const lower = name.toLowerCase();
    if (pick(lower)) names.add(lower);
  });
  return [...names].sort();
}

export function hexSha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function canonicalRequest(
  method: string,
  url: URL,
  headers: Headers,
  signedHeaders: string[],
  body: string | Uint8Array,
): string {
  const headerLines = signedHeaders.map((n) => `${n}:${(headers.get(n) ?? "").trim()}\n`).join("");
  return [
    method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQueryOfSearch(url.search),
    headerLines,
    signedHeaders.join(";"),
    headers.get(CONTENT_SHA256_HEADER) === UNSIGNED_PAYLOAD ? UNSIGNED_PAYLOAD : hexSha256(body),
  ].join("\n");
}

export function stringToSign(date: string, canonical: string): string {
  return `${ALGORITHM}\n${date}\n${hexSha256(canonical)}`;
}

export function computeSignature(secretKey: string, toSign: string): string {
  return createHmac("sha256", secretKey).update(toSign).digest("hex");
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function sdkDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** Parses `YYYYMMDDTHHMMSSZ`; NaN when malformed. */
export function parseSdkDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

export interface SignResult {
  authorization: string;
  signedHeaders: string[];
  canonicalRequest: string;
  signature: string;
}

/**
 * Signs in place: sets `X-Sdk-Date` (and `Host`), computes the signature over the exact body bytes and sets
 * `Authorization`. Returns the intermediate values for tests and debugging.
 */
export function signRequest(req: PreparedRequest, opts: SignOptions): SignResult {
  const date = req.headers.get(DATE_HEADER) ?? opts.date ?? sdkDate((opts.now ?? Date.now)());
  req.headers.set("X-Sdk-Date", date);
  if ((opts.addHost ?? true) && !req.headers.has("host")) req.headers.set("Host", req.url.host);
  req.headers.delete("authorization");
  const signed = selectHeaders(req.headers, opts.headers ?? "all");
  const canonical = canonicalRequest(req.method, req.url, req.headers, signed, req.body);
  const signature = computeSignature(opts.secretKey, stringToSign(date, canonical));
  const authorization = `${ALGORITHM} Access=${opts.accessKey}, SignedHeaders=${signed.join(";")}, Signature=${signature}`;
  req.headers.set("Authorization", authorization);
  return { authorization, signedHeaders: signed, canonicalRequest: canonical, signature };
}

/**
 * The `sign` hook for `HttpClient`: every attempt (including retries) gets a fresh date and signature, computed
 * over the bytes that attempt sends.
 */
export function createSigner(opts: Omit<SignOptions, "date">): (req: PreparedRequest) => void {
  return (req) => {
    // A retry reuses nothing: drop a stale date so the new attempt is dated now.
    req.headers.delete(DATE_HEADER);
    signRequest(req, opts);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Verification (used by the simulated gateway).

export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string | Uint8Array;
}

export type VerifyResult =
  | { ok: true; accessKey: string }
  | { ok: false; accessKey?: string; reason: string };

export interface VerifyOptions {
  /** Secret key for an access key, or undefined when the AK is unknown. */
  secretFor: (accessKey: string) => string | undefined;
  /** Reject dates further than this from `now` (the gateway allows 15 minutes, `MAX_CLOCK_SKEW_MS`); default: no check. */
  maxSkewMs?: number;
  now?: () => number;
}

const AUTH_RE = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$/;

/** Recomputes the signature from the request as received and compares in constant time. */
export function verifySignature(req: ReceivedRequest, opts: VerifyOptions): VerifyResult {
  const auth = req.headers.get("authorization");
  if (!auth) return { ok: false, reason: "missing Authorization header" };
  const m = AUTH_RE.exec(auth.trim());
  if (!m) return { ok: false, reason: "malformed Authorization header" };
  const [, accessKey, signedList, signature] = m as unknown as [string, string, string, string];
  const date = req.headers.get(DATE_HEADER);
  if (!date) return { ok: false, accessKey, reason: "missing X-Sdk-Date header" };
  const when = parseSdkDate(date);
  if (Number.isNaN(when)) return { ok: false, accessKey, reason: "malformed X-Sdk-Date header" };
  if (opts.maxSkewMs !== undefined && Math.abs((opts.now ?? Date.now)() - when) > opts.maxSkewMs) {
    return { ok: false, accessKey, reason: "X-Sdk-Date outside the allowed clock skew" };
  }
  const signed = signedList.split(";").map((s) => s.toLowerCase());
  if (!signed.includes(DATE_HEADER)) return { ok: false, accessKey, reason: "x-sdk-date is not signed" };
  const secret = opts.secretFor(accessKey);
  if (secret === undefined) return { ok: false, accessKey, reason: "unknown access key" };
  const expected = computeSignature(secret, stringToSign(date, canonicalRequest(req.method, req.url, req.headers, signed, req.body)));
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(signature.toLowerCase(), "utf8");
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, accessKey, reason: "signature mismatch" };
  return { ok: true, accessKey };
}
