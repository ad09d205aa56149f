/**
 * The `ot3c`/`ot3c tui` entry against a real control socket (the daemon's server in front of an in-memory
 * engine): the non-TTY summary, and the TUI attached to it approving an item that the daemon side then holds.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { ControlSocketServer } from "../../src/daemon/socket-server.ts";
import { ControlSocketClient } from "../../src/daemon/socket-client.ts";
import { launchTui, socketPath } from "../../src/tui/launch.ts";
import { App } from "../../src/tui/App.tsx";
import { memoryPrefs } from "../../src/tui/prefs.ts";
import { textSummary } from "../../src/tui/summary.ts";
import { FakeEngine, T0, buildSnapshot } from "./fixtures.ts";
import { KEY, settle, setup, strip } from "./harness.tsx";

const dir = mkdtempSync(join(tmpdir(), "ot3c-tui-"));
const engine = new FakeEngine(buildSnapshot({ status: "OVER", mode: "ENFORCE" }));
const server = new ControlSocketServer({ path: socketPath(dir), engine });

beforeAll(async () => {
  await server.listen();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function captureStdout(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const write = process.stdout.write;
  let out = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await fn();
    return { code, out };
  } finally {
    process.stdout.write = write;
  }
}

describe("ot3c without a terminal", () => {
  test("attaches to the daemon's socket and prints a summary with pending items and a hint", async () => {
    const { code, out } = await captureStdout(() =>
      launchTui({ globals: { stateDir: dir, color: true }, readOnly: false, standalone: false, interactive: false }),
    );
    expect(code).toBe(0);
    expect(out).toContain("status: OVER  budget");
    expect(out).toContain("ENFORCE");
    expect(out).toContain(`attached:${socketPath(dir)}`);
    expect(out).toMatch(/p-101 {2}PENDING {2}stop .* deadline 2026-11-22 18:59 CET/);
    expect(out).toMatch(/ - ECS \S+ +id \S+ +prio \d+ +owner/);
    expect(out).toContain("`ot3c list`");
    expect(out).toContain("--output json");
  });

  test("--standalone skips the socket and needs a configuration", async () => {
    const prev = process.env.OT3C_CONFIG;
    process.env.OT3C_CONFIG = join(dir, "missing.yaml");
    try {
      await expect(
        launchTui({ globals: { stateDir: dir, color: true }, readOnly: false, standalone: true, interactive: false }),
      ).rejects.toThrow(/missing\.yaml/);
    } finally {
      if (prev === undefined) delete process.env.OT3C_CONFIG;
      else process.env.OT3C_CONFIG = prev;
    }
  });

  test("summary text is plain ASCII status words (no glyphs needed to read it)", () => {
    const text = textSummary(buildSnapshot({ status: "AT_RISK" }), "in-process", T0);
    expect(text).toContain("status: AT RISK");
    expect(text).toContain("pending terminations: 3");
    expect(text).toContain("(in 5h59m)");
  });
});

describe("TUI attached to a daemon", () => {
  test("approving through the dialog reaches the daemon's engine and comes back in the snapshot", async () => {
    const client = await ControlSocketClient.connect(socketPath(dir));
    const { appProps } = setup({}, { handle: client, prefs: memoryPrefs({ view: "pending" }) });
    const r = render(<App {...appProps} handle={client} />);
    try {
      for (let i = 0; i < 50 && !strip(r.lastFrame()).includes("p-101"); i++) await settle(20);
      expect(strip(r.lastFrame())).toContain(`attached ${socketPath(dir)}`);
      for (const k of ["a", KEY.tab, KEY.enter]) {
        r.stdin.write(k);
        await settle();
      }
      for (let i = 0; i < 50 && !strip(r.lastFrame()).includes("APPROVED"); i++) await settle(20);
      expect(engine.commands.at(-1)).toEqual({ type: "approve", ids: ["p-101"], actor: "tester", source: "tui" });
      expect(engine.getSnapshot()!.plan.find((p) => p.id === "p-101")!.state).toBe("APPROVED");
      expect(strip(r.lastFrame())).toMatch(/p-101\s+✔ APPROVED/);
    } finally {
      r.unmount();
      client.close();
    }
  });
});
