/**
 * The one rule for time and money, used by every TUI view, every CLI command and the notifications (README
 * "Time and money"):
 *
 * - Money: two decimals, no thousands separator, the currency code after the figure ("1521.89 EUR"), the same as
 *   the planner's reasons. Tables may put the code in the column header instead ("cost EUR") and show the bare
 *   figure. OTC amounts are in the configured billing currency (EUR), Confluent amounts in USD.
 * - Instants: billing days and deadlines in the billing time zone with the zone named ("2026-12-08 00:00 CET");
 *   machine output (JSON/YAML) in UTC ISO-8601.
 * - Durations: one grammar everywhere, "2d 04h12m", "4h59m", "59m07s" (countdowns and remaining time), and the
 *   same units trimmed for whole choices ("1d", "4h", "90m"); `parseDuration` reads both and Go-style "1h30m".
 *
 * Pure functions, no React, no I/O: the engine's callers, the CLI and the TUI can all import this.
 */
import { DEFAULT_TIME_ZONE } from "../engine/period.ts";

/** OTC bills in the configured currency (EUR by default); Confluent Cloud always in USD. */
export const OTC_DEFAULT_CURRENCY = "EUR";
export const CONFLUENT_CURRENCY = "USD";
export { DEFAULT_TIME_ZONE };

/** "1521.89" — the bare figure, for table cells under a header that names the currency. */
export function amount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "—";
  // Avoid "-0.00" for tiny negative rounding noise.
  const r = Math.round(n * 100) / 100;
  return (Object.is(r, -0) ? 0 : r).toFixed(2);
}

/** "1521.89 EUR". */
export function money(n: number | undefined, currency: string): string {
  const a = amount(n);
  return a === "—" ? a : `${a} ${currency}`;
}

/** "+12.50 EUR" / "-3.00 EUR" / "0.00 EUR". */
export function signedMoney(n: number, currency: string): string {
  return (n > 0 ? "+" : n < 0 ? "-" : "") + money(Math.abs(n), currency);
}

/** Compact figure for narrow cells (the header names the currency): 1234.5 → "1234.50", 23456 → "23.5k". */
export function amountShort(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "—";
  const a = Math.abs(n);
  if (a >= 1e6) return (n / 1e6).toFixed(1) + "M";
  if (a >= 1e4) return (n / 1e3).toFixed(1) + "k";
  return amount(n);
}

/** Micro-units (the chargeback ledger) as a money string: cents, like every other amount. */
export function microsMoney(micros: number, currency = CONFLUENT_CURRENCY): string {
  return money(micros / 1e6, currency);
}

interface Wall {
  date: string;
  time: string;
  seconds: string;
  zone: string;
}

const wallFormats = new Map<string, Intl.DateTimeFormat>();

function wall(ms: number, timeZone: string): Wall {
  let f = wallFormats.get(timeZone);
  if (!f) {
    // en-GB names European zones by their abbreviation (CET/CEST); en-US would say "GMT+1".
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    wallFormats.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(ms)) p[part.type] = part.value;
  const zone = timeZone === "UTC" || timeZone === "Etc/UTC" ? "UTC" : p.timeZoneName;
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, seconds: p.second, zone };
}

/** "2026-12-08 00:00 CET": a deadline or any instant an operator reads, in the billing time zone, zone named. */
export function zonedTime(ms: number, timeZone = DEFAULT_TIME_ZONE): string {
  const w = wall(ms, timeZone);
  return `${w.date} ${w.time} ${w.zone}`;
}

/** "2026-12-08 00:00:05 CET" for logs and event times where seconds matter. */
export function zonedTimeSeconds(ms: number, timeZone = DEFAULT_TIME_ZONE): string {
  const w = wall(ms, timeZone);
  return `${w.date} ${w.time}:${w.seconds} ${w.zone}`;
}

/** "12-08 00:00" for narrow columns; the column header names the zone (`zoneName`). */
export function zonedShort(ms: number, timeZone = DEFAULT_TIME_ZONE): string {
  const w = wall(ms, timeZone);
  return `${w.date.slice(5)} ${w.time}`;
}

/** The zone's current abbreviation ("CET", "CEST", "UTC") for column headers. */
export function zoneName(ms: number, timeZone = DEFAULT_TIME_ZONE): string {
  return wall(ms, timeZone).zone;
}

/** Machine output: UTC ISO-8601 without milliseconds, "2026-12-07T23:00:00Z". */
export function utcIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * Remaining time to an absolute deadline, recomputed from it on every tick so it never drifts and survives
 * restarts: "2d 04h12m", "4h59m", then seconds in the final hour "59m07s", "0m05s"; "due" once it has passed.
 */
export function countdown(deadline: number, now: number): string {
  const ms = deadline - now;
  return ms <= 0 ? "due" : durationText(ms);
}

/** A span in the one duration grammar: "25d 13h00m", "4h59m", "59m07s". */
export function durationText(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  if (total < 3600) return `${Math.floor(total / 60)}m${pad2(total % 60)}s`;
  const minutes = Math.floor(total / 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return `${d}d ${pad2(h)}h${pad2(m)}m`;
  return `${h}h${pad2(m)}m`;
}

/** A whole choice in the same units, trimmed: "1d", "4h", "90m". */
export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.round(ms / 60_000)}m`;
}

/** "1h", "90m", "3d", "1d12h" → ms; Go-style compound durations ("1h30m") work too. Undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const t = text.trim().replace(/\s+/g, "");
  let total = 0;
  let consumed = 0;
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * unit[m[2]!]!;
    consumed += m[0].length;
  }
  return consumed > 0 && consumed === t.length ? total : undefined;
}

/**
 * What a view shows in a unit's prio column: its prio when ot3c manages it, else why not — never `0` unless the
 * resource really is tagged `ot3c_prio=0` ("untagged": no `ot3c_prio` tag; "prepaid"; "ghost": cost records
 * only; "baseline": a group kept out by a member, another instance's resource, a volume held outside its unit).
 */
export function unitPrioLabel(u: { id?: string; kind: string; prio: number; managed?: boolean; tags: Record<string, string>; resource?: { prepaid?: boolean } }): string {
  if (u.kind === "GHOST") return "ghost";
  // The TUI's row for a project (tui/scope groupByProject) holds units of every prio.
  if (u.kind === "GROUP" && u.id?.startsWith("PROJECT:")) return "project";
  if (u.managed !== false) return String(u.prio);
  if (u.resource?.prepaid) return "prepaid";
  if (u.kind !== "GROUP" && u.tags.ot3c_prio === undefined) return "untagged";
  return "baseline";
}

/** Full priority: never abbreviated ("2147483647", not "2.1G"); "untagged" when the resource has none. */
export function prioText(prio: number | undefined): string {
  if (prio === undefined) return "untagged";
  return String(prio);
}
