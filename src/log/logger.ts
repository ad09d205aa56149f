/**
 * The one logger every module uses. A logger fans each event out to sinks (journald lines for the daemon, human
 * text on stderr for CLI commands, a JSON-lines file, an in-memory ring for the TUI's Events view). Every message
 * and every field value passes through `redact` first, so a secret that reaches a log call never leaves the
 * process; field names that say "this is a credential" are masked outright.
 */
import { redact } from "../util/redact.ts";
import { textSink } from "./sinks.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

/** One event after redaction; what sinks receive and what the ring buffer hands to the TUI. */
export interface LogEntry {
  /** Milliseconds since the epoch. */
  time: number;
  level: LogLevel;
  msg: string;
  component?: string;
  fields: LogFields;
}

export interface LogSink {
  write(entry: LogEntry): void;
  /** Releases what the sink holds (file descriptors); optional. */
  close?(): void;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds these bindings (usually `{component}`) to every event; shares level and sinks. */
  child(bindings: { component?: string } & LogFields): Logger;
  /** Changes the level of this logger and every child made from the same root. */
  setLevel(level: LogLevel): void;
  readonly level: LogLevel;
  isEnabled(level: LogLevel): boolean;
  /** Closes all sinks of the root (file sinks release their descriptor). */
  close(): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  sinks: LogSink[];
}

/** Field names whose values are credentials whatever they look like. */
const SECRET_FIELD = /secret|password|passwd|token|authorization|api[-_]?key|accesskey|access[-_]key|credential/i;

/** Makes a field value safe to log: strings redacted, errors flattened, nested objects walked (bounded depth). */
export function sanitiseValue(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === "string") return redact(value);
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: redact(value.message) };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = sanitiseValue(code, depth + 1);
    return out;
  }
  if (depth >= 5) return "[…]";
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => sanitiseValue(v, depth + 1));
  if (typeof value === "object") return sanitiseFields(value as LogFields, depth + 1);
  return redact(String(value));
}

export function sanitiseFields(fields: LogFields, depth = 0): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out[k] = SECRET_FIELD.test(k) && v !== null && v !== "" ? "***" : sanitiseValue(v, depth);
  }
  return out;
}

interface RootState {
  level: LogLevel;
  sinks: LogSink[];
}

function makeLogger(root: RootState, bindings: LogFields): Logger {
  const { component, ...boundFields } = bindings as { component?: string } & LogFields;
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (SEVERITY[level] < SEVERITY[root.level]) return;
    const entry: LogEntry = {
      time: Date.now(),
      level,
      msg: redact(String(msg)),
      fields: sanitiseFields({ ...boundFields, ...(fields ?? {}) }),
    };
    if (component) entry.component = component;
    for (const sink of root.sinks) {
      try {
        sink.write(entry);
      } catch {
        // A broken sink (closed pipe, full disk) must never take the caller down with it.
      }
    }
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (more) => makeLogger(root, { ...bindings, ...more }),
    setLevel: (level) => {
      root.level = level;
    },
    get level() {
      return root.level;
    },
    isEnabled: (level) => SEVERITY[level] >= SEVERITY[root.level],
    close: () => {
      for (const sink of root.sinks) sink.close?.();
    },
  };
}

export function createLogger(opts: LoggerOptions): Logger {
  return makeLogger({ level: opts.level ?? "info", sinks: [...opts.sinks] }, {});
}

export function isLogLevel(v: unknown): v is LogLevel {
  return typeof v === "string" && (LOG_LEVELS as readonly string[]).includes(v);
}

// ---- process-wide default ------------------------------------------------------------------------------------

let current: Logger | undefined;

/** The process-wide logger; until someone calls `setLogger`, human text on stderr at info. */
export function getLogger(): Logger {
  if (!current) {
    current = createLogger({ level: "info", sinks: [textSink()] });
  }
  return current;
}

/** Replaces the process-wide logger (the daemon installs journald, the TUI a ring). Returns the previous one. */
export function setLogger(logger: Logger | undefined): Logger | undefined {
  const prev = current;
  current = logger;
  return prev;
}
