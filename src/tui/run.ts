/**
 * Starts the Ink app on the alternate screen and resolves with the exit code when the operator quits.
 *
 * Order matters here: colour is decided *before* Ink (and its chalk) is first imported, because chalk reads
 * FORCE_COLOR once at import time and ignores NO_COLOR — so Ink and React are imported dynamically below.
 */
import type { Clock, EngineHandle } from "../engine/types.ts";
import type { SnapshotExtras } from "./App.tsx";
import { systemClock } from "../engine/types.ts";
import { asciiOnly, colorAllowed, type ThemeName } from "./theme.ts";
import { memoryPrefs, openPrefs, prefsDir, type PrefsStore } from "./prefs.ts";
import type { LogFeed } from "./views/Events.tsx";
import { operatorName } from "../util/operator.ts";

export interface TuiOptions {
  readOnly: boolean;
  color: "auto" | "never";
  theme?: ThemeName;
  stateDir?: string;
  /** Recent log lines to show in Events (the logger's ring buffer); the TUI never prints logs itself. */
  logs?: LogFeed;
  clock?: Clock;
  prefs?: PrefsStore;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** Facts the snapshot may not carry (demo banner, currency, notification warning); the snapshot's own win. */
  snapshotExtras?: SnapshotExtras;
  /** Render statistics for benchmarks (Ink's onRender). */
  onRender?: (metrics: { renderTime: number }) => void;
}

/**
 * Render options shared with scripts/bench/tui.ts. maxFps caps frames during key auto-repeat and snapshot bursts;
 * it is also the longest a key press can wait behind the 1 Hz countdown frame (Ink throttles with a leading edge),
 * so 30 fps (≤ 33 ms) keeps key-to-frame under the 50 ms target, where 10 fps made one press in ten wait ~100 ms.
 * Idle cost is set by the 1 Hz tick, not by this cap.
 */
export const INK_RENDER_OPTIONS = {
  // Logs never go through the console while the UI is up; patching would only cost re-renders.
  patchConsole: false,
  // Ctrl-C is ours: an approval in flight must not be dropped silently.
  exitOnCtrlC: false,
  // A key press landing just after a timer frame (the 1 Hz countdown) waits for the throttle's trailing edge:
  // at 30 fps up to 34 ms, which alone broke the ≤ 30 ms key → frame target in ~3 % of presses; 60 fps halves that
  // wait. Idle output is unchanged (one frame a second either way); only bursts (key repeat) may draw more often.
  maxFps: 60,
  // Only the lines that changed are written (Ink ≥ 7: the 6.x cursor-up off-by-one that left ghost lines is fixed
  // by ink PR #910). The frame is kept one row shorter than the terminal (App.tsx), so Ink never takes its
  // full-clear fullscreen path. Idle Overview at 80×24 went from ~3.3 KB/s (full redraws) to well under 300 B/s.
  incrementalRendering: true,
} as const;

const ENTER_ALT_SCREEN = "\x1b[?1049h\x1b[H";
const LEAVE_ALT_SCREEN = "\x1b[?1049l";

export async function runTui(handle: EngineHandle, opts: TuiOptions): Promise<number> {
  const env = process.env;
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  if (!stdin.isTTY || !stdout.isTTY) {
    process.stderr.write("ot3c: the TUI needs a terminal on stdin and stdout (use `ot3c list` or `--output json`)\n");
    return 1;
  }
  const allowColor = colorAllowed({ color: opts.color, env });
  if (!allowColor) env.FORCE_COLOR = "0";
  // React's development build costs several times the CPU per frame; an unset NODE_ENV means an operator run.
  env.NODE_ENV ??= "production";

  // Ink (through is-in-ci) renders nothing but the last frame when $CI is set, deciding once at import. We have
  // already checked that stdin and stdout are terminals, which is what decides interactivity here, so CI flags
  // are hidden from that import and restored right after.
  const ciFlags = ["CI", "CONTINUOUS_INTEGRATION"].filter((k) => k in env).map((k) => [k, env[k]] as const);
  for (const [k] of ciFlags) delete env[k];
  const [{ render }, React, { App }] = await Promise.all([import("ink"), import("react"), import("./App.tsx")]).finally(() => {
    for (const [k, v] of ciFlags) env[k] = v;
  });

  const prefs = opts.prefs ?? (env.OT3C_TUI_PREFS === "memory" ? memoryPrefs() : openPrefs({ cwd: prefsDir(env, opts.stateDir) }));
  const saved = prefs.get().theme;
  const initialTheme: ThemeName = opts.theme ?? saved ?? "okabe-ito";
  let forced = 0;

  stdout.write(ENTER_ALT_SCREEN);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdout.write(LEAVE_ALT_SCREEN);
  };
  const instance = render(
    React.createElement(App, {
      handle,
      readOnly: opts.readOnly,
      clock: opts.clock ?? systemClock,
      prefs,
      actor: operatorName(),
      colorAllowed: allowColor,
      ascii: asciiOnly(env),
      initialTheme,
      logs: opts.logs,
      snapshotExtras: opts.snapshotExtras,
      onForcedQuit: (n: number) => {
        forced = n;
      },
    }),
    {
      stdin,
      stdout,
      ...INK_RENDER_OPTIONS,
      onRender: opts.onRender,
    },
  );

  // systemd/ssh hang-ups and kill: leave the terminal as we found it.
  const onSignal = () => instance.unmount();
  process.once("SIGTERM", onSignal);
  process.once("SIGHUP", onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
    instance.cleanup();
    restore();
  }
  if (forced > 0) {
    process.stderr.write(
      `ot3c: quit while ${forced} action(s) were in flight; check \`ot3c list\` or the Events view for their outcome\n`,
    );
    return 1;
  }
  return 0;
}
