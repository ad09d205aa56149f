/**
 * The daily owner digest (issue #18) through the real notifier, a real SMTP server (smtp-server) and a webhook
 * receiver: one mail per owner per day covering every project, exactly once across a restart, reminders still
 * immediate, the webhook still per event, nothing a cloud returned in a header.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { Notifier } from "../../src/notify/notifier.ts";
import { digestSlot } from "../../src/notify/digest.ts";
import { Store, newItemId, type StoredPlanItem } from "../../src/store/store.ts";
import { ManualClock } from "../../src/engine/types.ts";
import type { NotifyConfig } from "../../src/config/types.ts";

interface Mail {
  to: string[];
  raw: string;
}
const mails: Mail[] = [];
const hooks: Array<Record<string, unknown>> = [];
let smtp: SMTPServer;
let smtpPort = 0;
let hookServer: ReturnType<typeof Bun.serve>;
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
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
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

const H = 3600_000;
// 2026-03-10 06:00 UTC = 07:00 Berlin: before the 08:00 digest.
const T0 = Date.UTC(2026, 2, 10, 6, 0, 0);

function config(digest = true): NotifyConfig {
  return {
    smtp: { host: "127.0.0.1", port: smtpPort, secure: false, from: "ot3c@example.com" },
    webhook: { url: `http://127.0.0.1:${hookServer.port}/hook` },
    defaultOwner: "ops@example.com",
    owners: { alice: "alice@example.com", bob: "bob@example.com" },
    reminderBeforeMs: 2 * H,
    ...(digest ? { digest: "daily" as const, digestAt: "08:00" } : {}),
  };
}

function body(m: Mail): string {
  return m.raw.replace(/\r\n(?=[ \t])/g, "").replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_x, h) => String.fromCharCode(parseInt(h, 16)));
}
const headers = (m: Mail) => m.raw.split(/\r?\n\r?\n/)[0]!;
async function until(cond: () => boolean, ms = 3000) {
  for (let t = 0; t < ms && !cond(); t += 10) await Bun.sleep(10);
}

function item(owner: string, project: { id: string; name: string; region: string }, over: Partial<StoredPlanItem> = {}): StoredPlanItem {
  const id = newItemId();
  return {
    id, vrId: `ECS_${id}`, action: "delete", prio: 5, owner, tdate: T0 + 30 * H, tsave: 12.5, tasap: false, reason: "over budget",
    state: "PENDING", deadline: T0 + 30 * H, createdAt: T0 - H, updatedAt: T0 - H, periodStart: Date.UTC(2026, 2, 1), origin: "engine", dryRun: false,
    resources: [{ kind: "ECS", id, name: `web-${id}`, status: "ACTIVE", tags: { ot3c_prio: "5", ot3c_owner: owner }, projectId: project.id, projectName: project.name, region: project.region }],
    ...over,
  };
}

const PAY = { id: "p-pay", name: "eu-de_payments", region: "eu-de" };
const NL = { id: "p-nl", name: "eu-nl", region: "eu-nl" };

describe("notify.digest: daily", () => {
  test("the digest day and time are Berlin's, across the DST change", () => {
    expect(digestSlot(T0, "08:00")).toEqual({ day: "2026-03-10", dueAt: Date.UTC(2026, 2, 10, 7, 0) });
    // 2026-03-29: clocks go forward at 02:00; 08:00 CEST is 06:00 UTC.
    expect(digestSlot(Date.UTC(2026, 2, 29, 12), "08:00")).toEqual({ day: "2026-03-29", dueAt: Date.UTC(2026, 2, 29, 6, 0) });
  });

  test("one mail per owner per day over every project; once across a restart; reminders immediate; webhook per event", async () => {
    mails.length = 0;
    hooks.length = 0;
    const dir = mkdtempSync(join(tmpdir(), "ot3c-digest-"));
    dirs.push(dir);
    const store = Store.open(dir);
    const clock = new ManualClock(T0);
    const a1 = item("alice", PAY);
    const a2 = item("alice", NL, { action: "park" });
    // A name from the cloud with a header injection attempt: it may only ever reach the body.
    const a3 = item("alice", NL, { state: "DONE", updatedAt: T0 - 2 * H });
    a3.resources[0]!.name = "evil\r\nBcc: mallory@example.com";
    const b1 = item("bob", PAY);
    const old = item("bob", PAY, { state: "CANCELLED", updatedAt: T0 - 30 * H }); // ended before the window
    for (const i of [a1, a2, a3, b1, old]) store.insertItem(i);

    let notifier = await Notifier.create({ store, clock, config: config(), project: "contract" });
    // Per-item events: no owner mail, but the webhook gets each one.
    for (const i of [a1, a2, b1]) notifier.itemEvent("planned", i);
    await notifier.flush();
    expect(mails).toHaveLength(0);
    expect(hooks.map((h) => h.event)).toEqual(["planned", "planned", "planned"]);

    // Before 08:00 Berlin: nothing. After: one per owner.
    notifier.tick(clock.now());
    await notifier.flush();
    expect(mails).toHaveLength(0);
    clock.advance(1.5 * H);
    notifier.tick(clock.now());
    await notifier.flush();
    await until(() => mails.length >= 2);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(["alice@example.com", "bob@example.com"]);
    const alice = mails.find((m) => m.to[0] === "alice@example.com")!;
    expect(headers(alice)).toMatch(/Subject: \[ot3c contract\] Daily digest 2026-03-10: 2 planned, 1 ended/);
    expect(headers(alice)).not.toContain("mallory");
    const text = body(alice);
    expect(text).toContain("Project eu-de_payments (eu-de):");
    expect(text).toContain("Project eu-nl (eu-nl):");
    expect(text).toContain(a1.id);
    expect(text).toContain(a2.id);
    expect(text).toContain(a3.id);
    const bob = body(mails.find((m) => m.to[0] === "bob@example.com")!);
    expect(bob).toContain(b1.id);
    expect(bob).not.toContain(old.id);
    expect(bob).not.toContain(a1.id);

    // Ticks later the same day, and a restart the same day: no second digest.
    clock.advance(H);
    notifier.tick(clock.now());
    await notifier.close();
    notifier = await Notifier.create({ store, clock, config: config(), project: "contract" });
    notifier.tick(clock.now());
    await notifier.flush();
    await Bun.sleep(50);
    expect(mails).toHaveLength(2);

    // The reminder is not held for the digest.
    notifier.itemEvent("reminder", a1);
    await notifier.flush();
    await until(() => mails.length >= 3);
    expect(mails[2]!.to).toEqual(["alice@example.com"]);
    expect(headers(mails[2]!)).toContain("Reminder");

    // Next day: a new digest, alice's only (bob's item ended more than 24 h before and he has nothing open).
    store.updateItem(b1.id, { state: "CANCELLED" }, clock.now() - 25 * H);
    clock.advance(24 * H);
    notifier.tick(clock.now());
    await notifier.flush();
    await until(() => mails.length >= 4);
    await Bun.sleep(50);
    expect(mails.slice(3).map((m) => m.to[0])).toEqual(["alice@example.com"]);
    expect(headers(mails[3]!)).toContain("Daily digest 2026-03-11");
    await notifier.close();
    store.close();
  });

  test("without the digest, owner mail per item is unchanged", async () => {
    mails.length = 0;
    const dir = mkdtempSync(join(tmpdir(), "ot3c-digest-"));
    dirs.push(dir);
    const store = Store.open(dir);
    const clock = new ManualClock(T0 + 3 * H);
    const a1 = item("alice", PAY);
    store.insertItem(a1);
    const notifier = await Notifier.create({ store, clock, config: config(false), project: "contract" });
    notifier.itemEvent("planned", a1);
    notifier.tick(clock.now());
    await notifier.flush();
    await until(() => mails.length >= 1);
    await Bun.sleep(50);
    expect(mails).toHaveLength(1);
    expect(headers(mails[0]!)).not.toContain("Daily digest");
    await notifier.close();
    store.close();
  });
});
