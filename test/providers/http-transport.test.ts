/**
 * What the runtime's fetch does beneath our retry policy, proved against a real server on 127.0.0.1: Bun re-sends
 * a request by itself when a pooled keep-alive connection is reset before the answer. For a DELETE that the server
 * already processed that is a second delete with no re-check and no audit. HttpClient sends mutations on a fresh
 * connection, which the runtime never replays; GETs keep their retries, including cut-off bodies.
 */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { HttpClient, HttpError, httpStats, resetHttpStats } from "../../src/providers/http.ts";
import { isTransient } from "../../src/engine/execution.ts";

const processed: string[] = [];
let mode: "reset-after-processing" | "reset-twice" | "truncate-once" | "ok" = "ok";
let truncations = 0;
let resets = 0;

/** An errored body stream makes Bun.serve drop the connection without sending a byte: a reset after processing. */
const resetResponse = () => new Response(new ReadableStream({ start: (c) => c.error(undefined) }));

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const url = new URL(req.url);
    if (url.pathname === "/warm") return Response.json({ ok: true });
    processed.push(`${req.method} ${url.pathname}`);
    if (mode === "reset-after-processing") return resetResponse();
    if (mode === "reset-twice" && resets-- > 0) return resetResponse();
    if (mode === "truncate-once" && truncations-- > 0) return new Response('{"volume":{"id":"v1","sta', { headers: { "content-type": "application/json" } });
    return Response.json({ volume: { id: "v1", status: "available" } });
  },
});
afterAll(() => server.stop(true));

const client = () => new HttpClient({ endpoint: "t", baseURL: `http://127.0.0.1:${server.port}`, retries: 3, sleep: async () => {}, random: () => 0 });

beforeEach(() => {
  processed.length = 0;
  mode = "ok";
  resetHttpStats();
});

describe("transport: at most one call per mutation", () => {
  test("the runtime's own fetch replays a DELETE on a reset keep-alive connection (why HttpClient must not pool mutations)", async () => {
    const base = `http://127.0.0.1:${server.port}`;
    await (await fetch(`${base}/warm`)).text(); // a pooled connection now exists
    mode = "reset-after-processing";
    await fetch(`${base}/v2/p/cloudvolumes/v1`, { method: "DELETE" }).catch(() => undefined);
    // Documents Bun's behaviour; if a future Bun stops replaying, this becomes 1 and the guard stays harmless.
    expect(processed.length).toBeGreaterThanOrEqual(1);
    if (processed.length > 1) expect(processed).toEqual(["DELETE /v2/p/cloudvolumes/v1", "DELETE /v2/p/cloudvolumes/v1"]);
  });

  for (const method of ["DELETE", "POST"]) {
    test(`${method} reset after the server processed it reaches the server once and fails as transient`, async () => {
      const c = client();
      await c.get("/warm"); // the client's pool holds a live keep-alive connection
      await c.get("/warm");
      mode = "reset-after-processing";
      const err = await c.json(method, "/v2/p/cloudvolumes/v1", method === "POST" ? { body: { servers: [{ id: "v1" }] } } : {}).catch((e) => e);
      expect(processed).toEqual([`${method} /v2/p/cloudvolumes/v1`]);
      expect(err).toBeInstanceOf(HttpError);
      expect(isTransient(err)).toBe(true); // the executor resolves it by observation, never by re-sending
    });
  }

  test("a GET through a reset is retried (idempotent)", async () => {
    const c = client();
    await c.get("/warm");
    mode = "reset-twice";
    resets = 2;
    const res = await c.get<{ volume?: { id: string } }>("/v2/p/cloudvolumes/v1");
    expect(res.volume?.id).toBe("v1");
    expect(resets).toBeLessThanOrEqual(0);
  });

  test("a GET whose body is cut off is retried and then succeeds; the cut-off body never passes as data", async () => {
    mode = "truncate-once";
    truncations = 2;
    const res = await client().get<{ volume: { id: string; status: string } }>("/v2/p/cloudvolumes/v1");
    expect(res.volume).toEqual({ id: "v1", status: "available" });
    expect(processed.length).toBe(3);
    expect(httpStats()[0]!.retries).toBe(2);
  });

  test("a mutation whose answer is cut off is not repeated", async () => {
    mode = "truncate-once";
    truncations = 1;
    const err = await client().json("DELETE", "/v2/p/cloudvolumes/v1").catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(processed.length).toBe(1);
  });
});
