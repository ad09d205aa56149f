import { afterEach, describe, expect, test } from "bun:test";
import { KEY, renderApp, renderSized, settle, strip, type Rendered } from "./harness.tsx";
import { T0 } from "./fixtures.ts";
import { KEY_TABLE } from "../../src/tui/keys.ts";
import { memoryPrefs } from "../../src/tui/prefs.ts";

let current: Rendered | undefined;
afterEach(() => {
  current?.unmount();
  current = undefined;
});
async function open(...args: Parameters<typeof renderApp>) {
  current = await renderApp(...args);
  return current;
}

describe("header", () => {
  test("shows project, period, money, band, status word, mode, connection and sync age", async () => {
    const r = await open({ status: "AT_RISK" });
    const f = r.frame();
    expect(f).toContain("eu-de_ot3c-demo");
    expect(f).toContain("2026-11-01→11-30 day 22/30");
    expect(f).toContain("DRY-RUN");
    expect(f).toContain("in-process");
    expect(f).toMatch(/▲ AT RISK {2}budget \d+\.\d\d EUR {2}spent \d+\.\d\d EUR \(\d+%\) {2}burn \d+\.\d\d EUR\/h · \d+\.\d\d EUR\/d/);
    expect(f).toMatch(/forecast P50 \d+\.\d\d EUR {2}P10–P90 \d+\.\d\d–\d+\.\d\d EUR {2}gap \+\d+\.\d\d EUR/);
    expect(f).toContain("sync ✔ OK 12s ago");
  });

  test("OK and OVER are words with glyphs; ENFORCE, attached and DEGRADED with its reason", async () => {
    let r = await open({ status: "OK" });
    expect(r.frame()).toContain("✔ OK");
    r.unmount();
    r = await open({ status: "OVER", mode: "ENFORCE", syncState: "DEGRADED" });
    const f = r.frame();
    expect(f).toContain("✖ OVER");
    expect(f).toContain("ENFORCE");
    // The header keeps the state word and the age whole; the reason is in full on the Overview.
    expect(f).toContain("sync ▲ DEGRADED 7m ago: da");
    expect(f).toContain("sync DEGRADED: dashboard 503 after 4 retries");
    // The overview repeats the reason where there is room for it.
    expect(f).toContain("sync DEGRADED: dashboard 503 after 4 retries");
  });

  test("the sync age advances with the clock", async () => {
    const r = await open();
    expect(r.frame()).toContain("12s ago");
    r.clock.advance(60_000);
    await settle(60);
    expect(r.frame()).toContain("1m ago");
  });
});

