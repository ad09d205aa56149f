/**
 * Text helpers for fixed-width terminal cells. Money, instants and durations come from the one formatting module
 * (src/format, README "Time and money"), so the TUI prints them exactly as the CLI does.
 */
export {
  amount,
  amountShort,
  countdown,
  durationText,
  formatDuration,
  money,
  parseDuration,
  prioText,
  signedMoney,
  utcIso,
  zoneName,
  zonedShort,
  zonedTime,
  zonedTimeSeconds,
} from "../format/index.ts";
import { DEFAULT_TIME_ZONE, OTC_DEFAULT_CURRENCY } from "../format/index.ts";
import type { EngineSnapshot } from "../engine/types.ts";

/** The snapshot's billing currency and time zone, with the documented defaults. */
export function unitsOf(snap: Pick<EngineSnapshot, "currency" | "timeZone"> | undefined): { currency: string; tz: string } {
  return { currency: snap?.currency ?? OTC_DEFAULT_CURRENCY, tz: snap?.timeZone ?? DEFAULT_TIME_ZONE };
}

export function percent(part: number, whole: number): string {
  if (!whole) return "—";
  return `${Math.round((part / whole) * 100)}%`;
}

/** "12s", "4m", "3h", "2d" ago. */
export function age(ms: number): string {
  if (ms < 0) ms = 0;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** Truncate to `width` cells (with an ellipsis) and pad on the right (or left for numbers). */
export function cell(text: string, width: number, align: "left" | "right" = "left", ellipsis = "…"): string {
  if (width <= 0) return "";
  const chars = Array.from(text);
  let s = chars.length > width ? chars.slice(0, Math.max(0, width - 1)).join("") + ellipsis : text;
  const len = Array.from(s).length;
  if (len > width) s = Array.from(s).slice(0, width).join("");
  const padding = " ".repeat(Math.max(0, width - Array.from(s).length));
  return align === "right" ? padding + s : s + padding;
}

/**
 * Words of at most `width` cells per line: safety text wraps instead of being cut. A single word longer than the
 * width (an id) is split hard, never dropped.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(8, width);
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/ +/)) {
    let rest = word;
    while (Array.from(rest).length > w) {
      if (line) {
        out.push(line);
        line = "";
      }
      out.push(Array.from(rest).slice(0, w).join(""));
      rest = Array.from(rest).slice(w).join("");
    }
    if (!line) line = rest;
    else if (Array.from(line).length + 1 + Array.from(rest).length <= w) line += " " + rest;
    else {
      out.push(line);
      line = rest;
    }
  }
  if (line || out.length === 0) out.push(line);
  return out;
}
