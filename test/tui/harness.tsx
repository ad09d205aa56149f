/**
 * Test helpers: render the App with ink-testing-library (100 columns) or with a resizable fake terminal, named
 * key constants, ANSI stripping, and a short wait for Ink's input/effect cycle.
 */
import { EventEmitter } from "node:events";
import { render as inkRender } from "ink";
import { render } from "ink-testing-library";
import { ManualClock } from "../../src/engine/types.ts";
import { App, type AppProps } from "../../src/tui/App.tsx";
import { memoryPrefs } from "../../src/tui/prefs.ts";
import { FakeEngine, T0, buildSnapshot, type FixtureOptions } from "./fixtures.ts";

export const KEY = {
  enter: "\r",
  esc: "\x1b",
  tab: "\t",
  up: "\x1b[A",
  down: "\x1b[B",
  right: "\x1b[C",
  left: "\x1b[D",
  backspace: "\x7f",
  ctrlC: "\x03",
} as const;

export const strip = (s: string | undefined) => (s ?? "").replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");

export const settle = (ms = 15) => new Promise((r) => setTimeout(r, ms));

export interface Rendered {
  engine: FakeEngine;
  clock: ManualClock;
  frame: () => string;
  press: (...keys: string[]) => Promise<void>;
  type: (text: string) => Promise<void>;
  unmount: () => void;
}

export function setup(fixture: FixtureOptions = {}, props: Partial<AppProps> = {}) {
  const clock = new ManualClock(fixture.at ?? T0);
  const engine = new FakeEngine(buildSnapshot(fixture), "in-process", () => clock.now());
  const appProps: AppProps = {
    handle: engine,
    readOnly: false,
    clock,
    prefs: memoryPrefs(),
    actor: "tester",
    colorAllowed: true,
    ascii: false,
    initialTheme: "okabe-ito",
    tickMs: 20,
    coalesceMs: 0,
    ...props,
  };
  return { clock, engine, appProps };
}

/** Render with ink-testing-library (100×24). */
export async function renderApp(fixture: FixtureOptions = {}, props: Partial<AppProps> = {}): Promise<Rendered> {
  const { clock, engine, appProps } = setup(fixture, props);
  const r = render(<App {...appProps} />);
  await settle();
  return {
    engine,
    clock,
    frame: () => strip(r.lastFrame()),
    press: async (...keys: string[]) => {
      // Wait for the frame the key causes (up to 300 ms; a loaded machine renders late), then a little more for
      // effects; keys that change nothing cost the full wait.
      for (const k of keys) {
        const before = r.lastFrame();
        r.stdin.write(k);
        const until = performance.now() + 300;
        await settle(5);
        while (r.lastFrame() === before && performance.now() < until) await settle(5);
        await settle(10);
      }
    },
    type: async (text: string) => {
      for (const ch of text) {
        r.stdin.write(ch);
        await settle(2);
      }
      await settle();
    },
    unmount: () => r.unmount(),
  };
}

/** A fake TTY whose size tests can change (emits "resize" like a real terminal). */
export class FakeTerminal extends EventEmitter {
  isTTY = true;
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  // Like a real stream, the callback runs once the chunk is written: Ink ≥ 7 resolves waitUntilExit() on it.
  write = (s: string, cb?: unknown) => {
    this.frames.push(s);
    if (typeof cb === "function") queueMicrotask(cb as () => void);
    return true;
  };
  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit("resize");
  }
  last(): string {
    return strip(this.frames[this.frames.length - 1]);
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string) {
    this.data = data;
    this.emit("readable");
    this.emit("data", data);
  }
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

/** Render into a FakeTerminal of a given size (debug mode: every frame is written whole). */
export async function renderSized(columns: number, rows: number, fixture: FixtureOptions = {}, props: Partial<AppProps> = {}) {
  const { clock, engine, appProps } = setup(fixture, props);
  const term = new FakeTerminal(columns, rows);
  const stdin = new FakeStdin();
  const instance = inkRender(<App {...appProps} />, {
    stdout: term as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  await settle();
  return { term, stdin, clock, engine, instance, frame: () => term.last() };
}