describe("colour", () => {
  // chalk decides once per process whether the test runner's stdout supports colour; force it on here so
  // the difference between the themes is visible in the frame.
  test("colour theme emits Okabe–Ito colours; monochrome emits none but keeps glyph + word", async () => {
    const chalk = (await import("chalk")).default;
    const chalkLevel = chalk.level;
    chalk.level = 3;
    try {
      const { render } = await import("ink-testing-library");
      const { App } = await import("../../src/tui/App.tsx");
      const { setup } = await import("./harness.tsx");
      const colour = setup({ status: "OVER" });
      const a = render(<App {...colour.appProps} />);
      await settle();
      const raw = a.lastFrame() ?? "";
      expect(raw).toContain("\x1b[38;2;213;94;0m"); // vermillion #D55E00 for OVER
      a.unmount();
      const mono = setup({ status: "OVER" }, { colorAllowed: false });
      const m = render(<App {...mono.appProps} />);
      await settle();
      const rawMono = m.lastFrame() ?? "";
      expect(rawMono).not.toMatch(/\x1b\[(3\d|38;|9\d)/);
      expect(rawMono).not.toContain("\x1b[7m");
      expect(strip(rawMono)).toContain("✖ OVER");
      expect(strip(rawMono)).toContain("[1 Overview]");
      m.unmount();
    } finally {
      chalk.level = chalkLevel;
    }
  });

  test("TERM=dumb: ASCII glyphs for bars, chart, cursor and states", async () => {
    const r = await open({ status: "OVER" }, { colorAllowed: false, ascii: true });
    let f = r.frame();
    expect(f).toContain("x OVER");
    expect(f).toMatch(/burn #+\++\|?\+*\.+/);
    expect(f).toMatch(/## ## .*== ==/);
    expect(f).not.toMatch(/[█▓▒░▁▂▃▄▅▆▇✔✖▲◷›]/);
    await r.press("3");
    f = r.frame();
    expect(f).toMatch(/> p-101\s+~ PENDING/);
    expect(f).not.toMatch(/[✔✖▲◷›…]/);
  });

  test("`t` toggles themes only when colour is allowed", async () => {
    const prefs = memoryPrefs();
    const r = await open({}, { colorAllowed: false, prefs });
    await r.press("t");
    expect(r.frame()).toContain("colour is off");
    expect(prefs.get().theme).toBeUndefined();
  });
});

describe("views", () => {
  test("number keys and : commands switch views; the current tab is bracketed", async () => {
    const r = await open();
    expect(r.frame()).toContain("[1 Overview]");
    expect(r.frame()).toContain("Daily cost");
    expect(r.frame()).toContain("Top spenders");
    await r.press("2");
    expect(r.frame()).toContain("[2 Resources]");
    await r.press(":");
    await r.type("pending");
    await r.press(KEY.enter);
    expect(r.frame()).toContain("[3 Pending (3)]");
    await r.press(":");
    await r.type("cb");
    await r.press(KEY.enter);
    expect(r.frame()).toContain("[4 Chargeback]");
    await r.press("5");
    expect(r.frame()).toContain("[5 Events]");
    await r.press(":");
    await r.type("nope");
    await r.press(KEY.enter);
    expect(r.frame()).toContain("unknown command :nope");
  });

  test("overview: burn bar with budget marker, chart with forecast band and legend", async () => {
    const r = await open();
    const f = r.frame();
    expect(f).toMatch(/burn █+▒+│?▒*░+/);
    expect(f).toContain("▓▒ forecast to P10/P50");
    expect(f).toMatch(/██ ██ .*▓▓ ▓▓/);
    expect(f).toContain("plan: plan reaches the budget");
  });

  test("resources: tree columns, groups expanded with members, state from plan items", async () => {
    const r = await open({ resources: 12 });
    await r.press("2");
    const f = r.frame();
    expect(f).toMatch(/id\s+type\s+name\s+prio↓\s+owner\s+cost EUR\s+P50 EUR\s+state/);
    expect(f).toMatch(/▾ GR_\[ECS_.*GROUP\s+app-\d+.*◷ PENDING/);
    expect(f).toMatch(/ {6}ECS_.*ECS\s+ecs-db-1 .*◷ PENDING/); // member inherits the group's state
    expect(f).toContain("⊘ VETOED");
  });

  test("pending: countdown derived from the absolute deadline and the injected clock", async () => {
    const r = await open();
    await r.press("3");
    // p-101's deadline is T0 + 5h59m03s: minutes while more than an hour is left, then seconds.
    expect(r.frame()).toMatch(/p-101\s+◷ PENDING\s+stop .* 5h59m$/m);
    r.clock.set(T0 + 5 * 3_600_000 + 30_000);
    await settle(60);
    expect(r.frame()).toMatch(/p-101 .* 58m33s$/m);
    r.clock.set(T0 + 5 * 3_600_000 + 59 * 60_000);
    await settle(60);
    expect(r.frame()).toMatch(/p-101 .* 0m03s/);
    r.clock.set(T0 + 6 * 3_600_000);
    await settle(60);
    expect(r.frame()).toMatch(/p-101 .* due/);
    expect(r.frame()).toContain("approval none: terminated at the deadline unless vetoed");
  });

  test("chargeback: principals × products, hour cursor, UNALLOCATED share", async () => {
    const r = await open();
    await r.press("4");
    const f = r.frame();
    expect(f).toContain("hour cursor 2026-11-22 09:00 UTC");
    expect(f).toContain("(2h behind)");
    expect(f).toContain("UNALLOCATED 7.50 USD (8%)");
    expect(f).toContain("total 100.00 USD");
    expect(f).toMatch(/sa-orders\s+40\.00\s+·\s+12\.50\s+52\.50\s+53%/);
  });

  test("events: audit log newest first, merged with log lines", async () => {
    const r = await open({}, { logs: { recent: () => [{ at: T0 - 1000, level: "warn", message: "dashboard slow" }] } });
    await r.press("5");
    const lines = r.frame().split("\n");
    const logAt = lines.findIndex((l) => l.includes("dashboard slow"));
    const createdAt = lines.findIndex((l) => l.includes("item.created"));
    expect(logAt).toBeGreaterThan(0);
    expect(logAt).toBeLessThan(createdAt);
  });
});

describe("resources tree", () => {
  test("Enter/← collapse and → expand a group; collapsed groups are saved in prefs", async () => {
    const prefs = memoryPrefs({ view: "resources" });
    const r = await open({}, { prefs });
    expect(r.frame()).toMatch(/› ▾ GR_/);
    const memberLine = /^ {6}ECS_/m;
    expect(r.frame()).toMatch(memberLine);
    await r.press(KEY.enter);
    expect(r.frame()).toMatch(/› ▸ GR_/);
    expect(r.frame()).not.toMatch(/^ {6}ECS_00000001/m);
    expect(prefs.get().collapsed.length).toBe(1);
    await r.press(KEY.right);
    expect(r.frame()).toMatch(/› ▾ GR_/);
    await r.press(KEY.down, KEY.left); // on a member, ← goes to its group
    expect(r.frame()).toMatch(/› ▾ GR_/);
    await r.press(KEY.left);
    expect(r.frame()).toMatch(/› ▸ GR_/);
  });

  test("/ filters as you type, matches members, Esc clears", async () => {
    const r = await open({ resources: 30 }, { prefs: memoryPrefs({ view: "resources" }) });
    await r.press("/");
    await r.type("rds-ci");
    let f = r.frame();
    expect(f).toContain('filter: "rds-ci"');
    expect(f).toContain("/rds-ci_");
    const rows = f.split("\n").filter((l) => /^[ ›] +(RDS|ECS|EVS|CCE|GR|GH)_/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((l) => l.includes("rds-ci"))).toBe(true);
    await r.press(KEY.enter); // keep the filter, back to navigation
    expect(r.frame()).toContain('filter: "rds-ci"');
    await r.press(KEY.esc);
    f = r.frame();
    expect(f).not.toContain("filter:");
    expect(f).toContain("GROUP");
  });

  test("sort keys reorder and reverse", async () => {
    const r = await open({ resources: 20 }, { prefs: memoryPrefs({ view: "resources" }) });
    await r.press("C");
    expect(r.frame()).toContain("sort: cost");
    const costs = () =>
      r
        .frame()
        .split("\n")
        .filter((l) => /^[ ›] [▾▸ ] \S+_/.test(l))
        .map((l) => Number(l.slice(-30).trim().split(/\s+/)[0]));
    const desc = costs();
    expect(desc.length).toBeGreaterThan(3);
    expect([...desc].sort((a, b) => b - a)).toEqual(desc);
    await r.press("C");
    expect(r.frame()).toContain("sort: cost reversed");
    const asc = costs();
    expect([...asc].sort((a, b) => a - b)).toEqual(asc);
  });
});

describe("pending actions", () => {
  test("approve opens a dialog with Cancel focused: Enter cancels and sends nothing", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    await r.press("a");
    const f = r.frame();
    expect(f).toContain("Approve termination of app-0?");
    // Every member by kind, name and id, not only the GR_[…] id.
    expect(f).toMatch(/- ECS ecs-1 +id 00000001-4b1c-9e2d-000000001eef +prio 130 +owner/);
    expect(f).toMatch(/- EVS evs-2 +id 00000002-4b1c-9e2d-000000003dde/);
    expect(f).toMatch(/deadline 2026-11-22 18:59 CET \(5h59m left\)/);
    expect(f).toContain("›[ Cancel ]");
    expect(f).toContain(" [ Approve ]");
    expect(f).toContain("DRY-RUN: the engine only records what it would stop");
    await r.press(KEY.enter);
    expect(r.engine.commands).toEqual([]);
    expect(r.frame()).toContain("approve p-101: cancelled");
  });

  test("Tab then Enter approves: the command is sent and the new state and event show up", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    await r.press("a", KEY.tab);
    expect(r.frame()).toContain("›[ Approve ]");
    await r.press(KEY.enter);
    await settle(30);
    expect(r.engine.commands).toEqual([{ type: "approve", ids: ["p-101"], actor: "tester", source: "tui" }]);
    expect(r.frame()).toContain("✔ approve p-101: done");
    expect(r.frame()).toMatch(/p-101\s+✔ APPROVED/);
    await r.press("5");
    expect(r.frame()).toMatch(/tester@tui\s+item\.approved\s+p-101/);
  });

  test("Esc in the dialog cancels; approving a non-pending item is refused before any dialog", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    await r.press("a", KEY.tab, KEY.esc);
    expect(r.engine.commands).toEqual([]);
    await r.press("G"); // last row: the vetoed item
    await r.press("a");
    expect(r.frame()).toContain("p-099 is VETOED: only PENDING items can be approved");
    expect(r.frame()).not.toContain("[ Cancel ]");
  });

  test("veto asks for a reason, then confirms", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    await r.press(KEY.down, "v");
    expect(r.frame()).toMatch(/Veto p-102 \(evs-ci-\d+\): why\?/);
    await r.press(KEY.enter);
    expect(r.frame()).toContain("a veto needs a reason");
    await r.press("v");
    await r.type("quarter close");
    await r.press(KEY.enter);
    expect(r.frame()).toContain("reason: quarter close");
    expect(r.frame()).toContain("›[ Cancel ]");
    await r.press(KEY.right, KEY.enter);
    await settle(30);
    expect(r.engine.commands).toEqual([{ type: "veto", ids: ["p-102"], reason: "quarter close", actor: "tester", source: "tui" }]);
  });

  test("postpone: choose a duration, confirm", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    await r.press("p");
    expect(r.frame()).toContain("› 1h");
    await r.press(KEY.down, KEY.enter);
    expect(r.frame()).toContain("Postpone by 4h: app-0?");
    expect(r.frame()).toContain("(9h59m left)");
    await r.press(KEY.tab, KEY.enter);
    await settle(30);
    expect(r.engine.commands).toEqual([{ type: "postpone", ids: ["p-101"], byMs: 4 * 3_600_000, actor: "tester", source: "tui" }]);
  });

  test("A needs the typed phrase `approve all`", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    await r.press("A");
    expect(r.frame()).toContain("Approve ALL 3 pending terminations");
    await r.type("yes");
    await r.press(KEY.enter);
    expect(r.engine.commands).toEqual([]);
    expect(r.frame()).toContain("not confirmed");
    await r.press("A");
    await r.type("approve all");
    await r.press(KEY.enter);
    await settle(30);
    expect(r.engine.commands).toEqual([{ type: "approve", ids: ["p-101", "p-102", "p-103"], actor: "tester", source: "tui" }]);
  });

  test("Enter shows the item's details and history", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    await r.press(KEY.enter);
    const f = r.frame();
    expect(f).toContain("Plan item p-101");
    expect(f).toContain("reason: forecast P50 over budget");
    await r.press(KEY.down, KEY.down, KEY.down, KEY.down);
    expect(r.frame()).toContain("item.created by engine@engine");
    await r.press(KEY.esc);
    expect(r.frame()).not.toContain("Plan item p-101");
  });
});

