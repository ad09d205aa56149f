/**
 * The one place that builds an engine from a `Config`: state store → providers (wire.ts) → notifier → `Engine`,
 * with the project's lease (src/store/lease) as its acting gate. Used by the daemon runtime (`daemon`, `run`,
 * `exec`), the in-process TUI and `ot3c demo`, so all of them run exactly the same engine.
 *
 * Every engine for the project may run; only the lease holder plans, notifies and executes, the others follow.
 * The state directory's lock (engine-lock.ts) now only says which process serves the control socket there:
 * `socketOwner` is false when another process on this host already does.
 */
import type { Config } from "../config/types.ts";
import { compileActions } from "../engine/actions/index.ts";
import { Engine, type EngineLog, type EngineSettings } from "../engine/engine.ts";
import { systemClock, type BillingPeriod, type Clock, type PlannedTermination } from "../engine/types.ts";
import { getLogger, type Logger } from "../log/logger.ts";
import { Notifier } from "../notify/notifier.ts";
import { ownerReach } from "../notify/guard.ts";
import { ConfigError } from "../config/types.ts";
import { Store } from "../store/store.ts";
import { storeTargetOf } from "../store/driver/index.ts";
import { EngineLockedError } from "../store/engine-lock.ts";
import { leaseMsFromEnv, leaseName, projectLease, type ProjectLease } from "../store/lease/index.ts";
import { callTimeoutMs, wireProviders, type WiredProviders, type WireOptions } from "./wire.ts";

export interface PlanFileInput {
  load(ctx: { period: BillingPeriod; knownIds: string[] }): PlannedTermination[];
}

export interface AssembleOptions {
  clock?: Clock;
  log?: Logger;
  /** Real-time period of the engine loop; default $OT3C_TICK_MS, else 2 s. */
  tickMs?: number;
  /** `exec -f FILE`: the plan comes from this file instead of the planner. */
  planFile?: PlanFileInput;
  /** Provider options (job polling); default from the environment. */
  wire?: WireOptions;
  /** Minimum real time between pushed snapshots (tests: shorter). */
  minSnapshotIntervalMs?: number;
  /** Lease time; default $OT3C_LEASE_MS, else 12 s. */
  leaseMs?: number;
  /**
   * Refuse (EngineLockedError) instead of following when another engine already uses the state directory:
   * `ot3c demo`, whose state belongs to the simulated cloud it starts itself.
   */
  exclusive?: boolean;
}

export interface AssembledEngine {
  engine: Engine;
  store: Store;
  /** The providers currently behind the engine (replaced by `reconfigure`). */
  readonly providers: WiredProviders;
  readonly config: Config;
  /** The project's lease (LEADER/FOLLOWER). */
  lease: ProjectLease;
  /** Whether this process serves the control socket of its state directory (another process may already). */
  socketOwner: boolean;
  /** When not: who does (the state directory lock's holder). */
  socketHolder?: { pid: number; host: string };
  /** SIGHUP: new settings, notifier and providers under the running engine. The state directory stays. */
  reconfigure(next: Config): Promise<void>;
  /** Stops the engine loop (the call in flight finishes), releases the lock and the lease; the store stays open. Idempotent. */
  stopEngine(): Promise<void>;
  /** `stopEngine()`, then closes notifier and store. Idempotent. */
  close(): Promise<void>;
}

export function engineSettingsFrom(cfg: Config): EngineSettings {
  return {
    enforce: cfg.enforce,
    approval: cfg.approval,
    maxTerminationsPerRun: cfg.maxTerminationsPerRun,
    graceMs: cfg.terminationGraceMs,
    syncIntervalMs: cfg.syncIntervalMs,
    staleAfterMs: cfg.staleAfterMs,
    billingBeginDay: cfg.billingBeginDay,
    reminderBeforeMs: cfg.notify.reminderBeforeMs,
    resumeMode: cfg.actions?.resume ?? "period-start",
    ...(cfg.actions ? { copyRetentionMs: cfg.actions.copyRetentionMs } : {}),
    ...(cfg.actions ? { schedules: compileActions(cfg.actions).schedules } : {}),
    ...ambiguousWaitFromEnv(),
  };
}

/**
 * OT3C_AMBIGUOUS_WAIT_MS: how long an unchanged resource is observed after an ambiguous call before it counts as
 * untouched — for simulators whose jobs sit in INIT for seconds, not minutes (production: AMBIGUOUS_WAIT_MS).
 */
function ambiguousWaitFromEnv(): { ambiguousWaitMs?: number } {
  const ms = Number(process.env.OT3C_AMBIGUOUS_WAIT_MS);
  return ms > 0 ? { ambiguousWaitMs: ms } : {};
}

export function projectOf(cfg: Config): { name: string; region: string; id?: string } {
  // A fleet (`projects:`) without an `otccreds` project is one instance over many projects: one lease, "fleet".
  return { name: cfg.otc.projectName ?? cfg.otc.projectId ?? (cfg.otc.projects ? "fleet" : "?"), region: cfg.otc.region, ...(cfg.otc.projectId ? { id: cfg.otc.projectId } : {}) };
}

function defaultTickMs(): number {
  // OT3C_TICK_MS: the loop period for simulators and the crash tests (production: 2 s).
  const env = Number(process.env.OT3C_TICK_MS);
  return env > 0 ? env : 2000;
}

/**
 * Builds and locks an engine (not started: call `engine.start()`). Throws EngineLockedError when another engine
 * holds the state directory; nothing is left open in that case.
 */
