/**
 * One call per process mode to install the process-wide logger with the right sinks:
 * - `cli`: human text on stderr (stdout stays clean for `--output json|yaml`);
 * - `daemon`: journald lines on stdout when systemd captures it (`$JOURNAL_STREAM`/`$INVOCATION_ID` set),
 *   else timestamped text on stderr for someone running `ot3c --daemon` in a terminal;
 * - `tui`: nothing on the terminal at all (Ink owns it) — a ring buffer for the Events view, plus a file if asked.
 * An optional `file` adds a JSON-lines file sink in any mode.
 */
import { createLogger, setLogger, type LogLevel, type Logger, type LogSink } from "./logger.ts";
import { fileSink, journaldSink, ringSink, textSink, type RingSink } from "./sinks.ts";

export type LogMode = "cli" | "daemon" | "tui";

export interface LogSetupOptions {
  level?: LogLevel;
  /** Also append JSON lines here. */
  file?: string;
  /** Ring capacity (tui mode, or any mode when `ring: true`). */
  ringSize?: number;
  ring?: boolean;
  color?: boolean;
  env?: Record<string, string | undefined>;
}

export interface LogSetup {
  logger: Logger;
  /** Present in tui mode (and when asked for): the TUI subscribes to it. */
  ring?: RingSink;
}

/** True when stdout is (most likely) connected to the journal. */
export function underSystemd(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.JOURNAL_STREAM || env.INVOCATION_ID);
}

export function setupLogging(mode: LogMode, opts: LogSetupOptions = {}): LogSetup {
  const env = opts.env ?? process.env;
  const sinks: LogSink[] = [];
  let ring: RingSink | undefined;
  if (mode === "cli") sinks.push(textSink({ color: opts.color ?? false }));
  if (mode === "daemon") sinks.push(underSystemd(env) ? journaldSink() : textSink({ timestamps: true, color: opts.color ?? false }));
  if (mode === "tui" || opts.ring) {
    ring = ringSink(opts.ringSize ?? 500);
    sinks.push(ring);
  }
  if (opts.file) sinks.push(fileSink(opts.file));
  const logger = createLogger({ level: opts.level ?? "info", sinks });
  setLogger(logger);
  return { logger, ...(ring ? { ring } : {}) };
}