describe("read-only and help", () => {
  test("read-only removes dangerous keys from behaviour, footer and help", async () => {
    const r = await open({}, { readOnly: true, prefs: memoryPrefs({ view: "pending" }) });
    expect(r.frame()).toContain("READ-ONLY");
    expect(r.frame()).not.toMatch(/a approve|v veto|p postpone/);
    await r.press("a", "v", "p", "A");
    expect(r.frame()).not.toContain("[ Cancel ]");
    expect(r.frame()).not.toContain("why?");
    expect(r.engine.commands).toEqual([]);
    await r.press("?");
    const help = r.frame();
    expect(help).toContain("read-only: dangerous keys removed");
    expect(help).not.toContain("Approve marked items");
  });

  test("? lists exactly the table's bindings for the view", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    await r.press("?");
    // The overlay scrolls: collect what it shows on the way down.
    let f = r.frame();
    expect(f).toContain("Keys — Pending");
    for (let i = 0, last = ""; i < 30 && r.frame() !== last; i++) {
      last = r.frame();
      await r.press(KEY.down);
      f += r.frame();
    }
    const own = KEY_TABLE.filter((b) => b.contexts.includes("pending"));
    for (const b of own) expect(f).toContain(b.description);
    expect(f).toContain("Approve marked items, else the selected one [dangerous]");
    await r.press(KEY.esc);
    expect(r.frame()).not.toContain("Keys — Pending");
    expect(r.frame()).toContain("a approve");
  });
});

