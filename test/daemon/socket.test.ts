import { afterAll, describe, expect, test } from "bun:test";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { createConnection } from "node:net";
import { ControlSocketServer } from "../../src/daemon/socket-server.ts";
import { ControlSocketClient } from "../../src/daemon/socket-client.ts";
import { H, makeEngine } from "../engine/fixtures.ts";

const cleanup: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function started() {
  const f = makeEngine({ ids: ["a", "b", "c"], gap: 25 });
  await f.engine.acquireLock();
  await f.engine.step();
  const path = join(f.dir, "ot3c.sock");
  const server = new ControlSocketServer({ path, engine: f.engine });
  await server.listen();
  cleanup.push(() => rmSync(f.dir, { recursive: true, force: true }), () => f.engine.stop(), () => server.close());
  return { ...f, path, server };
}

describe("control socket", () => {
  test("is owner-only (0600) and answers ping with the daemon's pid", async () => {
    const { path } = await started();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const c = await ControlSocketClient.connect(path);
    const r = await c.request({ cmd: "ping" });
    expect(r).toMatchObject({ ok: true, pid: process.pid });
    c.close();
  });

  test("approve / veto / postpone through the socket reach the store, with actor and source", async () => {
    const { path, store } = await started();
    const [a, b, c] = store.listItems();
    const client = await ControlSocketClient.connect(path);
    const ra = await client.send({ type: "approve", ids: [a!.id], actor: "alice", source: "cli" });
    expect(ra.ok).toBe(true);
    const rv = await client.request({ cmd: "veto", ids: [b!.id], reason: "needed for the demo", actor: "bob" });
    expect(rv).toMatchObject({ ok: true, result: { ok: true } });
    const rp = await client.request({ cmd: "postpone", ids: [c!.id], by: "2h", actor: "carol" });
    expect(rp.ok).toBe(true);
    expect(store.getItem(a!.id)!.state).toBe("APPROVED");
    expect(store.getItem(b!.id)!.vetoReason).toBe("needed for the demo");
    expect(store.getItem(c!.id)!.deadline).toBe(c!.deadline + 2 * H);
    const ev = store.auditEvents().filter((e) => e.action.startsWith("item.") && e.action !== "item.created");
    expect(ev.map((e) => [e.action, e.actor, e.source])).toEqual([
      ["item.approved", "alice", "cli"],
      ["item.vetoed", "bob", "socket"],
      ["item.postponed", "carol", "socket"],
    ]);
    client.close();
  });

  test("bad requests get errors that carry the request id", async () => {
    const { path } = await started();
    const client = await ControlSocketClient.connect(path);
    expect(await client.request({ cmd: "veto", ids: ["x"] })).toMatchObject({ ok: false, error: expect.stringContaining("reason") });
    expect(await client.request({ cmd: "postpone", ids: ["x"], by: "soon" })).toMatchObject({ ok: false });
    expect(await client.request({ cmd: "explode" })).toMatchObject({ ok: false, error: expect.stringContaining("unknown command") });
    // Raw garbage on the wire: an error line with id null, and the connection stays usable.
    const raw = createConnection(path);
    const lines: string[] = [];
    raw.setEncoding("utf8");
    raw.on("data", (d) => lines.push(...String(d).split("\n").filter(Boolean)));
    await new Promise((r) => raw.once("connect", r));
    raw.write("not json\n" + JSON.stringify({ id: 42, cmd: "ping" }) + "\n");
    for (let i = 0; i < 50 && lines.length < 2; i++) await Bun.sleep(10);
    expect(JSON.parse(lines[0]!)).toMatchObject({ id: null, ok: false });
    expect(JSON.parse(lines[1]!)).toMatchObject({ id: 42, ok: true });
    raw.destroy();
    client.close();
  });

  test("subscribe streams snapshots; the client works as an EngineHandle", async () => {
    const { path, engine, store } = await started();
    const client = await ControlSocketClient.connect(path);
    expect(client.connection).toBe(`attached:${path}`);
    const seen: number[] = [];
    client.subscribe((s) => seen.push(s.plan.filter((i) => i.state === "VETOED").length));
    for (let i = 0; i < 50 && !client.getSnapshot(); i++) await Bun.sleep(10);
    expect(client.getSnapshot()!.plan.length).toBe(3);
    await engine.send({ type: "veto", ids: [store.listItems()[0]!.id], reason: "r", actor: "x", source: "tui" });
    for (let i = 0; i < 100 && !seen.includes(1); i++) await Bun.sleep(10);
    expect(seen).toContain(1);
    client.close();
  });

  test("with socket-group the socket is 0660 and owned by that group", async () => {
    const f = makeEngine();
    const path = join(f.dir, "ot3c.sock");
    const gid = process.getgid!();
    const server = new ControlSocketServer({ path, engine: f.engine, group: String(gid) });
    await server.listen();
    cleanup.push(() => rmSync(f.dir, { recursive: true, force: true }), () => server.close());
    const st = statSync(path);
    expect(st.mode & 0o777).toBe(0o660);
    expect(st.gid).toBe(gid);
    await expect(new ControlSocketServer({ path: path + "2", engine: f.engine, group: "no-such-group-ot3c" }).listen()).rejects.toThrow(/does not exist/);
  });

  test("tryConnect returns undefined for a missing or stale socket", async () => {
    const { path, server } = await started();
    expect(await ControlSocketClient.tryConnect(path + ".nope")).toBeUndefined();
    await server.close();
    expect(await ControlSocketClient.tryConnect(path)).toBeUndefined();
  });
});
