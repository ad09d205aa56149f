/**
 * End to end, as an operator would: the simulated clouds (`ot3c sim`), a daemon on them (`ot3c daemon`), and the
 * TUI in a real terminal (tmux) attaching to the daemon's control socket. Open, switch views, filter, approve one
 * pending item through the confirm dialog, see it in Events and in the daemon's state, resize, quit.
 *
 * Runs the compiled binary `dist/ot3c` when it is at least as new as the sources (else `bun src/main.ts`, said
 * on stderr); `OT3C_E2E_BIN` overrides. Skipped, with the reason, when tmux is missing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { ControlSocketClient } from "../../src/daemon/socket-client.ts";
import { ensureBinary } from "./compiled-binary.ts";

const hasTmux = Bun.spawnSync(["sh", "-c", "command -v tmux"]).exitCode === 0;

/** The compiled binary (built when stale): the TUI is judged as operators run it. OT3C_E2E_BIN tests another build. */
function binary(): string[] {
  return [process.env.OT3C_E2E_BIN ?? ensureBinary()];
}

const dir = mkdtempSync(join(tmpdir(), "ot3c-e2e-tui-"));
const state = join(dir, "state");
const config = join(dir, "ot3c.yaml");
const tmuxSocket = `ot3c-e2e-${process.pid}`;
const procs: Subprocess[] = [];
const BIN = binary();

function tmux(...args: string[]): string {
  const r = Bun.spawnSync(["tmux", "-L", tmuxSocket, ...args], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0 && args[0] !== "kill-server" && args[0] !== "has-session") {
    throw new Error(`tmux ${args.join(" ")}: ${r.stderr.toString()}`);
  }
  return r.stdout.toString();
}

let session = "tui";
const screen = () => tmux("capture-pane", "-p", "-t", session);
const keys = (...k: string[]) => tmux("send-keys", "-t", session, ...k);