describe("terminal", () => {
  test("too small: a message instead of a broken frame; resizing back restores the UI", async () => {
    const s = await renderSized(59, 14);
    expect(s.frame()).toContain("terminal too small (need 60×15, have 59×14)");
    s.term.resize(100, 30);
    await settle();
    expect(s.frame()).toContain("[1 Overview]");
    expect(s.frame().split("\n").length).toBeLessThanOrEqual(29);
    s.term.resize(80, 24);
    await settle();
    const lines = s.frame().split("\n");
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    s.instance.unmount();
  });

  test("q quits; Ctrl-C waits for an action in flight and says so", async () => {
    const s = await renderSized(100, 30, {}, { prefs: memoryPrefs({ view: "pending" }) });
    let release!: () => void;
    s.engine.hold = new Promise<void>((r) => (release = r));
    let exited = false;
    void s.instance.waitUntilExit().then(() => (exited = true));
    for (const k of ["a", "\t", "\r"]) {
      s.stdin.write(k);
      await settle();
    }
    expect(s.engine.commands.length).toBe(1);
    s.stdin.write("\x03");
    await settle();
    expect(exited).toBe(false);
    expect(s.frame()).toContain("waiting for 1 action(s) in flight");
    release();
    for (let i = 0; i < 40 && !exited; i++) await settle(25);
    expect(exited).toBe(true);
  });

  test("q exits at once when nothing is in flight", async () => {
    const s = await renderSized(100, 30);
    let exited = false;
    void s.instance.waitUntilExit().then(() => (exited = true));
    s.stdin.write("q");
    await settle();
    expect(exited).toBe(true);
  });

  test("snapshots arriving in a burst are coalesced", async () => {
    const s = await renderSized(100, 30, {}, { coalesceMs: 200 });
    const before = s.term.frames.length;
    const base = s.engine.getSnapshot()!;
    for (let i = 2; i <= 20; i++) s.engine.publish({ ...base, seq: i, alerts: [`alert ${i}`] });
    await settle(30);
    const mid = s.term.frames.length;
    await settle(250);
    // The first one renders at once, the rest collapse into one frame with the newest data.
    expect(mid - before).toBeLessThanOrEqual(2);
    expect(s.frame()).toContain("alert 20");
    expect(s.term.frames.length - before).toBeLessThanOrEqual(4);
    s.instance.unmount();
  });
});

