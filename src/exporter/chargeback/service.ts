/**
 * What the daemon holds for chargeback: one ledger, the exporter the metrics port mounts (`render`), a `sync` that
 * never runs twice at once (a timer tick during a long first sync waits for it instead of starting another), and
 * the snapshot summary for the TUI.
 */
import type { ChargebackConfig } from "../../config/types.ts";
import type { ChargebackSummary, Clock } from "../../engine/types.ts";
import { sourceFromConfig } from "../../providers/confluent/source.ts";
import { PrometheusClient } from "../../providers/prometheus/client.ts";
import { Ledger } from "../../store/chargeback/ledger.ts";
import { chargebackSummary } from "../../store/chargeback/report.ts";
import { syncChargeback, type ChargebackSource, type SyncResult } from "../../store/chargeback/sync.ts";
import { ChargebackExporter, type RenderedMetrics } from "./exporter.ts";

export interface ChargebackServiceOptions {
  config: ChargebackConfig;
  stateDir: string;
  clock: Clock;
  /** Defaults to Confluent Cloud + Prometheus from the config (tests pass the simulator's). */
  source?: ChargebackSource;
  log?: (msg: string) => void;
}

export class ChargebackService {
  readonly ledger: Ledger;
  readonly exporter: ChargebackExporter;
  private readonly source: ChargebackSource;
  private running?: Promise<SyncResult>;
  lastResult?: SyncResult;
  lastError?: string;

  constructor(private readonly o: ChargebackServiceOptions) {
    const cfg = o.config;
    this.ledger = Ledger.open(o.stateDir);
    this.source = o.source ?? sourceFromConfig(cfg);
    this.exporter = new ChargebackExporter({
      ledger: this.ledger,
      clock: o.clock,
      cutoffDays: cfg.cutoffDays,
      lookbackDays: cfg.lookbackDays,
      ckuUsageRatio: cfg.ckuUsageRatio,
      confirm: cfg.confirmPrometheus
        ? new PrometheusClient({ url: cfg.confirmPrometheus.url, auth: cfg.confirmPrometheus.auth, endpoint: "prometheus.confirm" })
        : undefined,
    });
  }

  /** Runs a sync, or joins the one already running. */
  sync(full = false): Promise<SyncResult> {
    if (this.running) return this.running;
    const cfg = this.o.config;
    this.running = syncChargeback(this.ledger, this.source, {
      now: this.o.clock.now(),
      lookbackDays: cfg.lookbackDays,
      cutoffDays: cfg.cutoffDays,
      ckuUsageRatio: cfg.ckuUsageRatio,
      full,
      log: this.o.log,
    })
      .then((r) => {
        this.lastResult = r;
        this.lastError = undefined;
        return r;
      })
      .catch((err) => {
        this.lastError = (err as Error)?.message ?? String(err);
        throw err;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  render(req: Request): Promise<RenderedMetrics> {
    return this.exporter.render(req);
  }

  summary(): ChargebackSummary {
    return chargebackSummary(this.ledger);
  }

  close(): void {
    this.ledger.close();
  }
}
