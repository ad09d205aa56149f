/**
 * `ot3c demo`: start the demo (start.ts), then either the TUI on the in-process engine, or — with `--headless`, or
 * when there is no terminal — a banner, a status line every few seconds and the audit events as they happen, until
 * SIGINT/SIGTERM.
 */
import type { LogLevel } from "../log/logger.ts";
import { startDemo, type DemoOptions, type RunningDemo } from "./start.ts";
import { demoBanner, demoInfo, demoStatusLine, eventLine, newEvents } from "./status.ts";
import { untilSignal } from "../util/signals.ts";

export interface DemoRunOptions extends Omit<DemoOptions, "log" | "clock"> {
  headless: boolean;
  logLevel?: LogLevel;
  color: boolean;
  /** Default: stdin and stdout are terminals. */
  interactive?: boolean;
  /** Headless status line period; default 10 s. */
  statusIntervalMs?: number;
  /** Tests: resolves the demo as if SIGINT arrived. */
  stopSignal?: Promise<void>;
  out?: (text: string) => void;
}

const usesTempDir = (o: DemoRunOptions) => o.stateDir === undefined;


async function runHeadless(d: RunningDemo, o: DemoRunOptions, out: (t: string) => void): Promise<void> {
  out(demoBanner(d, "headless"));
  let lastEvent = 0;
  const report = () => {
    const snap = d.handle.getSnapshot();
    for (const e of newEvents(snap, lastEvent)) {
      out(eventLine(e) + "\n");
      lastEvent = Math.max(lastEvent, e.id);
    }
    out(demoStatusLine(snap, d.clock.now()) + "\n");
  };
  // Events appear as they happen; the status line at the set period.
  const unsubscribe = d.handle.subscribe((snap) => {
    for (const e of newEvents(snap, lastEvent)) {
      out(eventLine(e) + "\n");
      lastEvent = Math.max(lastEvent, e.id);
    }
  });
  const timer = setInterval(report, o.statusIntervalMs ?? 10_000);
  // The first status as soon as the first sync is in (or after 5 s without one).
  const first = setInterval(() => {
    if (d.handle.getSnapshot().budget || d.handle.getSnapshot().sync.state === "DEGRADED") {
      clearInterval(first);
      report();
    }
  }, 100);
  const giveUp = setTimeout(() => clearInterval(first), 5000);
  try {
    await untilSignal(o.stopSignal);
  } finally {
    clearInterval(timer);
    clearInterval(first);
    clearTimeout(giveUp);
    unsubscribe();
  }
}

export async function runDemo(o: DemoRunOptions): Promise<number> {
  const out = o.out ?? ((t: string) => void process.stdout.write(t));
  const interactive = o.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
  const headless = o.headless || !interactive;
  if (!o.headless && !interactive) out("ot3c demo: stdin/stdout is not a terminal, so running headless (as with --headless)\n");

  const { createLogger, setLogger } = await import("../log/logger.ts");
  const sinks = await import("../log/sinks.ts");
  // Headless: errors on stderr (what happens is printed as events), the status on stdout. TUI: nothing may print into the UI, so logs go
  // to a ring buffer shown in the Events view.
  const ring = headless ? undefined : sinks.ringSink(500);
  const log = createLogger({ level: o.logLevel ?? (headless ? "error" : "info"), sinks: [ring ?? sinks.textSink({ color: o.color && process.stderr.isTTY === true, timestamps: true })] });
  const previous = setLogger(log);

  let demo: RunningDemo | undefined;
  try {
    demo = await startDemo({ ...o, log });
    if (headless) {
      await runHeadless(demo, o, out);
      return 0;
    }
    // Printed before the alternate screen, so it is there again after quitting; the TUI shows the same in its
    // help overlay and says DEMO / SIMULATED in the header.
    out(demoBanner(demo, "tui"));
    const d = demo;
    const { runTui } = await import("../tui/run.ts");
    return await runTui(demo.handle, {
      readOnly: false,
      color: o.color ? "auto" : "never",
      stateDir: demo.stateDir,
      clock: demo.clock,
      snapshotExtras: { demo: demoInfo(demo), currency: demo.cfg.currency },
      // Log lines carry real time; shown next to audit events they must use the demo clock too.
      logs: { recent: () => ring!.entries().map((e) => ({ at: e.time + d.clockOffsetMs, level: e.level, message: (e.component ? `[${e.component}] ` : "") + e.msg })) },
    });
  } finally {
    await demo?.stop();
    setLogger(previous);
    if (demo) out(`ot3c demo: stopped${usesTempDir(o) ? "; its temporary state directory is removed" : ""}\n`);
  }
}
