/**
 * What runs beside the engine in a daemon, `run`, `exec` and `ot3c demo`:
 * - the metrics port (`metrics.listen`): engine metrics, /healthz, /readyz, and /chargeback/metrics when
 *   chargeback is configured;
 * - the chargeback pipeline: a sync every `chargeback.sync-interval` (Confluent costs + objects, Prometheus usage →
 *   ledger), through the same `syncChargeback` as `ot3c chargeback sync`.
 * Their state reaches the engine's snapshots (`chargeback` summary, alerts) through `Engine.setSnapshotExtras`, so
 * the TUI and the control socket see it like everything else.
 *
 * Neither may take the engine down: a metrics port that cannot bind (address in use) and a failing chargeback sync
 * are logged and shown as alerts, and the engine keeps enforcing.
 */
import type { ChargebackConfig, Config } from "../config/types.ts";
import type { Engine } from "../engine/engine.ts";
import { HOUR_MS, UNALLOCATED } from "../engine/chargeback/types.ts";
import type { ChargebackSummary, Clock } from "../engine/types.ts";
import { ChargebackExporter } from "../exporter/chargeback/exporter.ts";
import { ownerReach } from "../notify/guard.ts";
import { createEngineMetrics } from "../exporter/engine-metrics.ts";
import { engineReadiness } from "../exporter/readiness.ts";
import { startMetricsServer, type MetricsServer } from "../exporter/server.ts";
import type { Logger } from "../log/logger.ts";
import { PrometheusClient } from "../providers/prometheus/client.ts";
import { sourceFromConfig } from "../providers/confluent/source.ts";
import { redact } from "../util/redact.ts";
import { Ledger } from "../store/chargeback/ledger.ts";
import { syncChargeback, type ChargebackSource, type SyncResult } from "../store/chargeback/sync.ts";

/** Principal × product rows kept in the snapshot (the TUI shows the top of them). */
const TOP_PRINCIPALS = 200;

export interface ServicesOptions {
  cfg: Config;
  engine: Engine;
  log: Logger;
  clock: Clock;
  /** Overrides `cfg.metrics.listen` (the demo picks a free port). */
  listen?: string;
  /** Where chargeback data comes from; default Confluent + Prometheus from `cfg.chargeback`. */
  chargebackSource?: ChargebackSource;
}

export interface ChargebackService {
  ledger: Ledger;
  exporter: ChargebackExporter;
  /** One sync now (a sync in flight is joined, not repeated). Never throws; the error is kept and shown. */
  syncNow(): Promise<SyncResult | undefined>;
  summary(): ChargebackSummary;
  readonly lastError?: string;
  readonly lastSuccessAt?: number;
}

export interface RunningServices {
  /** Undefined when the port could not be bound (the reason is logged and raised as an alert). */
  metrics?: MetricsServer;
  chargeback?: ChargebackService;
  stop(): Promise<void>;
}

