import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { Notifier } from "../../src/notify/notifier.ts";
import { formatCountdown } from "../../src/notify/message.ts";
import { Store } from "../../src/store/store.ts";
import type { NotifyConfig } from "../../src/config/types.ts";
import { H, MIN, T0, makeEngine } from "../engine/fixtures.ts";

interface Mail {
  from: string;
  to: string[];
  raw: string;
}
const mails: Mail[] = [];
const hooks: Array<Record<string, unknown>> = [];
let smtp: SMTPServer;
let smtpPort = 0;
let hookServer: ReturnType<typeof Bun.serve>;
let hookFailures = 0;
const dirs: string[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, cb) {
      let raw = "";
      stream.on("data", (d: Buffer) => (raw += d.toString("utf8")));
      stream.on("end", () => {
        mails.push({ from: String(session.envelope.mailFrom && session.envelope.mailFrom.address), to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", () => r()));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  hookServer = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      if (hookFailures > 0) {
        hookFailures--;
        return new Response("overloaded", { status: 503 });
      }
      hooks.push((await req.json()) as Record<string, unknown>);
      return new Response("ok");
    },
  });
});
afterAll(async () => {
  await new Promise<void>((r) => smtp.close(() => r()));
  hookServer.stop(true);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function config(): NotifyConfig {
  return {
    smtp: { host: "127.0.0.1", port: smtpPort, secure: false, from: "ot3c@example.com" },
    webhook: { url: `http://127.0.0.1:${hookServer.port}/hook` },
    defaultOwner: "ops@example.com",
    reminderBeforeMs: 2 * H,
  };
}

/** Decodes quoted-printable soft breaks so assertions can read the body. */
function body(m: Mail): string {
  return m.raw.replace(/\r\n(?=[ \t])/g, "").replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_x, h) => String.fromCharCode(parseInt(h, 16)));
}

async function until(cond: () => boolean, ms = 3000) {
  for (let t = 0; t < ms && !cond(); t += 10) await Bun.sleep(10);
}

