/**
 * The TUI's one entry point for cloud-derived text: every string in a snapshot (resource names, ids, tags, owners,
 * plan reasons, audit details, alerts, sync errors) comes out with its control and bidi characters shown escaped
 * (src/util/terminal-safe.ts), so no view — present or future — can print a tag's escape sequence. Applied where
 * the TUI receives snapshots (use-snapshot.ts), before any view sees them.
 *
 * Structural sharing: objects without an unsafe string anywhere below are returned as they are, so a clean
 * snapshot costs one scan and no allocation, and unchanged parts keep their identity for React.
 */
import type { EngineSnapshot } from "../engine/types.ts";
import { hasUnsafe, terminalSafe } from "../util/terminal-safe.ts";

function safeValue(v: unknown, depth: number): unknown {
  if (typeof v === "string") return hasUnsafe(v) ? terminalSafe(v) : v;
  if (v === null || typeof v !== "object" || depth > 12 || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const s = safeValue(v[i], depth + 1);
      if (s !== v[i]) (out ??= v.slice())[i] = s;
    }
    return out ? Object.freeze(out) : v;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  let out: Record<string, unknown> | undefined;
  for (const [k, val] of Object.entries(v)) {
    const sk = hasUnsafe(k) ? terminalSafe(k) : k;
    const sv = safeValue(val, depth + 1);
    if (sk !== k || sv !== val) {
      out ??= { ...(v as Record<string, unknown>) };
      if (sk !== k) delete out[k];
      out[sk] = sv;
    }
  }
  return out ? Object.freeze(out) : v;
}

export function safeSnapshot(snap: EngineSnapshot): EngineSnapshot;
export function safeSnapshot(snap: EngineSnapshot | undefined): EngineSnapshot | undefined;
export function safeSnapshot(snap: EngineSnapshot | undefined): EngineSnapshot | undefined {
  return snap === undefined ? undefined : (safeValue(snap, 0) as EngineSnapshot);
}
