/**
 * The demo's stand-in for a Prometheus scraping /chargeback/metrics. The exporter shows one hour per scrape and
 * moves to the next hour only when the same scraper comes back (src/exporter/chargeback/cursor.ts), so without a
 * scraper the demo's chargeback hours would never advance.
 *
 * When a real Prometheus scrapes the demo too, two scrapers taking turns would hold the cursor (each scrape comes
 * from a different scraper than the last), so this one steps aside while someone else has scraped recently.
 */
import type { Ledger } from "../store/chargeback/ledger.ts";
import { CURSOR_NAME } from "../exporter/chargeback/cursor.ts";

export const DEMO_SCRAPER_UA = "ot3c-demo-scraper/1";

export interface DemoScraper {
  /** Scrapes once now (unless someone else scrapes); resolves with the HTTP status, or undefined when skipped. */
  scrapeOnce(): Promise<number | undefined>;
  readonly scrapes: number;
  stop(): void;
}

export function startDemoScraper(o: { url: string; ledger: Ledger; intervalMs: number; now?: () => number }): DemoScraper {
  const now = o.now ?? Date.now;
  let scrapes = 0;
  let stopped = false;
  const scrapeOnce = async (): Promise<number | undefined> => {
    const st = o.ledger.cursor(CURSOR_NAME);
    if (st?.servedTo && st.servedTo !== DEMO_SCRAPER_UA && st.servedAt !== undefined && now() - st.servedAt < 3 * o.intervalMs) return undefined;
    const res = await fetch(o.url, { headers: { Accept: "application/openmetrics-text; version=1.0.0", "User-Agent": DEMO_SCRAPER_UA } });
    await res.arrayBuffer();
    scrapes++;
    return res.status;
  };
  const timer = setInterval(() => {
    if (!stopped) scrapeOnce().catch(() => {});
  }, o.intervalMs);
  return {
    scrapeOnce,
    get scrapes() {
      return scrapes;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
