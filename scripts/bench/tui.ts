/**
 * TUI benchmark (issue 7, item 5), with the production render options (INK_RENDER_OPTIONS from src/tui/run.ts) on a
 * fake 120×40 TTY:
 *
 * 1. Idle CPU: the Pending view with countdowns ticking on the real clock (1 Hz tick), measured with
 *    `process.cpuUsage()` over `--seconds` (default 60): countdowns in their final hour (seconds change every
 *    tick) at 80×24 (the operator's reference size) and 120×40, and countdowns hours away at 120×40.
 *    Target ≤ 2 % of one core.
 * 2. Key press → frame latency with 10,000 resources in the tree: write a key to stdin, time until the frame
 *    is written to stdout (cursor moves, page down, expand/collapse, sort, view switch, filter keystrokes).
 *    Presses are spaced 150 ms apart (key auto-repeat is not the point here); the 1 Hz header/countdown frames
 *    keep running, so a press can land just after one and wait for Ink's frame throttle. Target p95 ≤ 30 ms.
 * 3. Bytes on the wire: what the idle Overview writes per second at 80×24 (incremental rendering). ≤ 300 B/s.
 *
 * `bun scripts/bench/tui.ts [--seconds N] [--resources N]`; ends with the JSON line of report.ts.
 */
// React's development build is several times slower and is not what operators run: re-run this file with
// NODE_ENV=production (it must be set before React is loaded and before Bun picks the JSX runtime). Colour is
// forced on (truecolor, as in a modern terminal) because styled frames cost more than plain ones and the
// bench's own stdout is usually a pipe.
if (process.env.NODE_ENV !== "production") {
  const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], {
    env: { ...process.env, NODE_ENV: "production", FORCE_COLOR: process.env.FORCE_COLOR ?? "3" },
    stdio: ["inherit", "inherit", "inherit"],
  });
  process.exit(await child.exited);
}

import { EventEmitter } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { render } from "ink";
import React from "react";
import { systemClock, type EngineSnapshot } from "../../src/engine/types.ts";
import { App, type AppProps } from "../../src/tui/App.tsx";
import { INK_RENDER_OPTIONS } from "../../src/tui/run.ts";
import { memoryPrefs } from "../../src/tui/prefs.ts";
import { indexTree, orderRoots, visibleRows } from "../../src/tui/tree.ts";
import { FakeEngine, buildSnapshot } from "../../test/tui/fixtures.ts";
import { FakeStdin } from "../../test/tui/harness.tsx";
import { check, report } from "./report.ts";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const seconds = flag("seconds", 60);
const resources = flag("resources", 10_000);

class Tty extends EventEmitter {
  isTTY = true;
  columns = 120;
  rows = 40;
  bytes = 0;
  writes = 0;
  onWrite?: () => void;
  write = (s: string, cb?: unknown) => {
    this.bytes += Buffer.byteLength(s);
    this.writes++;
    this.onWrite?.();
    if (typeof cb === "function") queueMicrotask(cb as () => void);
    return true;
  };
}


function mount(
  props: Partial<AppProps>,
  snapOpts: Parameters<typeof buildSnapshot>[0],
  columns = 120,
  rows = 40,
  adjust?: (snap: EngineSnapshot) => void,
) {
  const now = Date.now();
  const snap = buildSnapshot({ ...snapOpts, at: now });
  adjust?.(snap);
  const engine = new FakeEngine(snap, "in-process", () => Date.now());
  const stdout = new Tty();
  stdout.columns = columns;
  stdout.rows = rows;
  const stdin = new FakeStdin();
  const renderTimes: number[] = [];
  const app = render(
    React.createElement(App, {
      handle: engine,
      readOnly: false,
      clock: systemClock,
      prefs: memoryPrefs(),
      actor: "bench",
      colorAllowed: true,
      ascii: false,
      initialTheme: "okabe-ito",
      ...props,
    }),
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      ...INK_RENDER_OPTIONS,
      onRender: ({ renderTime }) => renderTimes.push(renderTime),
    },
  );
  return { engine, stdout, stdin, app, renderTimes };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU time per thread of this process (Linux /proc; empty elsewhere), so the idle figure can be read: the UI's own
 * work runs on the main thread, while JavaScriptCore compiles hot code (JITWorker) and collects garbage on threads
 * of its own, and all of them count in process.cpuUsage().
 */
