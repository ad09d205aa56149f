/** Pure text helpers for fixed-width terminal cells. No React here, so they are cheap to test and reuse. */

const money2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function money(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "—";
  return money2.format(n);
}

/** Compact money for narrow cells: 1234.5 → "1.2k". */
export function moneyShort(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "—";
  const a = Math.abs(n);
  if (a >= 1e6) return (n / 1e6).toFixed(1) + "M";
  if (a >= 1e4) return (n / 1e3).toFixed(1) + "k";
  return n.toFixed(2);
}

export function signedMoney(n: number): string {
  return (n > 0 ? "+" : n < 0 ? "-" : "") + money(Math.abs(n));
}

export function percent(part: number, whole: number): string {
  if (!whole) return "—";
  return `${Math.round((part / whole) * 100)}%`;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * A countdown to an absolute deadline, recomputed from it on every tick so it never drifts and survives restarts:
 * "2d 04h12m", "4h59m", then seconds in the final hour "59m07s", "0m05s"; "due" once it has passed.
 */
export function countdown(deadline: number, now: number): string {
  const ms = deadline - now;
  if (ms <= 0) return "due";
  const total = Math.floor(ms / 1000);
  if (total < 3600) return `${Math.floor(total / 60)}m${pad2(total % 60)}s`;
  const minutes = Math.floor(total / 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return `${d}d ${pad2(h)}h${pad2(m)}m`;
  return `${h}h${pad2(m)}m`;
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

/** "1h", "90m", "3d" → ms. Go-style compound durations ("1h30m") work too. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let consumed = 0;
  for (const m of text.trim().matchAll(re)) {
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  return consumed > 0 && consumed === text.trim().length ? total : undefined;
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.round(ms / 60_000)}m`;
}

/** UTC timestamp "2026-11-22 13:04:05Z"; the operator sees the same clock as the audit log and the daemon. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
}

/** UTC "11-22 13:04" for narrow columns. */
export function shortTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
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