describe("input chunks", () => {
  test("several keys in one read are handled one by one outside prompts, pasted whole inside them", async () => {
    const r = await open({ resources: 20 }, { prefs: memoryPrefs({ view: "resources" }) });
    await r.press("jjj");
    const rows = r.frame().split("\n").filter((l) => /^[ ›] [▾▸ ] /.test(l));
    expect(rows.findIndex((l) => l.startsWith("›"))).toBe(3);
    await r.press("/", "ecs-db");
    expect(r.frame()).toContain('filter: "ecs-db"');
  });
});

describe("every view at 60×15, 80×23, 80×24 and 120×40 with large numbers", () => {
  // One rule for time and money, and safety text never cut: each view and dialog is rendered at each size and read
  // back as an operator would see it.
  for (const [cols, rows] of [
    [60, 15],
    [80, 23],
    [80, 24],
    [120, 40],
  ] as const) {
    test(`${cols}×${rows}`, async () => {
      const s = await renderSized(cols, rows, { resources: 40, pending: 25, syncState: "DEGRADED", mode: "ENFORCE" }, { snapshotExtras: { demo: { stateDir: "/tmp/ot3c-demo-x", attach: "ot3c --state-dir /tmp/ot3c-demo-x", clockNote: "3h ahead" } } });
      const snap = s.engine.getSnapshot()!;
      const b = snap.budget!;
      const plan = snap.plan.map((p, i) => (i === 0 ? { ...p, prio: 2147483647 } : p));
      const huge = (u: (typeof snap.resources)[number]) => (u.id === plan[0]!.vrId ? { ...u, prio: 2147483647 } : u);
      s.engine.publish({
        ...snap,
        seq: snap.seq + 1,
        plan,
        resources: snap.resources.map(huge),
        project: { ...snap.project, name: "eu-de_a-rather-long-project-name-for-the-header" },
        budget: { ...b, target: 1_234_567.89, spendSoFar: 1_111_111.11, forecast: { p10: 1_300_000.5, p50: 1_400_000.25, p90: 1_500_000.75 }, gap: 165_432.36 },
      });
      await settle(60);
      const seen: string[] = [];
      const check = (what: string) => {
        const f = s.frame();
        const lines = f.split("\n");
        expect(lines.length, what).toBeLessThanOrEqual(rows - 1);
        for (const l of lines) expect([...l].length, `${what}: ${l}`).toBeLessThanOrEqual(cols);
        // State words and figures are whole: never cut, on every screen.
        expect(f, what).toContain("ENFORCE");
        expect(f, what).toContain("DEMO / SIMULATED");
        expect(f, what).toContain("DEGRADED");
        expect(f, what).toContain("P50 1400000.25 EUR");
        expect(f, what).toContain("gap +165432.36 EUR");
        // One number format: no thousands separators, no UTC "Z" times next to zoned ones.
        expect(f, what).not.toMatch(/\d,\d{3}\.\d\d/);
        expect(f, what).not.toMatch(/\d\d:\d\d(:\d\d)?Z\b/);
        // Every amount carries its currency, or sits in a table under a header that names it.
        let table = false;
        for (const l of lines) {
          if (/(EUR|USD)[↑↓^v]?\s/.test(l) && /(cost|P50|saving|so far|principal)/.test(l) && !/\d\.\d\d/.test(l)) table = true;
          else if (!l.trim() || /^[┌└+]/.test(l.trim())) table = false;
          if (table || /^\s*(│|\|)?\s*\d+\.\d\d\s/.test(l) /* the chart's axis */) continue;
          // A range names its currency once ("6428.65–7798.31 EUR"); "/h" and "/d" follow a money figure.
          const plain = l.replace(/\d+\.\d\d[–-](?=\d+\.\d\d (EUR|USD))/g, "").replace(/\d+\.\d\d(?=\/[hd])/g, "");
          if (/\d+\.\d\d(?! EUR| USD)(?!\d)/.test(plain) && !/\d+%/.test(l)) {
            throw new Error(`${what}: an amount without its currency: ${l}`);
          }
        }
        seen.push(f);
        return f;
      };
      for (const k of ["1", "2", "3", "4", "5"]) {
        s.stdin.write(k);
        await settle(60);
        const f = check(`view ${k}`);
        if (k === "3") {
          expect(f).toContain("2147483647");
          expect(f.replace(/\s+/g, " ")).toContain("approval none: terminated at the deadline unless vetoed");
          expect(f).toMatch(/saving EUR/);
        }
        if (k === "2") expect(f).toMatch(/P50 EUR/);
      }
      // The details dialog, the approve dialog and the help overlay fit too (they scroll instead of overlapping).
      for (const keys of [["3", "\r"], ["3", "a"], ["3", "?"]]) {
        for (const k of keys) {
          s.stdin.write(k);
          await settle(60);
        }
        const f = check(`dialog ${keys.join("+")}`);
        if (keys[1] === "a") {
          expect(f).toContain("[ Cancel ]");
          expect(f).toContain("Approve");
        }
        if (keys[1] === "\r" && rows >= 23) expect(f).toMatch(/deadline 20\d\d-\d\d-\d\d \d\d:\d\d CE(S)?T/);
        if (keys[1] === "?") expect(f).toContain("DEMO / SIMULATED: every cloud API is a local simulator");
        s.stdin.write("\x1b");
        await settle(60);
      }
      s.instance.unmount();
    });
  }
});