function threadTimes(): Map<string, { name: string; ms: number }> {
  const out = new Map<string, { name: string; ms: number }>();
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const name = tid === String(process.pid) ? "main" : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).trim();
      out.set(tid, { name, ms: (Number(fields[11]) + Number(fields[12])) * 10 }); // utime + stime, in 10 ms ticks
    }
  } catch {
    // not Linux: no breakdown
  }
  return out;
}
function threadShares(before: ReturnType<typeof threadTimes>, wallMs: number): string {
  const byKind = new Map<string, number>();
  for (const [tid, t] of threadTimes()) {
    const kind = t.name === "main" ? "main thread" : /JIT/i.test(t.name) ? "JIT compiler" : "GC and allocator";
    byKind.set(kind, (byKind.get(kind) ?? 0) + t.ms - (before.get(tid)?.ms ?? 0));
  }
  return [...byKind].map(([k, ms]) => `${k} ${((ms / wallMs) * 100).toFixed(2)} %`).join(", ");
}
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

// ---- 1. idle CPU with countdowns ticking --------------------------------------------------------------------------
// Two situations: "final hour", where every visible countdown shows seconds and the frame changes every second
// (the worst case), and "hours away" (the usual one with a 24 h grace), where countdowns and the sync age change
// once a minute. 80×24 is the operator's reference terminal (issue 7); Ink regenerates the whole frame for every
// change, however small, so a larger terminal costs more per frame.
async function idle(columns: number, rows: number, finalHour: boolean) {
  const m = mount({ prefs: memoryPrefs({ view: "pending" }) }, { resources: 2_000, pending: 40 }, columns, rows, (snap) => {
    const now = Date.now();
    snap.sync.lastSuccessAt = now - 5 * 60_000; // past the first minute, in which the age shows seconds
    if (finalHour) snap.plan = snap.plan.map((p, k) => ({ ...p, deadline: now + 20 * 60_000 + k * 30_000 }));
  });
  await sleep(1500); // let start-up work settle
  const writes0 = m.stdout.writes;
  const bytes0 = m.stdout.bytes;
  const renders0 = m.renderTimes.length;
  const threads0 = threadTimes();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  const shares = threadShares(threads0, wall);
  m.app.unmount();
  const frames = m.renderTimes.slice(renders0);
  const percent = ((cpu.user + cpu.system) / 1000 / wall) * 100;
  const visible = rows - 1 - 6 - 2;
  console.log(
    `idle ${columns}×${rows}, ${finalHour ? "final hour (seconds ticking)" : "hours away (minutes ticking)"}: ${seconds} s on the Pending view ` +
      `(2,000 resources, ${visible} countdowns visible): CPU ${percent.toFixed(2)} % of one core, ` +
      `${frames.length} frames (Ink render ${(frames.reduce((a, b) => a + b, 0) / Math.max(1, frames.length)).toFixed(1)} ms each), ` +
      `${((m.stdout.bytes - bytes0) / 1024).toFixed(1)} KiB written` +
      (shares ? `\n    by thread: ${shares}` : ""),
  );
  return { percent, frames: frames.length };
}
// ---- 1b. bytes on the wire: the Overview at 80×24 with the sync age ticking in seconds -------------------------
// Ink ≥ 7 with incremental rendering writes only the cells that changed; the figure an operator on a slow link
// pays while the UI sits there. Target ≤ 300 B/s (a full redraw per tick was ~3.3 KB/s).
async function wireBytes(columns: number, rows: number) {
  const m = mount({ prefs: memoryPrefs({ view: "overview" }) }, { resources: 2_000, pending: 40 }, columns, rows, (snap) => {
    snap.sync.lastSuccessAt = Date.now(); // the age shows seconds for the first minute
  });
  await sleep(1500);
  const bytes0 = m.stdout.bytes;
  const t0 = performance.now();
  const window = Math.min(seconds, 50);
  await sleep(window * 1000);
  const perSecond = ((m.stdout.bytes - bytes0) / (performance.now() - t0)) * 1000;
  m.app.unmount();
  console.log(`wire ${columns}×${rows}, Overview, sync age ticking in seconds: ${perSecond.toFixed(0)} B/s over ${window} s`);
  return perSecond;
}
const wire80 = await wireBytes(80, 24);
const idleSmall = await idle(80, 24, true);
const idleLarge = await idle(120, 40, true);
const idleUsual = await idle(120, 40, false);

