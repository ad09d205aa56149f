/**
 * The Parked view (6): what ot3c parked and what schedules stopped, when each comes back (billing time zone named),
 * why, notes about what someone else did meanwhile, copies past retention; `R` resumes through the same `resume`
 * command as `ot3c resume ITEM`, after a dialog that opens on Cancel; read-only and a lost daemon remove it.
 * Rendered at 60×15, 80×24 and 120×40: labels shorten, times, kinds, item ids and state words are never cut.
 */
import { describe, expect, test } from "bun:test";
import type { ConnectionState, EngineSnapshot, ParkingView } from "../../src/engine/types.ts";
import { memoryPrefs } from "../../src/tui/prefs.ts";
import { FakeEngine, T0, buildSnapshot } from "./fixtures.ts";
import { KEY, renderApp, renderSized, settle } from "./harness.tsx";

const H = 3_600_000;
const DEC1 = Date.UTC(2026, 10, 30, 23); // 2026-12-01 00:00 Berlin: the next period start

const parking: ParkingView = {
  parked: [
    { source: "schedule", kind: "ECS", id: "3f1c0a7e-0000-4000-8000-00000000aa01", name: "build-runner-office", since: T0 - 5 * H, backAt: T0 + 7 * H, backBy: "schedule", why: "outside the hours of schedule office-hours", schedule: "office-hours" },
    { source: "park", itemId: "k7p2qd", kind: "RDS", id: "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4bin03", name: "reporting-db", since: T0 - 2 * 24 * H, backAt: T0 + 5 * 24 * H, backBy: "otc-restart", why: "budget gap: park saves 42.10 EUR" },
    { source: "park", itemId: "m3x9zt", kind: "ECS", id: "0c1d2e3f-0000-4000-8000-00000000bb02", name: "worker-with-a-really-long-name-that-must-be-cut-somewhere", since: T0 - 3 * H, backAt: DEC1, backBy: "period-start", why: "budget gap: park saves 120.00 EUR", note: "started by someone else meanwhile; will be left alone" },
    { source: "park", itemId: "m3x9zt", kind: "CCE", id: "pool-00010002", name: "batch-pool", since: T0 - 3 * H, backAt: DEC1, backBy: "period-start", why: "budget gap: park saves 120.00 EUR" },
  ],
  copies: [{ itemId: "d4r8wq", resourceKind: "RDS", resourceId: "olddb", resourceName: "legacy-db", name: "ot3c-d4r8wq-olddb", madeAt: T0 - 40 * 24 * H, expired: true }],
  copiesTotal: 3,
  copyRetentionMs: 30 * 24 * H,
};

const withParking = (s: EngineSnapshot): EngineSnapshot => ({ ...s, seq: s.seq + 1, timeZone: "Europe/Berlin", parking });

async function open(props: Parameters<typeof renderApp>[1] = {}) {
  const r = await renderApp({ resources: 12, pending: 3, mode: "ENFORCE" }, { prefs: memoryPrefs({ view: "parked" }), ...props });
  r.engine.publish(withParking(r.engine.getSnapshot()!));
  await settle(40);
  return r;
}

