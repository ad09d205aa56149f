/**
 * CLI conventions (issue operator-ux items 6 and 7): `-o` is the output format everywhere and files take
 * `--out FILE`; usage errors exit 2; `postpone --by 1d`; `--version` names the commit; every JSON document has a
 * `version`; completion scripts; the owner-notification guard and `ot3c notify test` against a real SMTP server
 * (the smtp-server package) and a webhook, both on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { cleanupTempDirs, globals, run, startSimFixture, type SimFixture } from "./helpers.ts";
import { ownerReach } from "../../src/notify/guard.ts";

let f: SimFixture;
let smtp: SMTPServer;
let smtpPort = 0;
let hook: ReturnType<typeof Bun.serve>;
const mails: Array<{ to: string[]; raw: string }> = [];
const hooks: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  f = startSimFixture();
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
  hook = Bun.serve({
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
  hook.stop(true);
  await f.stop();
  cleanupTempDirs();
});

/** The simulator's config with top-level keys replaced (or added). */
const withNotify = (extra: string) =>
  f.variant((y) => {
    let out = y;
    for (const line of extra.split("\n").filter((l) => /^\S/.test(l))) {
      const key = line.split(":")[0]!;
      out = out.replace(new RegExp(`^${key}:.*(\\n[ #].*)*$`, "m"), "");
    }
    return `${out}\n${extra}\n`;
  });