// ---- 2. key press → frame latency with 10,000 resources -----------------------------------------------------------
const m = mount({ prefs: memoryPrefs({ view: "resources" }) }, { resources, pending: 30 });
await sleep(1000);
const rows = m.engine.getSnapshot()!.resources.reduce((n, r) => n + 1 + r.members.length, 0);

async function press(key: string): Promise<number> {
  await sleep(150);
  const t0 = performance.now();
  const framed = new Promise<void>((resolve) => {
    m.stdout.onWrite = () => {
      m.stdout.onWrite = undefined;
      resolve();
    };
  });
  m.stdin.write(key);
  const timeout = sleep(2000).then(() => "timeout" as const);
  const r = await Promise.race([framed, timeout]);
  m.stdout.onWrite = undefined;
  if (r === "timeout") throw new Error(`no frame within 2 s after ${JSON.stringify(key)}`);
  return performance.now() - t0;
}

const samples: Record<string, number[]> = {};
const measure = async (label: string, key: string) => (samples[label] ??= []).push(await press(key));
for (let i = 0; i < 20; i++) await measure("cursor down (j)", "j");
for (let i = 0; i < 5; i++) await measure("page down", "\x1b[6~");
// Put the cursor on the first group (from the top), so Enter really collapses and expands something.
const firstGroup = visibleRows(orderRoots(indexTree(m.engine.getSnapshot()!), "prio"), { collapsed: new Set(), filter: "", reverse: false }).findIndex(
  (r) => r.isGroup,
);
await press("g");
for (let i = 0; i < firstGroup; i++) await press("j");
for (let i = 0; i < 6; i++) await measure("collapse/expand group (Enter)", "\r");
for (const k of ["C", "C", "F", "N", "P"]) await measure("sort (C/F/N/P)", k);
for (let i = 0; i < 3; i++) {
  await measure("switch view (3, 2)", "3");
  await measure("switch view (3, 2)", "2");
}
await measure("open filter (/)", "/");
for (const ch of "ecs-db") await measure("filter keystroke", ch);
await measure("clear filter (Esc)", "\x1b");
await measure("end (G)", "G");
m.app.unmount();

const all = Object.values(samples).flat();
console.log(`\nkey press → frame with ${resources.toLocaleString("en-US")} resources (${rows.toLocaleString("en-US")} tree rows), 120×40:`);
for (const [label, xs] of Object.entries(samples)) {
  console.log(`  ${label.padEnd(32)} n=${String(xs.length).padStart(2)}  p50 ${pct(xs, 50).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`);
}
const p50 = pct(all, 50);
const p95 = pct(all, 95);
const max = Math.max(...all);
console.log(`  all keys: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms; Ink render p95 ${pct(m.renderTimes, 95).toFixed(1)} ms\n`);

report(
  "tui",
  [
    check("idle CPU, countdowns in their final hour (seconds), 80×24", idleSmall.percent, "%", "<=", 2),
    check("idle CPU, countdowns in their final hour (seconds), 120×40", idleLarge.percent, "%", "<=", 2),
    check("idle CPU, countdowns hours away (minutes), 120×40", idleUsual.percent, "%", "<=", 2),
    check("key press to frame, p95 (10k resources)", p95, "ms", "<=", 30),
    check("bytes written per second, idle Overview 80×24", wire80, "B/s", "<=", 300),
  ],
  { seconds, resources, treeRows: rows, idleFrames: idleSmall.frames, keyLatencyMs: { p50, p95, max }, wireBytesPerSecond80x24: Math.round(wire80), perKey: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, pct(v, 50)])) },
);
process.exit(0);