async function waitFor(pred: (s: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < until) {
    last = screen();
    if (pred(last)) return last;
    await Bun.sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; screen was:\n${last}`);
}
const waitText = (text: string | RegExp, timeoutMs?: number) =>
  waitFor((s) => (typeof text === "string" ? s.includes(text) : text.test(s)), String(text), timeoutMs);

async function waitForFile(path: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > until) throw new Error(`${path} did not appear`);
    await Bun.sleep(100);
  }
}

beforeAll(async () => {
  if (!hasTmux) return;
  const env = { ...process.env, NO_COLOR: undefined, HOME: dir, XDG_CONFIG_HOME: join(dir, "xdg") };
  procs.push(Bun.spawn([...BIN, "sim", "--scenario", "demo", "--write-config", config], { cwd: dir, env, stdout: "ignore", stderr: "ignore" }));
  await waitForFile(config);
  // A free metrics port, so parallel runs and a developer's own daemon do not collide.
  appendFileSync(config, '\nmetrics:\n  listen: "127.0.0.1:0"\n');
  procs.push(Bun.spawn([...BIN, "daemon", "--config", config, "--state-dir", state], { cwd: dir, env, stdout: "ignore", stderr: "ignore" }));
  await waitForFile(join(state, "ot3c.sock"));
}, 40_000);

afterAll(async () => {
  if (hasTmux) tmux("kill-server");
  for (const p of procs) p.kill();
  await Promise.all(procs.map((p) => p.exited));
  rmSync(dir, { recursive: true, force: true });
});

function startTui(name: string, extraEnv: string[], extraArgs: string[], size = ["100", "30"]): void {
  session = name;
  const cmd = [
    "env",
    "-u",
    "NO_COLOR",
    "TERM=xterm-256color",
    `HOME=${dir}`,
    `XDG_CONFIG_HOME=${join(dir, "xdg")}`,
    ...extraEnv,
    ...BIN,
    ...extraArgs,
    "--config",
    config,
    "--state-dir",
    state,
  ].map((a) => `'${a}'`);
  tmux("new-session", "-d", "-s", name, "-x", size[0], "-y", size[1], cmd.join(" "));
}

async function quitAndWait(): Promise<void> {
  keys("q");
  const until = Date.now() + 10_000;
  while (Bun.spawnSync(["tmux", "-L", tmuxSocket, "has-session", "-t", session]).exitCode === 0) {
    if (Date.now() > until) throw new Error("the TUI did not quit on q");
    await Bun.sleep(100);
  }
}

describe("ot3c TUI in tmux, attached to a daemon", () => {
  test.skipIf(!hasTmux)(
    "open, switch views, filter, approve through the dialog, see it in Events and in the daemon, resize, quit",
    async () => {
      startTui("tui", [], []);

      // Open: the header tells budget status, mode, the daemon's role and that we are attached (at 80 columns the
      // short header says "attached" without the socket path; the role comes first).
      let s = await waitText("[1 Overview]", 20_000);
      s = await waitText(/✖ OVER|▲ AT RISK/, 20_000);
      expect(s).toContain("LEADER e1");
      expect(s).toMatch(/\battached\b/);
      expect(s).toContain("DRY-RUN");
      expect(s).toContain("Daily cost");

      // Resources and the filter.
      keys("2");
      await waitText("[2 Resources]");
      keys("/");
      keys("-l", "rds");
      s = await waitText('filter: "rds"');
      const listed = s.split("\n").filter((l) => /^[ ›] +[▾▸ ]? ?(ECS|EVS|CCE|RDS|GR|GH)_/.test(l));
      expect(listed.length).toBeGreaterThan(0);
      if (!listed.every((l) => /rds/i.test(l))) console.log(s);
      expect(listed.every((l) => /rds/i.test(l))).toBe(true);
      keys("Enter");
      keys("Escape");
      await waitFor((x) => !x.includes("filter:"), "the filter to clear");

      // Pending: approve the first item through the dialog (Cancel is focused first).
      keys("3");
      s = await waitText(/› (\w+)\s+◷ PENDING/);
      const id = /› (\w+)\s+◷ PENDING/.exec(s)![1];
      keys("a");
      s = await waitText("[ Cancel ]");
      expect(s).toContain("›[ Cancel ]");
      keys("Tab");
      await waitText("›[ Approve ]");
      keys("Enter");
      await waitText(new RegExp(`${id}\\s+✔ APPROVED`), 15_000);

      // Events shows it, newest first.
      keys("5");
      s = await waitText("item.approved");
      expect(s).toMatch(new RegExp(`item\\.approved\\s+${id}`));

      // The daemon holds it.
      const client = await ControlSocketClient.connect(join(state, "ot3c.sock"));
      try {
        const res = await client.request({ cmd: "snapshot" });
        if (!res.ok) throw new Error(res.error);
        const item = res.snapshot!.plan.find((p) => p.id === id);
        expect(item?.state).toBe("APPROVED");
        expect(res.snapshot!.events.some((e) => e.action === "item.approved" && e.itemId === id && e.source === "tui")).toBe(true);
      } finally {
        client.close();
      }

      // Resize: 80×24 redraws within the width, smaller says so, larger comes back.
      tmux("resize-window", "-t", session, "-x", "80", "-y", "24");
      s = await waitFor((x) => x.includes("[5 Events]") && x.split("\n").length <= 25, "an 80×24 frame");
      expect(Math.max(...s.split("\n").map((l) => [...l].length))).toBeLessThanOrEqual(80);
      // 60×15 still runs (labels shorten, figures and state words stay whole); below that it says so.
      tmux("resize-window", "-t", session, "-x", "60", "-y", "15");
      s = await waitFor((x) => x.includes("Ev]") && x.split("\n").length <= 16, "a 60×15 frame");
      expect(Math.max(...s.split("\n").map((l) => [...l].length))).toBeLessThanOrEqual(60);
      tmux("resize-window", "-t", session, "-x", "58", "-y", "14");
      await waitText("terminal too small (need 60×15, have 58×14)");
      tmux("resize-window", "-t", session, "-x", "100", "-y", "30");
      await waitText("[5 Events]");

      // Quit.
      await quitAndWait();
    },
    90_000,
  );

  test.skipIf(!hasTmux)(
    "NO_COLOR and --read-only: no colour escapes at all, states still readable, approve keys gone",
    async () => {
      startTui("mono", ["NO_COLOR=1"], ["--read-only"], ["80", "24"]);
      await waitText(/✖ OVER|▲ AT RISK/, 20_000);
      keys("3");
      let s = await waitText("[3 Pending");
      expect(s).toContain("READ-ONLY");
      expect(s).not.toContain("a approve");
      keys("a");
      await Bun.sleep(300);
      s = screen();
      expect(s).not.toContain("[ Cancel ]");
      // -e keeps the escape sequences of the pane: Ink was loaded with FORCE_COLOR=0, so there are none.
      const raw = tmux("capture-pane", "-p", "-e", "-t", session);
      expect(raw).not.toMatch(/\x1b\[[0-9;]*m/);
      expect(raw).toMatch(/◷ PENDING|✔ APPROVED/);
      await quitAndWait();
    },
    60_000,
  );
});