describe("-o is the format, files take --out", () => {
  test("list -o json prints the versioned document", async () => {
    const r = await run([...globals(f), "list", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).version).toBe(1);
  });

  test("plan -o FILE is a usage error (exit 2) that names --out", async () => {
    const r = await run([...globals(f), "plan", "-o", join(f.dir, "p.yaml")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--output");
  });

  test("dump-data -o FILE is refused with the new spelling", async () => {
    const r = await run([...globals(f), "dump-data", "-o", "x.csv"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--out x.csv");
  });
});

describe("usage errors exit 2", () => {
  test('veto ID --reason "" exits 2 before anything is sent', async () => {
    const r = await run([...globals(f), "veto", "abc123", "--reason", "  "]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("a veto needs a reason");
  });

  test("postpone --by 1d is accepted (and an unknown id then fails at run time, exit 1)", async () => {
    const bad = await run([...globals(f), "postpone", "abc123", "--by", "soon"]);
    expect(bad.code).toBe(2);
    const r = await run([...globals(f), "postpone", "abc123", "--by", "1d", "-o", "json"]);
    expect(r.code).toBe(1);
    expect(r.err).not.toContain("must be a duration");
  });
});

describe("list and plan: NAME columns, members, one money and time format", () => {
  test("list text has a NAME column and currency-named columns; plan names every member", async () => {
    const list = await run([...globals(f), "list"]);
    expect(list.out).toMatch(/^ID +NAME +PRIO +SO FAR EUR +FORECAST EUR +TAGS$/m);
    expect(list.out).not.toMatch(/\d,\d{3}\.\d\d/);
    const plan = await run([...globals(f), "plan"]);
    expect(plan.code).toBe(0);
    expect(plan.out).toMatch(/^NAME +ACTION +MEMBERS +PRIO +OWNER +SAVING EUR +DATE +ID$/m);
    expect(plan.out).toMatch(/ \d{4}-\d\d-\d\d \d\d:\d\d CES?T /);
    expect(plan.out).toMatch(/^Members:\n {2}- (ECS|EVS|CCE|RDS) \S+ +id \S+ +prio (\d+|untagged) +owner \S+/m);
    const doc = JSON.parse((await run([...globals(f), "plan", "-o", "json"])).out);
    const item = doc.plan.items[0];
    expect(item.tdate).toMatch(/Z$/);
    expect(doc.plan.createdAt).toMatch(/Z$/);
    expect(item.members.length).toBeGreaterThan(0);
    expect(item.members[0]).toMatchObject({ kind: expect.any(String), name: expect.any(String), id: expect.any(String) });
    // Group items name all their members: a server and its volumes.
    const group = doc.plan.items.find((i: { vrId: string }) => i.vrId.startsWith("GR_"));
    if (group) expect(group.members.length).toBeGreaterThan(1);
  });
});

describe("time: zone named for people, UTC in JSON, one duration grammar", () => {
  test("ot3c time", async () => {
    const json = JSON.parse((await run(["--config", f.config, "time", "--at", "2026-11-22T12:00:00+01:00", "-o", "json"])).out);
    expect(json.version).toBe(1);
    expect(json.start).toBe("2026-10-31T23:00:00Z");
    expect(json.end).toBe("2026-11-30T23:00:00Z");
    const text = (await run(["--config", f.config, "time", "--at", "2026-11-22T12:00:00+01:00"])).out;
    expect(text).toContain("Start: 2026-11-01 00:00 CET");
    expect(text).toContain("Now:   day 22 of 30; 8d 12h00m left");
  });
});

describe("--version and completion", () => {
  test("--version names the commit", async () => {
    const r = await run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\S+ \(commit [0-9a-f]{7,}/);
  });

  test("bash, zsh and fish scripts know the commands, subcommands and --output values", async () => {
    for (const shell of ["bash", "zsh", "fish"]) {
      const r = await run(["completion", shell]);
      expect(r.code).toBe(0);
      for (const word of ["plan", "list", "chargeback", "backfill", "notify", shell === "fish" ? "-l output" : "--output", "text json yaml"]) expect(r.out).toContain(word);
      // Hidden options (the refused `-o FILE` spelling) are not offered.
      expect(r.out).not.toContain("-o is the output format");
    }
    const bad = await run(["completion", "tcsh"]);
    expect(bad.code).toBe(2);
    const bash = await run(["completion", "bash"]);
    const check = Bun.spawnSync(["bash", "-n"], { stdin: new TextEncoder().encode(bash.out), stderr: "pipe" });
    expect(check.stderr.toString()).toBe("");
    expect(check.exitCode).toBe(0);
  });
});

describe("owners that cannot be told", () => {
  test("the guard: warning without a channel, refusal with enforce + approval none, silence with notify.none", () => {
    const base = { enforce: false, approval: "required" as const, notify: { reminderBeforeMs: 0 } };
    expect(ownerReach(base).warning).toContain("owners cannot be told");
    expect(ownerReach(base).refusal).toBeUndefined();
    expect(ownerReach({ ...base, enforce: true, approval: "none" }).refusal).toContain("refusing to start");
    expect(ownerReach({ ...base, enforce: true, approval: "none", notify: { reminderBeforeMs: 0, none: true } })).toEqual({ channels: [] });
  });

  test("config check warns on stderr and in the document", async () => {
    const r = await run(["--config", f.config, "config", "check", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("WARNING: owners cannot be told");
    const doc = JSON.parse(r.out);
    expect(doc.version).toBe(1);
    expect(doc.warnings[0]).toContain("owners cannot be told");
    const quiet = await run(["--config", withNotify("notify: {none: true}"), "config", "check"]);
    expect(quiet.err).not.toContain("WARNING");
  });

  test("verify shows the warning (GO stays GO) and the refusal as NO-GO", async () => {
    const r = await run([...globals(f), "verify"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^WARN +Owner notification +owners cannot be told/m);
    const refused = await run([...globals(f, withNotify("enforce: true\napproval: none")), "verify", "-o", "json"]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out).checks.at(-1)).toMatchObject({ name: "Owner notification", ok: false });
  });

  test("an enforcing engine without approval and without a channel refuses to start (exit 78)", async () => {
    const cfg = withNotify("enforce: true\napproval: none");
    const r = await run(["--config", cfg, "--state-dir", join(f.dir, "refuse-state"), "run"]);
    expect(r.code).toBe(78);
    expect(r.err).toContain("refusing to start");
  });

  test("notify test sends through SMTP and the webhook; a missing channel exits 1", async () => {
    const cfg = withNotify(
      `notify:\n  smtp: {host: 127.0.0.1, port: ${smtpPort}, from: ot3c@example.com}\n  webhook: {url: "http://127.0.0.1:${hook.port}/hook"}`,
    );
    const r = await run(["--config", cfg, "notify", "test", "--to", "alice@example.com", "-o", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.version).toBe(1);
    expect(doc.channels.map((c: { channel: string; ok: boolean }) => [c.channel, c.ok])).toEqual([
      ["smtp", true],
      ["webhook", true],
    ]);
    expect(mails.at(-1)!.to).toEqual(["alice@example.com"]);
    expect(mails.at(-1)!.raw).toContain("test notification");
    expect(hooks.at(-1)!.event).toBe("test");
    // SMTP without a recipient: that channel fails, the webhook still goes out.
    const noTo = await run(["--config", cfg, "notify", "test"]);
    expect(noTo.code).toBe(1);
    expect(noTo.out).toMatch(/FAILED smtp .*--to ADDRESS/);
    expect(noTo.out).toMatch(/ok +webhook/);
    const none = await run(["--config", f.config, "notify", "test"]);
    expect(none.code).toBe(1);
    expect(none.out).toContain("no notification channel is configured");
  });
});