describe("Notifier (real SMTP server + webhook receiver)", () => {
  test("planned → reminder → executed mails to ot3c_owner (else default-owner), deduplicated across restarts", async () => {
    mails.length = 0;
    hooks.length = 0;
    const f = makeEngine({ ids: ["a"], gap: 5, owner: "alice@example.com" });
    dirs.push(f.dir);
    const notifier = await Notifier.create({ store: f.store, clock: f.clock, config: config(), project: "eu-de_demo" });
    f.engine.setNotifier(notifier);
    await f.engine.step();
    await notifier.flush();
    expect(mails.length).toBe(1);
    const planned = mails[0]!;
    expect(planned.to).toEqual(["alice@example.com"]);
    expect(planned.from).toBe("ot3c@example.com");
    const item = f.store.listItems()[0]!;
    expect(body(planned)).toContain(`Subject: [ot3c eu-de_demo] ECS vm-a will be deleted at 2026-03-11 09:00:00 UTC (in 1d)`);
    expect(body(planned)).toContain("Deadline:    2026-03-11 09:00:00 UTC (11 Mar, 10:00 Europe/Berlin), in 1d");
    expect(body(planned)).toContain("Resource:    ECS_a");
    expect(body(planned)).toContain(`ot3c veto ${item.id} --reason`);
    expect(hooks[0]).toMatchObject({ event: "planned", item: { id: item.id, vrId: "ECS_a" } });
    expect(String(hooks[0]!.text)).toContain("will be deleted");

    // A restart (new notifier on the same store) does not re-send "planned".
    const again = await Notifier.create({ store: Store.open(f.dir), clock: f.clock, config: config(), project: "eu-de_demo" });
    again.itemEvent("planned", item);
    await again.flush();
    expect(mails.length).toBe(1);

    f.clock.advance(22 * H + 30 * MIN);
    await f.engine.step();
    await f.engine.step();
    await notifier.flush();
    expect(mails.length).toBe(2);
    expect(body(mails[1]!)).toContain("Reminder: ECS vm-a will be deleted in 1h 30m (2026-03-11 09:00:00 UTC)");

    f.clock.advance(2 * H);
    await f.engine.step();
    await notifier.flush();
    expect(f.cloud.deletes).toEqual(["a"]);
    expect(mails.length).toBe(3);
    expect(body(mails[2]!)).toContain("Subject: [ot3c eu-de_demo] ECS vm-a was deleted");
    expect(hooks.map((h) => h.event)).toEqual(["planned", "reminder", "executed"]);
    await notifier.close();
    await again.close();
  });

  test("no owner tag → default-owner; cancelled mail says why", async () => {
    mails.length = 0;
    const f = makeEngine({ ids: ["b"], gap: 5 });
    dirs.push(f.dir);
    const notifier = await Notifier.create({ store: f.store, clock: f.clock, config: { ...config(), webhook: undefined }, project: "p" });
    f.engine.setNotifier(notifier);
    await f.engine.step();
    f.state.gap = 0;
    f.clock.advance(10 * MIN);
    await f.engine.step();
    await notifier.flush();
    expect(mails.map((m) => m.to[0])).toEqual(["ops@example.com", "ops@example.com"]);
    expect(body(mails[1]!)).toContain("budget no longer at risk");
    await notifier.close();
  });

  test("a failing webhook is retried with backoff and then succeeds once", async () => {
    hooks.length = 0;
    hookFailures = 2;
    const f = makeEngine({ ids: ["c"], gap: 5 });
    dirs.push(f.dir);
    const notifier = await Notifier.create({ store: f.store, clock: f.clock, config: { ...config(), smtp: undefined }, project: "p", retryDelaysMs: [20, 20, 20] });
    f.engine.setNotifier(notifier);
    await f.engine.step();
    const item = f.store.listItems()[0]!;
    await until(() => f.store.notificationStatus(`${item.id}:planned:${item.deadline}:webhook`)?.status === "sent");
    expect(hooks.length).toBe(1);
    expect(f.store.notificationStatus(`${item.id}:planned:${item.deadline}:webhook`)).toMatchObject({ status: "sent", attempts: 3 });
    await notifier.close();
  });

  test("ot3c_owner is one address or a handle: owners: map, then notify.owner-domain, then default-owner; anything else is a note, never a recipient", async () => {
    const cases: Array<[string, string[], boolean]> = [
      ["alice", ["alice.schmidt@example.com"], false], // owners: map
      ["bob_m", ["bob_m@corp.example"], false], // owner-domain
      ["carla@example.com", ["carla@example.com"], false], // a full address where the service allows one
      ["a@example.com, b@example.com", ["ops@example.com"], true],
      ["Eve <eve@example.com>", ["ops@example.com"], true],
      ["x@example.com\r\nBcc: spy@example.com", ["ops@example.com"], true],
      ["two words", ["ops@example.com"], true],
    ];
    for (const [tag, to, noted] of cases) {
      mails.length = 0;
      const f = makeEngine({ ids: ["h"], gap: 5, owner: tag });
      dirs.push(f.dir);
      const cfg = { ...config(), webhook: undefined, owners: { alice: "alice.schmidt@example.com" }, ownerDomain: "corp.example" };
      const notifier = await Notifier.create({ store: f.store, clock: f.clock, config: cfg, project: "p" });
      f.engine.setNotifier(notifier);
      await f.engine.step();
      await notifier.flush();
      expect({ tag, to: mails.map((m) => m.to).flat() }).toEqual({ tag, to });
      expect(mails.some((m) => /spy@|Bcc:/i.test(m.raw.split("\r\n\r\n")[0]!))).toBe(false);
      const notes = f.store.auditEvents().filter((e) => e.action === "notify.owner-unusable");
      expect({ tag, noted: notes.length === 1 }).toEqual({ tag, noted });
      if (noted) expect(notes[0]!.detail).not.toMatch(/[\r\n]/);
      await notifier.close();
    }
  });

  test("a handle that resolves nowhere and no default-owner: nobody is mailed, the note says so", async () => {
    mails.length = 0;
    const f = makeEngine({ ids: ["k"], gap: 5, owner: "dora" });
    dirs.push(f.dir);
    const notifier = await Notifier.create({ store: f.store, clock: f.clock, config: { ...config(), webhook: undefined, defaultOwner: undefined }, project: "p" });
    f.engine.setNotifier(notifier);
    await f.engine.step();
    await notifier.flush();
    expect(mails).toHaveLength(0);
    const note = f.store.auditEvents().find((e) => e.action === "notify.owner-unusable");
    expect(note?.detail).toContain('handle "dora" has no entry in owners:');
    expect(note?.detail).toContain("nobody is mailed");
    await notifier.close();
  });

  test("a default-owner that is not one plain address is never a recipient either", async () => {
    mails.length = 0;
    const f = makeEngine({ ids: ["m"], gap: 5 });
    dirs.push(f.dir);
    const cfg = { ...config(), webhook: undefined, defaultOwner: "ops@example.com,boss@example.com" };
    const notifier = await Notifier.create({ store: f.store, clock: f.clock, config: cfg, project: "p" });
    f.engine.setNotifier(notifier);
    await f.engine.step();
    await notifier.flush();
    expect(mails).toHaveLength(0);
    expect(f.store.auditEvents().find((e) => e.action === "notify.owner-unusable")?.detail).toContain("is not one plain address");
    await notifier.close();
  });

  test("countdown text", () => {
    expect(formatCountdown(24 * H)).toBe("1d");
    expect(formatCountdown(90 * MIN)).toBe("1h 30m");
    expect(formatCountdown(26 * H + 5 * MIN)).toBe("1d 2h 5m");
    expect(formatCountdown(0)).toBe("now");
    expect(T0).toBeGreaterThan(0);
  });
});