export async function assembleEngine(cfg: Config, opts: AssembleOptions = {}): Promise<AssembledEngine> {
  const log = opts.log ?? getLogger();
  const clock = opts.clock ?? systemClock;
  const elog = log.child({ component: "engine" });
  const engineLog: EngineLog = (level, msg, fields) => elog[level](msg, fields);
  const nlog = log.child({ component: "notify" });
  const project = projectOf(cfg);
  // Nobody is told and nobody has to approve: refuse before anything is opened (exit 78, like a config error).
  const reach = ownerReach(cfg);
  if (reach.refusal) throw new ConfigError(reach.refusal, "notify", undefined, undefined, cfg.sourcePath);

  const store = Store.open(cfg.stateDir, storeTargetOf(cfg));
  elog.info(`state: ${store.db.kind === "postgres" ? `PostgreSQL ${store.path}` : store.path}`);
  // One acting engine per project: the lease; every executor write is fenced (version + epoch).
  const leaseMs = opts.leaseMs ?? leaseMsFromEnv();
  const lease = projectLease(store, {
    name: leaseName(project, cfg.instance),
    ttlMs: leaseMs,
    callBudgetMs: callTimeoutMs() + Math.min(1000, Math.floor(leaseMs / 10)),
    log: (l, m, f) => elog[l](m, f),
    onRoleChange: (view, previous) => {
      const at = clock.now();
      if (view.role === "LEADER") {
        // The log first: the audit write below may fail (a database just coming back), the role has changed anyway.
        elog.warn(`leader for ${lease.lease.name} (epoch ${view.epoch}): planning, notifying and executing`);
        engineRef?.markDirty();
        store.audit({ at, actor: "ot3c", source: "engine", action: "lease.acquired", detail: `epoch ${view.epoch}${previous && previous.holder !== lease.lease.holder ? `, after ${previous.holder.split("/")[0]}` : ""}` });
      } else {
        elog.warn(`no longer leader for ${lease.lease.name}${view.holder ? ` (leader ${view.holder})` : ""}: following`);
      }
      engineRef?.markDirty();
    },
  });
  let engineRef: Engine | undefined;
  const makeNotifier = (c: Config) =>
    c.notify.smtp || c.notify.webhook
      ? Notifier.create({ store, clock, config: c.notify, project: project.name, currency: c.currency, approval: c.approval, log: (l, m, f) => nlog[l](m, f) })
      : Promise.resolve(undefined);

  let current = cfg;
  let providers = wireProviders(cfg, opts.wire ?? {});
  let notifier: Notifier | undefined;
  try {
    notifier = await makeNotifier(cfg);
  } catch (err) {
    lease.release();
    store.close();
    throw err;
  }

  const engine = new Engine({
    store,
    stateDir: cfg.stateDir,
    clock,
    // Delegates, so a reload (new credentials/endpoints) swaps the providers under the running engine.
    inventory: { listResources: () => providers.inventory.listResources(), listCosts: (from, to) => providers.inventory.listCosts(from, to) },
    terminator: {
      get: (r) => providers.terminator.get(r),
      stop: (r, h) => providers.terminator.stop(r, h),
      delete: (r, h) => providers.terminator.delete(r, h),
      awaitJob: (r, job) => (providers.terminator.awaitJob ? providers.terminator.awaitJob(r, job) : Promise.reject(new Error("cannot resume jobs"))),
      mutationVisible: (r) => providers.terminator.mutationVisible?.(r) === true,
      get actions() {
        return providers.terminator.actions;
      },
    },
    evaluate: (input) => providers.evaluate(input),
    settings: engineSettingsFrom(cfg),
    project,
    ...(notifier ? { notifier } : {}),
    log: engineLog,
    apiStats: () => providers.apiStats(),
    ...(opts.planFile ? { planFile: opts.planFile.load } : {}),
    tickMs: opts.tickMs ?? defaultTickMs(),
    ...(opts.minSnapshotIntervalMs !== undefined ? { minSnapshotIntervalMs: opts.minSnapshotIntervalMs } : {}),
    gate: lease,
  });

  engineRef = engine;
  let socketOwner = true;
  let socketHolder: { pid: number; host: string } | undefined;
  try {
    await engine.acquireLock();
  } catch (err) {
    if (err instanceof EngineLockedError && !opts.exclusive) {
      // Another engine on this state directory serves the socket; this one follows it through the shared store.
      socketOwner = false;
      socketHolder = { pid: err.holderPid, host: err.holderHost };
      store.audit({ at: clock.now(), actor: "ot3c", source: "engine", action: "engine.started", detail: `pid ${process.pid}, ${cfg.enforce ? "ENFORCE" : "DRY-RUN"}; control socket served by pid ${err.holderPid}` });
    } else {
      lease.release();
      await notifier?.close();
      store.close();
      throw err;
    }
  }
  lease.start();
  elog.info(`lease ${lease.lease.name}: ${lease.view().role}${lease.view().role === "LEADER" ? ` (epoch ${lease.view().epoch})` : lease.view().holder ? ` (leader ${lease.view().holder})` : ""}`);

  let engineStopped: Promise<void> | undefined;
  let closed: Promise<void> | undefined;
  const stopEngine = () =>
    (engineStopped ??= engine.stop().finally(() => {
      lease.release();
    }));
  return {
    engine,
    store,
    lease,
    socketOwner,
    ...(socketHolder ? { socketHolder } : {}),
    get providers() {
      return providers;
    },
    get config() {
      return current;
    },
    async reconfigure(next: Config) {
      engine.updateSettings(engineSettingsFrom(next));
      const nextNotifier = await makeNotifier(next);
      const old = notifier;
      notifier = nextNotifier;
      engine.setNotifier(nextNotifier);
      await old?.close();
      providers = wireProviders(next, opts.wire ?? {});
      current = next;
    },
    stopEngine,
    close() {
      closed ??= (async () => {
        await stopEngine();
        await notifier?.close();
        store.close();
      })();
      return closed;
    },
  };
}