describe("Esc followed quickly by a key", () => {
  test("arrives as Alt+key and is taken as Esc, then the key", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    await r.press("a");
    expect(r.frame()).toContain("[ Cancel ]");
    await r.press("\x1b5");
    expect(r.engine.commands).toEqual([]);
    expect(r.frame()).not.toContain("[ Cancel ]");
    expect(r.frame()).toContain("[5 Events]");
  });
});

describe("k9s habits", () => {
  const selected = (f: string) => /^› (\S+)/m.exec(f)?.[1];

  test("the cursor stays on its item when a postpone re-sorts Pending", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    expect(selected(r.frame())).toBe("p-101");
    // p-101 is postponed past the others (the fake engine applies it and publishes the re-sorted plan).
    await r.press("p", KEY.down, KEY.down, KEY.down, KEY.down, KEY.enter, KEY.tab, KEY.enter);
    await settle(30);
    const f = r.frame();
    expect(r.engine.commands.at(-1)).toMatchObject({ type: "postpone", ids: ["p-101"] });
    // The list re-sorted (p-101 is no longer first), and the cursor followed it.
    expect(f.indexOf("p-102")).toBeLessThan(f.indexOf("p-101"));
    expect(selected(f)).toBe("p-101");
  });

  test("Space marks items; approve acts on the marked ones through one dialog that lists them all", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    await r.press(" ", KEY.down, " ");
    let f = r.frame();
    expect(f).toContain("2 marked");
    expect(f).toMatch(/^ \*p-101 /m);
    expect(f).toMatch(/^ \*p-103 /m);
    await r.press("a");
    f = r.frame();
    expect(f).toContain("Approve termination of 2 marked items?");
    expect(f).toContain("p-101: stop app-0");
    expect(f).toContain("p-103: delete cce-ci-23");
    await r.press(KEY.tab, KEY.enter);
    await settle(30);
    expect(r.engine.commands.at(-1)).toEqual({ type: "approve", ids: ["p-101", "p-103"], actor: "tester", source: "tui" });
    expect(r.frame()).not.toContain("marked");
  });

  test("/ filters Pending and Events too; Esc clears", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "pending" }) });
    await r.press("/");
    await r.type("cce");
    let f = r.frame();
    expect(f).toContain('filter "cce"');
    expect(f).toContain("p-103");
    expect(f).not.toContain("p-101 ");
    await r.press(KEY.enter, KEY.esc);
    expect(r.frame()).toContain("p-101");
    await r.press("5", "/");
    await r.type("p-103");
    f = r.frame();
    const rows = f.split("\n").filter((l) => /^[ ›] \d\d-\d\d \d\d:\d\d/.test(l));
    expect(rows.length).toBe(1);
    expect(rows[0]).toContain("p-103 cce-ci-23 (CCE_");
  });

  test("Enter opens an Events line with the plan item and its members; d opens a resource", async () => {
    const r = await open({}, { prefs: memoryPrefs({ view: "events" }) });
    await r.press("/");
    await r.type("p-101");
    await r.press(KEY.enter, KEY.enter);
    let f = r.frame();
    expect(f).toContain("Event");
    expect(f).toMatch(/plan item \(now PENDING\)/);
    expect(f).toMatch(/- ECS ecs-1 +id 00000001/);
    await r.press(KEY.esc, "2", "d");
    f = r.frame();
    expect(f).toContain("Resource app-0");
    expect(f).toMatch(/members \(2\):/);
    expect(f).toMatch(/tags: /);
  });
});
