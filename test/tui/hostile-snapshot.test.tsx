/**
 * The TUI receives every snapshot through safeSnapshot (src/tui/safe-snapshot.ts): hostile names, owners, tags,
 * alerts and errors appear escaped in every view, and never reach the terminal raw.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { render } from "ink-testing-library";
import React from "react";
import { App } from "../../src/tui/App.tsx";
import { safeSnapshot } from "../../src/tui/safe-snapshot.ts";
import { memoryPrefs } from "../../src/tui/prefs.ts";
import { ManualClock, type EngineSnapshot } from "../../src/engine/types.ts";
import { buildSnapshot, FakeEngine, T0 } from "./fixtures.ts";
import { settle } from "./harness.tsx";

const CLEAR = "\u001b[2J\u001b[H";
const RLO = "\u202e";
const C1 = "\u009b7m";

function hostile(): EngineSnapshot {
  const snap = structuredClone(buildSnapshot({ pending: 3, syncState: "DEGRADED" })) as any;
  const root = snap.resources[0];
  root.name = `web${CLEAR}x`;
  root.owner = `eve${RLO}moc.elpmaxe@`;
  root.tags = { ...root.tags, ot3c_owner: `eve${C1}@example.com` };
  snap.plan[0].owner = `mallory${CLEAR}@example.com`;
  snap.alerts = [`alert${CLEAR}\r\nforged`];
  snap.sync.error = `dashboard said ${C1}`;
  for (const e of snap.events ?? []) e.detail = `detail${RLO}`;
  return snap as EngineSnapshot;
}

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

describe("TUI: cloud-derived strings are made safe at the snapshot hook", () => {
  test("safeSnapshot escapes every unsafe string, keeps clean parts by identity, and leaves a clean snapshot untouched", () => {
    const clean = buildSnapshot({ pending: 3 });
    expect(safeSnapshot(clean)).toBe(clean);
    const dirty = hostile();
    const safe = safeSnapshot(dirty) as any;
    expect(safe.resources[0].name).toBe("web\\x1b[2J\\x1b[Hx");
    expect(safe.resources[0].tags.ot3c_owner).toBe("eve\\x9b7m@example.com");
    expect(safe.plan[0].owner).toBe("mallory\\x1b[2J\\x1b[H@example.com");
    expect(safe.alerts[0]).toBe("alert\\x1b[2J\\x1b[H\\x0d\\x0aforged");
    expect(safe.resources[1]).toBe(dirty.resources[1]); // untouched subtree: same object
  });

  for (const view of ["1", "2", "3", "5"]) {
    test(`view ${view}: no raw escape, C1 or bidi character reaches the terminal`, async () => {
      const clock = new ManualClock(T0);
      const engine = new FakeEngine(hostile(), "in-process", () => clock.now());
      const r = render(
        <App handle={engine} readOnly={false} clock={clock} prefs={memoryPrefs()} actor="t" colorAllowed={false} ascii={false} initialTheme="okabe-ito" tickMs={20} coalesceMs={0} />,
      );
      unmount = r.unmount;
      await settle(30);
      r.stdin.write(view);
      await settle(60);
      const frame = r.lastFrame() ?? "";
      expect(frame).not.toContain("\u001b[2J");
      expect(frame).not.toContain(RLO);
      expect(frame).not.toMatch(/[\u0080-\u009f]/);
      expect(frame).not.toMatch(/^forged/m);
    });
  }
});