describe("Parked view at 60×15, 80×24, 120×40", () => {
  for (const [cols, rows] of [
    [60, 15],
    [80, 24],
    [120, 40],
  ] as const) {
    test(`${cols}×${rows}`, async () => {
      const s = await renderSized(cols, rows, { resources: 12, pending: 3, mode: "ENFORCE" }, { prefs: memoryPrefs({ view: "parked" }) });
      s.engine.publish(withParking(s.engine.getSnapshot()!));
      await settle(80);
      const f = s.frame();
      if (process.env.SHOW_FRAMES) console.log(f);
      const lines = f.split("\n");
      expect(lines.length).toBeLessThanOrEqual(rows - 1);
      for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(cols);
      expect(f).toContain(cols < 80 ? "6 Park" : "6 Parked");
      // The header names the billing zone of the times (like every other view).
      expect(f).toMatch(/back CET/);
      // Every row: kind, item id (or "sched"), both times whole, what brings it back as a whole word. A short
      // terminal shows the rows the cursor reaches.
      const rowOf = async (re: RegExp, downs: number) => {
        for (let i = 0; i < downs; i++) s.stdin.write("j");
        await settle(80);
        return s.frame().split("\n").find((l) => re.test(l)) ?? "";
      };
      expect(await rowOf(/sched +ECS/, 0)).toMatch(/11-22 08:00 11-22 20:00 sched/);
      expect(await rowOf(/k7p2qd/, 1)).toMatch(/k7p2qd RDS +reporting.* 11-20 13:00 11-27 13:00 OTC/);
      expect(await rowOf(/m3x9zt ECS/, 1)).toContain("12-01 00:00 period");
      expect(await rowOf(/CCE/, 1)).toMatch(/m3x9zt CCE +batch-pool .* 11-22 10:00 12-01 00:00 period/);
      for (const l of s.frame().split("\n")) expect([...l].length, l).toBeLessThanOrEqual(cols);
      s.stdin.write("g");
      await settle(60);
      if (cols >= 120) expect(f).toContain("schedule");
      // The selected (first) row explains itself; the expired copy is listed where there is room.
      expect(f.replace(/\s+/g, " ")).toContain(rows >= 20 ? "outside the hours of schedule office-hours" : "outside the hours of schedule");
      if (rows >= 24) {
        expect(f).toContain("1 of 3 copies ot3c made are older than 30d");
        expect(f).toContain("ot3c-d4r8wq-olddb");
      }
      // The help overlay lists the resume key with its command.
      s.stdin.write("?");
      await settle(80);
      // (At 60×15 the overlay scrolls one row at a time; the row is there, further down.)
      expect(s.frame()).toContain(rows >= 24 ? "Resume the selected park now" : "Keys — Parked");
      s.instance.unmount();
    });
  }
});

describe("resume from the Parked view", () => {
  test("R opens a dialog on Cancel; Enter there sends nothing; Confirm sends the CLI's resume command", async () => {
    const r = await open();
    await r.press("j"); // the RDS park
    await r.press("R");
    const f = r.frame();
    expect(f).toContain("Resume reporting-db now?");
    expect(f).toContain("[ Cancel ]");
    expect(f).toContain("What someone else started or deleted meanwhile is left alone.");
    expect(f).toMatch(/otherwise back 2026-11-27 13:00 CET/);
    await r.press(KEY.enter); // Cancel is focused
    expect(r.engine.commands).toEqual([]);
    await r.press("R", KEY.tab, KEY.enter);
    expect(r.engine.commands).toEqual([{ type: "resume", ids: ["k7p2qd"], actor: "tester", source: "tui" }]);
    r.unmount();
  });

  test("a park item with two resources lists both; the note of what someone else did shows", async () => {
    const r = await open();
    await r.press("j", "j");
    expect(r.frame().replace(/\s+/g, " ")).toContain("note: started by someone else meanwhile; will be left alone");
    await r.press("R");
    const f = r.frame();
    expect(f).toMatch(/ECS worker-with-a-really-long-name/);
    expect(f).toMatch(/CCE batch-pool/);
    r.unmount();
  });

  test("a schedule's stop cannot be resumed from here: status says so, nothing sent", async () => {
    const r = await open();
    await r.press("R");
    expect(r.frame()).toContain("stopped by schedule office-hours; it starts with the schedule (nothing sent)");
    expect(r.engine.commands).toEqual([]);
    r.unmount();
  });

  test("--read-only: no resume key, no hint, no dialog", async () => {
    const r = await open({ readOnly: true });
    expect(r.frame()).not.toContain("R resumes");
    await r.press("j", "R");
    expect(r.frame()).not.toContain("Resume reporting-db");
    expect(r.engine.commands).toEqual([]);
    r.unmount();
  });

  test("daemon DISCONNECTED: the resume key is greyed out (gone) until the link is back", async () => {
    class Unlinked extends FakeEngine {
      connectionState(): ConnectionState {
        return { state: "disconnected", reason: "connection lost", since: T0 };
      }
      onConnectionChange(): () => void {
        return () => {};
      }
    }
    const engine = new Unlinked(withParking(buildSnapshot({ resources: 12, pending: 3 })), "attached:/tmp/x.sock");
    const r = await renderApp({}, { handle: engine, prefs: memoryPrefs({ view: "parked" }) });
    await settle(40);
    expect(r.frame()).toContain("DISCONNECTED");
    expect(r.frame()).toContain("reporting-db");
    await r.press("j", "R");
    expect(r.frame()).not.toContain("Resume reporting-db");
    expect(engine.commands).toEqual([]);
    r.unmount();
  });

  test("nothing parked: says so", async () => {
    const r = await renderApp({ resources: 5 }, { prefs: memoryPrefs({ view: "parked" }) });
    expect(r.frame()).toContain("nothing is parked or stopped by a schedule");
    r.unmount();
  });
});
