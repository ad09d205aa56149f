/**
 * The chargeback exposition the metrics port mounts: content negotiation, the scrape cursor, and the hour's
 * families. `renderChargebackMetrics(req)` is the one call the metrics-port server needs.
 */
import type { ChargebackConfig } from "../../config/types.ts";
import type { Clock } from "../../engine/types.ts";
import { PrometheusClient } from "../../providers/prometheus/client.ts";
import { Ledger } from "../../store/chargeback/ledger.ts";
import { ScrapeCursor } from "./cursor.ts";
import { CONTENT_TYPES, negotiate, render } from "./format.ts";
import { HourlySeries, STATUS_METRIC } from "./series.ts";

export interface RenderedMetrics {
  body: string;
  contentType: string;
  /** The hour exposed (epoch ms), when there was one. */
  hour?: number;
}

export interface ChargebackExporterOptions {
  ledger: Ledger;
  clock: Clock;
  cutoffDays: number;
  lookbackDays: number;
  ckuUsageRatio?: number;
  /** The Prometheus that stores what we export; when set, an hour must be readable there before the cursor moves. */
  confirm?: PrometheusClient;
}

/** Has hour N's status sample landed? (Instant query 1 s after N: the 5-minute lookback only sees a sample at N.) */
export async function hourLanded(prom: PrometheusClient, hour: number): Promise<boolean> {
  const r = await prom.query(`${STATUS_METRIC}{object_type="billing_chargeback"}`, hour / 1000 + 1);
  return r.some((s) => Number(s.value[1]) === 1);
}

export class ChargebackExporter {
  readonly cursor: ScrapeCursor;
  private readonly series: HourlySeries;

  constructor(private readonly o: ChargebackExporterOptions) {
    const confirm = o.confirm;
    this.cursor = new ScrapeCursor(o.ledger, {
      now: () => o.clock.now(),
      cutoffDays: o.cutoffDays,
      lookbackDays: o.lookbackDays,
      confirm: confirm ? (hour) => hourLanded(confirm, hour) : undefined,
    });
    this.series = new HourlySeries(o.ledger, o.ckuUsageRatio ?? 0.7);
  }

  async render(req: Request): Promise<RenderedMetrics> {
    const format = negotiate(req.headers.get("accept"));
    const hour = await this.cursor.hourFor(req);
    const body = hour === undefined ? (format === "openmetrics" ? "# EOF\n" : "") : render(this.series.families(hour), format);
    return { body, contentType: CONTENT_TYPES[format], hour };
  }

  /** Families of one hour without touching the cursor (backfill, tests). */
  familiesAt(hour: number) {
    return this.series.families(hour);
  }
}

let shared: ChargebackExporter | undefined;
let sharedDir: string | undefined;

/**
 * Build (once per state directory) the exporter for a configuration; the metrics port then calls `render`, or
 * `renderChargebackMetrics`. The daemon's metrics port and sync loop live in src/daemon/services.ts.
 */
export function chargebackExporterFor(cfg: ChargebackConfig, stateDir: string, clock: Clock = { now: () => Date.now() }): ChargebackExporter {
  if (!shared || sharedDir !== stateDir) {
    sharedDir = stateDir;
    shared = new ChargebackExporter({
      ledger: Ledger.open(stateDir),
      clock,
      cutoffDays: cfg.cutoffDays,
      lookbackDays: cfg.lookbackDays,
      ckuUsageRatio: cfg.ckuUsageRatio,
      confirm: cfg.confirmPrometheus ? new PrometheusClient({ url: cfg.confirmPrometheus.url, auth: cfg.confirmPrometheus.auth, endpoint: "prometheus.confirm" }) : undefined,
    });
  }
  return shared;
}

/** Mount point for the metrics-port server once `chargebackExporterFor` was called (404-equivalent when not). */
export async function renderChargebackMetrics(req: Request): Promise<RenderedMetrics> {
  if (!shared) return { body: negotiate(req.headers.get("accept")) === "openmetrics" ? "# EOF\n" : "", contentType: CONTENT_TYPES[negotiate(req.headers.get("accept"))] };
  return shared.render(req);
}
