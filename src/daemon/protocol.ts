/**
 * Control-socket protocol (docs/control-socket.md): one JSON object per line in each direction. Requests carry a
 * client-chosen `id` that the response repeats; `subscribe` additionally streams `{"type":"snapshot",…}` lines.
 */
import type { ActorSource, CommandResult, EngineCommand, EngineSnapshot } from "../engine/types.ts";
import { parseGoDuration } from "../config/duration.ts";

export type Request =
  | { id: number | string; cmd: "approve"; ids: string[]; actor?: string; source?: ActorSource }
  | { id: number | string; cmd: "veto"; ids: string[]; reason: string; actor?: string; source?: ActorSource }
  | { id: number | string; cmd: "postpone"; ids: string[]; by?: string; byMs?: number; force?: boolean; actor?: string; source?: ActorSource }
  | { id: number | string; cmd: "refresh"; actor?: string; source?: ActorSource }
  | { id: number | string; cmd: "resume"; ids: string[]; actor?: string; source?: ActorSource }
  | { id: number | string; cmd: "snapshot" }
  | { id: number | string; cmd: "subscribe" }
  | { id: number | string; cmd: "ping" };

export type Response =
  | { id: number | string | null; ok: true; result?: CommandResult; snapshot?: EngineSnapshot; pid?: number; version?: string; store?: string }
  | { id: number | string | null; ok: false; error: string };

export interface SnapshotMessage {
  type: "snapshot";
  snapshot: EngineSnapshot;
}

/** Sent to every client right before a clean shutdown closes the socket: "the daemon stopped", not "it crashed". */
export interface StoppedMessage {
  type: "stopped";
  reason: string;
}

export type StreamMessage = SnapshotMessage | StoppedMessage;

/** Sources a client may claim; anything else is recorded as "socket". */
const CLAIMABLE: ActorSource[] = ["tui", "cli", "socket"];

/** Turns a parsed request into an engine command, or returns an error message. */
export function toCommand(req: Request): EngineCommand | string {
  const actor = typeof (req as { actor?: unknown }).actor === "string" && (req as { actor: string }).actor.trim() ? (req as { actor: string }).actor.trim() : "unknown";
  const claimed = (req as { source?: ActorSource }).source;
  const source: ActorSource = claimed && CLAIMABLE.includes(claimed) ? claimed : "socket";
  const ids = (req as { ids?: unknown }).ids;
  const needIds = () => (Array.isArray(ids) && ids.length > 0 && ids.every((i) => typeof i === "string") ? null : `"${req.cmd}" needs "ids": a non-empty array of strings`);
  switch (req.cmd) {
    case "approve":
      return needIds() ?? { type: "approve", ids: req.ids, actor, source };
    case "veto":
      if (typeof req.reason !== "string" || !req.reason.trim()) return `"veto" needs a "reason"`;
      return needIds() ?? { type: "veto", ids: req.ids, reason: req.reason, actor, source };
    case "postpone": {
      const byMs = typeof req.byMs === "number" ? req.byMs : typeof req.by === "string" ? parseGoDuration(req.by) : undefined;
      if (!byMs || byMs <= 0) return `"postpone" needs "by" (a duration like "2h" or "30m") or "byMs" > 0`;
      return needIds() ?? { type: "postpone", ids: req.ids, byMs, actor, source, ...(req.force === true ? { force: true } : {}) };
    }
    case "refresh":
      return { type: "refresh", actor, source };
    case "resume":
      return needIds() ?? { type: "resume", ids: req.ids, actor, source };
    default:
      return `unknown command "${(req as { cmd?: unknown }).cmd}"`;
  }
}

/** Splits a byte stream into lines; returns a feeder. Lines longer than `maxLine` are rejected (no memory blow-up). */
export function lineSplitter(onLine: (line: string) => void, onTooLong: () => void, maxLine = 1 << 20): (chunk: string) => void {
  let buf = "";
  return (chunk) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) onLine(line);
    }
    if (buf.length > maxLine) {
      buf = "";
      onTooLong();
    }
  };
}
