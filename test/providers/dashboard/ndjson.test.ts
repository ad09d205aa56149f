// Wire-level cases the simulator does not produce on its own: a dropped connection, a short Content-Length body,
// a body without a final newline, and the JSON-array form shown in the documentation's examples.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readNdjson, TruncatedBodyError } from "../../../src/providers/dashboard/ndjson.ts";
import { createDashboardClient } from "../../../src/providers/dashboard/index.ts";

const line = (i: number) => JSON.stringify({ consumption_date: "2026-03-01T00:00:00+01:00", resource_id: `r${i}`, product: "OTC_X", amount: 1 });
let server: ReturnType<typeof Bun.serve>;
let base: string;
// A raw TCP server that starts a chunked NDJSON response and then closes the socket mid-body.
let dropper: Bun.TCPSocketListener<undefined>;

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/no-final-newline") return new Response(line(1) + "\n" + line(2));
      if (path === "/array") return new Response(JSON.stringify([JSON.parse(line(1)), JSON.parse(line(2))], null, 2));
      if (path === "/cut-array") return new Response("[" + line(1) + ",\n" + line(2).slice(0, 20));
      if (path === "/v2/daily/consumption/") return new Response(line(1) + "\n" + line(2).slice(0, 30));
      return new Response("not found", { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
  dropper = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket) {
        const chunk = line(1) + "\n" + line(2) + "\n";
        socket.write(
          "HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n" +
            `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`,
        );
        setTimeout(() => socket.end(), 20);
      },
    },
  });
});
afterAll(() => {
  server.stop(true);
  dropper.stop(true);
});

async function collect(path: string) {
  const got: unknown[] = [];
  const res = await fetch(base + path);
  await readNdjson(res, (v) => got.push(v), "test");
  return got;
}

test("a dropped connection is a TruncatedBodyError", async () => {
  const res = await fetch(`http://127.0.0.1:${dropper.port}/`);
  const got: unknown[] = [];
  const err = await readNdjson(res, (v) => got.push(v), "test").catch((e) => e);
  expect(err).toBeInstanceOf(TruncatedBodyError);
  expect(String(err.message)).toMatch(/connection lost after \d+ bytes and 2 complete records/);
});

test("a complete last line without a newline is accepted (no data can be missing)", async () => {
  expect((await collect("/no-final-newline")).length).toBe(2);
});

test("the documented JSON-array form is read, and a cut array is refused", async () => {
  expect((await collect("/array")).length).toBe(2);
  await expect(collect("/cut-array")).rejects.toBeInstanceOf(TruncatedBodyError);
});

test("the client names the truncation and returns nothing", async () => {
  const c = createDashboardClient({ endpoint: base, secret: "token-abcdef", http: { sleep: async () => {} }, streamRetries: 0 });
  await expect(c.dailyCosts("2026-03-01", "2026-03-02")).rejects.toThrow(/truncated after 1 complete records/);
});
