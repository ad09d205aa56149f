/**
 * The scrape cursor: which hour the exporter shows. A real Prometheus stores only one sample per series per scrape
 * (reference §10), so one hour is exposed at a time, and the cursor moves to hour N+1 only when the *next* scrape
 * from the same scraper arrives after a scrape of hour N (Prometheus ingests a scrape before the next one starts),
 * optionally confirmed by reading hour N back from the chargeback Prometheus.
 *
 * Stray GETs skip nothing: only requests that look like a Prometheus scrape — an Accept header that asks for
 * OpenMetrics, or a `Prometheus/` User-Agent — move the cursor. A browser or a bare `curl` sees the current hour
 * and changes nothing. The state lives in the ledger DB, so a restart resumes where it stopped.
 */
import { dayStart } from "../../engine/chargeback/hours.ts";
import { DAY_MS, HOUR_MS } from "../../engine/chargeback/types.ts";
import type { CursorState, Ledger } from "../../store/chargeback/ledger.ts";

export const CURSOR_NAME = "metrics";

/** Is this request a scrape that may advance the cursor? */
export function isScrape(req: Request): boolean {
  const accept = (req.headers.get("accept") ?? "").toLowerCase();
  const ua = req.headers.get("user-agent") ?? "";
  return accept.includes("application/openmetrics-text") || /^Prometheus\//.test(ua);
}

export function scraperId(req: Request): string {
  return req.headers.get("user-agent") ?? "unknown";
}

export interface CursorOptions {
  now: () => number;
  /** Hours inside the last `cutoffDays` may still be restated, so they are never exposed. */
  cutoffDays: number;
  lookbackDays: number;
  /** Optional read-back: has hour N landed in the chargeback Prometheus? */
  confirm?: (hour: number) => Promise<boolean>;
}

export class ScrapeCursor {
  constructor(
    private readonly ledger: Ledger,
    private readonly o: CursorOptions,
  ) {}

  /** [first, end) of the exposable hours: stored days inside the lookback and older than the cutoff. */
  range(): { first: number; end: number } | undefined {
    const days = this.ledger.days();
    if (days.length === 0) return undefined;
    const today = Math.floor(this.o.now() / DAY_MS) * DAY_MS;
    const windowStart = today - this.o.lookbackDays * DAY_MS;
    const finalEnd = today - this.o.cutoffDays * DAY_MS;
    const inside = days.filter((d) => dayStart(d.day) >= windowStart && dayStart(d.day) < finalEnd);
    if (inside.length === 0) return undefined;
    const first = dayStart(inside[0]!.day);
    const end = Math.min(finalEnd, dayStart(inside[inside.length - 1]!.day) + DAY_MS);
    return { first, end };
  }

  state(): CursorState | undefined {
    return this.ledger.cursor(CURSOR_NAME);
  }

  /** The hour a request should see, advancing first when this request proves the previous hour was scraped. */
  async hourFor(req: Request): Promise<number | undefined> {
    const range = this.range();
    if (!range) return undefined;
    let st = this.state() ?? { hour: range.first };
    // The lookback window moves forward with time; never expose hours that fell out of it.
    if (st.hour < range.first) st = { hour: range.first };
    if (!isScrape(req)) return Math.min(st.hour, range.end - HOUR_MS);

    const who = scraperId(req);
    if (st.servedHour === st.hour && st.servedTo === who && st.hour + HOUR_MS < range.end) {
      const landed = this.o.confirm ? await this.o.confirm(st.hour).catch(() => false) : true;
      if (landed) st = { hour: st.hour + HOUR_MS };
    }
    const hour = Math.min(st.hour, range.end - HOUR_MS);
    this.ledger.setCursor(CURSOR_NAME, { hour, servedHour: hour, servedTo: who, servedAt: this.o.now() });
    return hour;
  }
}