function startChargeback(cb: ChargebackConfig, o: ServicesOptions): ChargebackService & { start(): void; stop(): Promise<void> } {
  const { engine, clock } = o;
  const log = o.log.child({ component: "chargeback" });
  const ledger = Ledger.open(o.cfg.stateDir);
  const exporter = new ChargebackExporter({
    ledger,
    clock,
    cutoffDays: cb.cutoffDays,
    lookbackDays: cb.lookbackDays,
    ckuUsageRatio: cb.ckuUsageRatio,
    ...(cb.confirmPrometheus ? { confirm: new PrometheusClient({ url: cb.confirmPrometheus.url, auth: cb.confirmPrometheus.auth, endpoint: "prometheus.confirm" }) } : {}),
  });
  const source = o.chargebackSource ?? sourceFromConfig(cb);
  let running: Promise<SyncResult | undefined> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let lastError: string | undefined;
  let lastSuccessAt: number | undefined;
  // Totals change only with a sync; the cursor moves with every scrape and is read live (one row).
  let totals: Omit<ChargebackSummary, "cursorHour" | "newestHour"> = { totalMicros: 0, unallocatedMicros: 0, byPrincipal: [] };

  const computeTotals = () => {
    const total = ledger.totals([])[0]?.micros ?? 0;
    const unallocated = ledger.totals(["principal"]).find((r) => r.principal === UNALLOCATED)?.micros ?? 0;
    const byPrincipal = ledger
      .totals(["principal", "product"])
      .slice(0, TOP_PRINCIPALS)
      .map((r) => ({ principal: r.principal!, product: r.product!, micros: r.micros }));
    totals = { totalMicros: total, unallocatedMicros: unallocated, byPrincipal };
  };
  computeTotals();

  const syncNow = (): Promise<SyncResult | undefined> => {
    running ??= (async () => {
      const started = performance.now();
      try {
        const res = await syncChargeback(ledger, source, {
          now: clock.now(),
          lookbackDays: cb.lookbackDays,
          cutoffDays: cb.cutoffDays,
          ckuUsageRatio: cb.ckuUsageRatio,
          log: (m) => log.debug(m),
        });
        computeTotals();
        if (lastError) log.info("chargeback sync recovered");
        lastError = undefined;
        lastSuccessAt = clock.now();
        log.info("chargeback synced", { days: res.daysChecked, recomputed: res.daysRecomputed.length, rows: res.rowsFetched, ms: Math.round(performance.now() - started) });
        return res;
      } catch (err) {
        lastError = redact(String((err as Error)?.message ?? err));
        log.warn(`chargeback sync failed (the ledger keeps its last good state): ${lastError}`);
        return undefined;
      } finally {
        running = undefined;
        engine.markDirty();
      }
    })();
    return running;
  };

  const loop = async () => {
    if (stopped) return;
    await syncNow();
    if (!stopped) timer = setTimeout(loop, cb.syncIntervalMs);
  };

  return {
    ledger,
    exporter,
    syncNow,
    get lastError() {
      return lastError;
    },
    get lastSuccessAt() {
      return lastSuccessAt;
    },
    summary(): ChargebackSummary {
      const range = exporter.cursor.range();
      const cursor = exporter.cursor.state()?.hour;
      return {
        ...(cursor !== undefined ? { cursorHour: cursor } : {}),
        // The newest *final* hour: hours inside cutoff-days may still be restated and are never exposed.
        ...(range ? { newestHour: range.end - HOUR_MS } : {}),
        ...totals,
      };
    },
    start() {
      timer = setTimeout(loop, 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // A sync in flight gets a few seconds; if it is still fetching, it is dropped: each day is replaced in one
      // transaction, so closing the ledger under it loses at most that unfinished sync.
      if (running) await Promise.race([running, new Promise((r) => setTimeout(r, 5000).unref?.())]);
      ledger.close();
    },
  };
}

export function startServices(o: ServicesOptions): RunningServices {
  const { cfg, engine, clock } = o;
  const log = o.log.child({ component: "metrics" });
  const alerts: string[] = [];
  const chargeback = cfg.chargeback ? startChargeback(cfg.chargeback, o) : undefined;

  const reach = ownerReach(cfg);
  engine.setSnapshotExtras(() => ({
    currency: cfg.currency,
    ...(reach.warning ? { notifyWarning: reach.warning } : {}),
    ...(chargeback ? { chargeback: chargeback.summary() } : {}),
    alerts: [...alerts, ...(chargeback?.lastError ? [`chargeback sync failed: ${chargeback.lastError}`] : [])],
  }));

  let metrics: MetricsServer | undefined;
  const listen = o.listen ?? cfg.metrics.listen;
  try {
    metrics = startMetricsServer({
      listen,
      title: `ot3c — ${cfg.otc.projectName ?? cfg.otc.projectId ?? "project"}`,
      metrics: createEngineMetrics({ getSnapshot: () => engine.getSnapshot(), currency: cfg.currency }),
      readiness: engineReadiness({ configLoaded: true, getSnapshot: () => engine.getSnapshot(), staleAfterMs: cfg.staleAfterMs, stateDir: cfg.stateDir, now: () => clock.now() }),
      ...(chargeback
        ? {
            chargeback: {
              render: async (req: Request) => {
                const r = await chargeback.exporter.render(req);
                engine.markDirty(); // the cursor may have moved
                return r;
              },
            },
          }
        : {}),
    });
    log.info(`metrics on ${metrics.url}/metrics${chargeback ? `, chargeback on ${metrics.url}/chargeback/metrics` : ""}`);
  } catch (err) {
    const msg = `metrics port ${listen} unavailable: ${redact(String((err as Error)?.message ?? err))}`;
    log.error(`${msg}; the engine keeps running without it`);
    alerts.push(msg);
  }
  chargeback?.start();

  let stopping: Promise<void> | undefined;
  return {
    ...(metrics ? { metrics } : {}),
    ...(chargeback ? { chargeback } : {}),
    stop() {
      stopping ??= (async () => {
        await metrics?.stop();
        engine.setSnapshotExtras(undefined); // before the ledger closes: snapshots must not read it any more
        await chargeback?.stop();
      })();
      return stopping;
    },
  };
}
