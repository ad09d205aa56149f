import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { HttpClient, HttpError, backoffDelayMs, httpStats, resetHttpStats, serverRequestedDelayMs } from "../../src/providers/http.ts";
import { clearSecrets, redact, registerSecret } from "../../src/util/redact.ts";

/** A tiny real server whose behaviour each test scripts through a queue of responses. */
const queue: Array<() => Response | Promise<Response>> = [];
const seen: Array<{ method: string; path: string; auth: string | null }> = [];
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const url = new URL(req.url);
    seen.push({ method: req.method, path: url.pathname + url.search, auth: req.headers.get("authorization") });
    const next = queue.shift();
    return next ? next() : Response.json({ ok: true });
  },
});
const base = `http://127.0.0.1:${server.port}`;
afterAll(() => server.stop(true));

const sleeps: number[] = [];
function client(extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  return new HttpClient({
    endpoint: "test",
    baseURL: base,
    retries: 3,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
}

beforeEach(() => {
  queue.length = 0;
  seen.length = 0;
  sleeps.length = 0;
  resetHttpStats();
  clearSecrets();
});

describe("HttpClient", () => {
  test("retries a GET after 429 and honours Retry-After", async () => {
    queue.push(() => Response.json({ error: { code: "RL", message: "slow down" } }, { status: 429, headers: { "Retry-After": "7" } }));
    const body = await client().get<{ ok: boolean }>("/x", { query: { a: 1, b: ["x", "y"] } });
    expect(body.ok).toBe(true);
    expect(sleeps).toEqual([7000]);
    expect(seen.map((s) => s.path)).toEqual(["/x?a=1&b=x&b=y", "/x?a=1&b=x&b=y"]);
    expect(httpStats()).toEqual([{ endpoint: "test", requests: 2, errors: 1, retries: 1 }]);
  });

  test("X-RateLimit-Reset (relative seconds) sets the wait when there is no Retry-After", async () => {
    queue.push(() => new Response("{}", { status: 429, headers: { "X-RateLimit-Reset": "3" } }));
    await client().get("/x");
    expect(sleeps).toEqual([3000]);
  });

  test("5xx backs off exponentially with jitter, then gives up with a clear error", async () => {
    for (let i = 0; i < 4; i++) queue.push(() => Response.json({ error_code: "ECS.9999", error_msg: "boom" }, { status: 503 }));
    const err = (await client().get("/servers").catch((e) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(503);
    expect(err.code).toBe("ECS.9999");
    expect(err.message).toContain("test: GET /servers → HTTP 503 ECS.9999: boom");
    // full jitter with random()=0.5: half of 500·2^n
    expect(sleeps).toEqual([250, 500, 1000]);
    expect(seen.length).toBe(4);
  });

  test("never retries a non-idempotent request", async () => {
    queue.push(() => new Response("{}", { status: 503 }));
    const err = await client().json("POST", "/delete", { body: { servers: [{ id: "a" }] } }).catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(seen.length).toBe(1);
    expect(sleeps).toEqual([]);
  });

  test("4xx other than 408/425/429 is not retried", async () => {
    queue.push(() => new Response('{"error":{"code":"APIGW.0301","message":"Incorrect IAM authentication information"}}', { status: 401 }));
    const err = (await client().get("/x").catch((e) => e)) as HttpError;
    expect(err.status).toBe(401);
    expect(err.message).toContain("Incorrect IAM authentication information");
    expect(seen.length).toBe(1);
  });

  test("acceptStatus hands the response back instead of throwing", async () => {
    queue.push(() => new Response("gone", { status: 404 }));
    const res = await client().raw("DELETE", "/v", { acceptStatus: [404] });
    expect(res.status).toBe(404);
  });

  test("a truncated JSON body is an error, never data", async () => {
    queue.push(() => new Response('{"servers":[{"id":"a"},{"id":', { headers: { "content-type": "application/json" } }));
    const err: any = await client({ retries: 0 }).get("/x").catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(String(err.message)).toContain("not valid JSON");
  });

  test("the sign hook runs for every attempt and sees the exact body", async () => {
    const signed: string[] = [];
    queue.push(() => new Response("{}", { status: 500 }));
    await client({
      sign: (req) => {
        signed.push(`${req.method} ${req.url.pathname} ${req.body}`);
        req.headers.set("authorization", `sig-${signed.length}`);
      },
    }).json("PUT", "/p", { body: { a: 1 }, idempotent: true });
    expect(signed).toEqual(['PUT /p {"a":1}', 'PUT /p {"a":1}']);
    expect(seen.map((s) => s.auth)).toEqual(["sig-1", "sig-2"]);
  });

  test("connection failures are retried and reported without secrets", async () => {
    registerSecret("S3cr3tValue");
    const c = new HttpClient({ endpoint: "down", baseURL: "http://127.0.0.1:1", retries: 1, sleep: async () => {}, headers: { Authorization: "Bearer S3cr3tValue" } });
    const err = (await c.get("/x?token=S3cr3tValue").catch((e) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.message).not.toContain("S3cr3tValue");
    expect(httpStats().find((s) => s.endpoint === "down")).toEqual({ endpoint: "down", requests: 2, errors: 2, retries: 1 });
  });
});

describe("helpers", () => {
  test("serverRequestedDelayMs reads seconds, HTTP dates and epoch resets", () => {
    const now = Date.parse("2026-11-22T12:00:00Z");
    expect(serverRequestedDelayMs(new Headers({ "Retry-After": "2" }), now)).toBe(2000);
    expect(serverRequestedDelayMs(new Headers({ "Retry-After": "Sun, 22 Nov 2026 12:00:05 GMT" }), now)).toBe(5000);
    expect(serverRequestedDelayMs(new Headers({ "X-RateLimit-Reset": String(now / 1000 + 9) }), now)).toBe(9000);
    expect(serverRequestedDelayMs(new Headers({}), now)).toBeUndefined();
  });

  test("backoff stays within its ceiling", () => {
    expect(backoffDelayMs(10, 500, 30_000, () => 0.999)).toBeLessThanOrEqual(30_000);
    expect(backoffDelayMs(0, 500, 30_000, () => 1)).toBe(500);
  });

  test("redact removes registered secrets and credential-looking pairs", () => {
    registerSecret("abcdef123456");
    expect(redact("key abcdef123456 used")).toBe("key *** used");
    expect(redact("password=hunter22 and token: zzz")).toBe("password=*** and token: ***");
  });
});
