/**
 * Where log events go. Each sink formats an already-redacted `LogEntry`:
 * - `journaldSink`: one JSON object per line on stdout with the `<N>` syslog priority prefix journald honours
 *   (`SyslogLevelPrefix=` defaults to yes), no ANSI — for the daemon under systemd;
 * - `textSink`: human lines on stderr for CLI commands;
 * - `fileSink`: JSON lines appended to a file (created 0600);
 * - `ringSink`: the last N entries in memory with `subscribe`, for the TUI, which must print nothing itself.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { LogEntry, LogLevel, LogSink } from "./logger.ts";
import { hasUnsafe, jsonTerminalSafe, terminalSafe } from "../util/terminal-safe.ts";

/** syslog priorities: err=3, warning=4, info=6, debug=7. */
export const JOURNALD_PRIORITY: Record<LogLevel, number> = { error: 3, warn: 4, info: 6, debug: 7 };

export interface WritableLike {
  write(chunk: string): unknown;
}

/** The JSON object a journald or file line carries: time, level, component, msg, then the fields. */
export function entryToJson(entry: LogEntry): Record<string, unknown> {
  const out: Record<string, unknown> = { time: new Date(entry.time).toISOString(), level: entry.level };
  if (entry.component) out.component = entry.component;
  out.msg = entry.msg;
  for (const [k, v] of Object.entries(entry.fields)) {
    if (!(k in out)) out[k] = v;
  }
  return out;
}

export function formatJournaldLine(entry: LogEntry): string {
  // JSON.stringify escapes newlines, so one event is always exactly one journal line; C1 and bidi controls (which it
  // leaves raw) are escaped too, so `journalctl` never prints them onto a terminal.
  return `<${JOURNALD_PRIORITY[entry.level]}>${jsonTerminalSafe(JSON.stringify(entryToJson(entry)))}\n`;
}

export function journaldSink(stream: WritableLike = process.stdout): LogSink {
  return { write: (e) => void stream.write(formatJournaldLine(e)) };
}

function formatFieldValue(v: unknown): string {
  if (typeof v === "string") return /[\s"=]/.test(v) || v === "" ? jsonTerminalSafe(JSON.stringify(v)) : terminalSafe(v);
  return jsonTerminalSafe(JSON.stringify(v) ?? String(v));
}

const LEVEL_WORD: Record<LogLevel, string> = { debug: "debug", info: "info", warn: "warning", error: "error" };
const LEVEL_COLOUR: Record<LogLevel, string> = { debug: "\x1b[2m", info: "", warn: "\x1b[33m", error: "\x1b[31m" };

export interface TextSinkOptions {
  stream?: WritableLike;
  /** Colour the level word; default off (stderr of a CLI is often a pipe). */
  color?: boolean;
  /** Prefix with an ISO timestamp; default off for interactive commands. */
  timestamps?: boolean;
}

/** `warning: [config] message key=value` — what an operator reads in a terminal. */
export function formatTextLine(entry: LogEntry, opts: { color?: boolean; timestamps?: boolean } = {}): string {
  const word = LEVEL_WORD[entry.level];
  const level = opts.color && LEVEL_COLOUR[entry.level] ? `${LEVEL_COLOUR[entry.level]}${word}\x1b[0m` : word;
  const parts = [
    ...(opts.timestamps ? [new Date(entry.time).toISOString()] : []),
    `${level}:`,
    ...(entry.component ? [`[${entry.component}]`] : []),
    // Messages quote cloud answers and names: one line, nothing that acts on the terminal.
    terminalSafe(entry.msg),
    ...Object.entries(entry.fields).map(([k, v]) => `${k}=${formatFieldValue(v)}`),
  ];
  return parts.join(" ") + "\n";
}

export function textSink(opts: TextSinkOptions = {}): LogSink {
  const stream = opts.stream ?? process.stderr;
  return { write: (e) => void stream.write(formatTextLine(e, opts)) };
}

/** Appends JSON lines to `path` (created with mode 0600: logs may name resources and owners). */
export function fileSink(path: string): LogSink {
  let fd: number | undefined = openSync(path, "a", 0o600);
  return {
    write: (e) => {
      if (fd !== undefined) writeSync(fd, JSON.stringify(entryToJson(e)) + "\n");
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

export interface RingSink extends LogSink {
  /** Oldest first. */
  entries(): LogEntry[];
  /** Called with every new entry; returns the unsubscribe function. */
  subscribe(listener: (entry: LogEntry) => void): () => void;
  readonly capacity: number;
}

function terminalSafeEntry(e: LogEntry): LogEntry {
  const unsafeField = Object.values(e.fields).some((v) => typeof v === "string" && hasUnsafe(v));
  if (!hasUnsafe(e.msg) && !unsafeField) return e;
  const fields = Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [k, typeof v === "string" ? terminalSafe(v) : v]));
  return { ...e, msg: terminalSafe(e.msg), fields };
}

export function ringSink(capacity = 500): RingSink {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
  const buf: LogEntry[] = new Array(capacity);
  let next = 0;
  let size = 0;
  const listeners = new Set<(entry: LogEntry) => void>();
  return {
    capacity,
    write: (entry) => {
      // The TUI shows these lines: cloud text in them is made safe here, once (msg and string fields).
      const e = terminalSafeEntry(entry);
      buf[next] = e;
      next = (next + 1) % capacity;
      if (size < capacity) size++;
      for (const l of [...listeners]) {
        try {
          l(e);
        } catch {
          // A failing subscriber (e.g. an unmounted view) must not stop logging.
        }
      }
    },
    entries: () => {
      const start = (next - size + capacity) % capacity;
      return Array.from({ length: size }, (_, i) => buf[(start + i) % capacity]!);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
