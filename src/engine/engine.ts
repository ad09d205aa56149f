/**
 * The engine loop, shared by `run`, `--daemon`, `exec` and the in-process TUI:
 * sync (InventorySource) → evaluate (forecast, budget, plan) → lifecycle (reconcile plan items) → executor tick,
 * and immutable snapshots for renderers. Providers, the evaluator and the clock are injected: no HTTP, no React.
 *
 * Never plan on incomplete or stale data: a failed sync adds and cancels nothing, existing deadlines hold, and the
 * executor starts nothing new until a good sync; the snapshot says DEGRADED and why.
 */
import { redact } from "../util/redact.ts";
import { EngineLock } from "../store/engine-lock.ts";
import type { ItemOrigin, Store } from "../store/store.ts";
import { billingPeriod } from "./period.ts";
import { applyCommand, applyDecision, dueReminders } from "./lifecycle.ts";
import type { ActionLedger } from "./closed-loop/index.ts";
import { announce, ledgerAt } from "./closed-loop/engine-io.ts";
import { Executor } from "./executor.ts";
import { parkingTick } from "./parking/engine-tick.ts";
import { parkingView } from "./parking/view.ts";
import { collectAfterSync } from "./memory.ts";
import { costRange } from "./sync-range.ts";
import type { ExecTerminator } from "./execution.ts";
import { composeSnapshot, readStoredParts, type StoredParts } from "./snapshot-build.ts";
import { SnapshotPublisher, type BuiltSnapshot } from "./snapshot-publisher.ts";
import { PlanFileLoop } from "./plan-file-loop.ts";
import type { CostInput } from "./virtual/columns.ts";
import { degradedAlert, fleetRound, touchesDegraded } from "./fleet-sync.ts";
import type {
  BudgetScopeState,
  BudgetSummary,
  CloudResource,
  CommandResult,
  CostRecord,
  EngineCommand,
  EngineHandle,
  EngineSnapshot,
  InventorySource,
  ProjectSyncState,
  SyncStatus,
} from "./types.ts";

export type { Evaluation, EvaluateFn, EngineLog, EngineNotifier, SnapshotExtras, EngineSettings, EngineDeps } from "./engine-contract.ts";
import type { Evaluation, EngineNotifier, SnapshotExtras, EngineSettings, EngineDeps } from "./engine-contract.ts";
import { budgetAtRisk, stepAlerts } from "./engine-contract.ts";

export class Engine implements EngineHandle {
  readonly connection = "in-process";
  private lock?: EngineLock;
  private evaluation?: Evaluation;
  private sync: SyncStatus = { state: "NEVER" };
  private lastGoodSyncAt?: number;
  private lastAttemptAt?: number;
  private alerts: string[] = [];
  private refreshRequested = false;
  private executor: Executor;
  private seq = 0;
  private readonly publisher: SnapshotPublisher;
  private loopTimer?: ReturnType<typeof setTimeout>;
  private running?: Promise<void>;
  private stopped = false;
  private readonly planFileLoop: PlanFileLoop;
  private extras?: () => SnapshotExtras;
  /** What the store last answered for a snapshot, shown while it cannot be read. */
  private lastStored?: StoredParts;
  /** Open items the last settle kept or created: the only ones the executor may start (planner origin). */
  private wantedIds = new Set<string>();
  /** Fingerprint of the period's items when the plan was last settled: a change (an execution) settles again. */
  private settledOn = "";
  /** A fleet (`projects:`): every project's last sync, and the DEGRADED ones nothing may start on (fleet-sync.ts). */
  private fleet: { states?: ProjectSyncState[]; degraded: Set<string> } = { degraded: new Set() };

  /** The resume tick writes park items through the same fence as the executor (store/lease). */
  private readonly resumeStore: Store;

  constructor(private readonly deps: EngineDeps) {
    this.planFileLoop = new PlanFileLoop(deps);
    this.publisher = new SnapshotPublisher(() => this.build(), deps.minSnapshotIntervalMs ?? 250);
    this.resumeStore = deps.gate ? deps.gate.executorStore(deps.store) : deps.store;
    this.executor = new Executor(deps.gate ? deps.gate.executorStore(deps.store) : deps.store, deps.terminator, deps.settings, {
      onItem: (kind, item) => this.deps.notifier?.itemEvent(kind, item),
      onAlert: (msg, key) => this.deps.notifier?.alert(msg, key),
      log: deps.log,
    });
  }

  get settings(): EngineSettings {
    return this.deps.settings;
  }

  /** The budget of the last settle, without building a snapshot (replay reads it every simulated day). */
  get budget(): BudgetSummary | undefined {
    return this.evaluation?.budget;
  }

  /** With `budgets:`: every budget's state after the last settle (replay reads it every simulated day). */
  get budgetStates(): BudgetScopeState[] | undefined {
    return this.evaluation?.budgets?.states;
  }

  /** Takes the state-dir lock (throws EngineLockedError when another engine holds it). */
  async acquireLock(): Promise<void> {
    const now = this.deps.clock.now();
    this.lock = await EngineLock.acquire(this.deps.store, this.deps.stateDir, now, Math.max(60_000, (this.deps.tickMs ?? 2000) * 10));
    if (this.lock.tookOverFrom) {
      this.deps.store.audit({ at: now, actor: "ot3c", source: "engine", action: "engine.lock-taken-over", detail: `previous holder pid ${this.lock.tookOverFrom.pid} on ${this.lock.tookOverFrom.host} is gone` });
    }
    this.deps.store.audit({ at: now, actor: "ot3c", source: "engine", action: "engine.started", detail: `pid ${process.pid}, ${this.deps.settings.enforce ? "ENFORCE" : "DRY-RUN"}` });
  }

  /** Installs (or replaces, after a config reload) the notifier. */
  setNotifier(notifier: EngineNotifier | undefined): void {
    this.deps.notifier = notifier;
  }

  /** Installs the source of extra snapshot data (src/daemon/services.ts); call `markDirty()` when it changes. */
  setSnapshotExtras(source: (() => SnapshotExtras) | undefined): void {
    this.extras = source;
    this.markDirty();
  }

  /** Applies new settings (SIGHUP reload); takes effect on the next step. */
  updateSettings(settings: EngineSettings): void {
    this.deps.settings = settings;
    this.executor.settings = settings;
    this.markDirty();
  }

  // -- the loop ------------------------------------------------------------------------------------------------

  /** One iteration: sync when due, then an executor tick, reminders, heartbeat. Never throws. */
  async step(): Promise<void> {
    if (this.stopped) return; // e.g. a refresh queued behind the step SIGTERM waited for
    if (this.running) return this.running;
    this.running = this.doStep().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async doStep(): Promise<void> {
    const { clock, settings } = this.deps;
    try {
      if (this.refreshRequested || this.lastAttemptAt === undefined || clock.now() - this.lastAttemptAt >= settings.syncIntervalMs) {
        this.refreshRequested = false;
        await this.syncAndPlan();
      }
      if (this.stopped) return;
      if (!this.mayAct()) return; // follower: no executor, no reminders (the leader sends them)
      const now = clock.now();
      const fresh = this.evaluation !== undefined && this.sync.state === "OK" && this.lastGoodSyncAt !== undefined && now - this.lastGoodSyncAt <= settings.staleAfterMs && !this.planFileLoop.error;
      // Something changed the items since the last settle (an execution finished, another process approved): the
      // figures and the plan follow at once, before anything new starts.
      if (fresh && !this.deps.planFile && this.itemsFingerprint() !== this.settledOn) this.resettle(now);
      const ev = this.evaluation;
      const wanted = this.deps.planFile ? new Set(this.planFileLoop.desired(ev).map((d) => d.vrId)) : undefined;
      const tick = await this.executor.tick({
        now,
        dataFresh: fresh,
        isWanted: (item) => item.origin === this.origin() && (wanted ? wanted.has(item.vrId) : this.wantedIds.has(item.id)),
        // Nothing starts on a resource of a DEGRADED project (fleet-sync.ts), and nothing there is cancelled either.
        heldBack: (item) => (touchesDegraded(item, this.fleet.degraded) ? "a resource's project is DEGRADED (fleet sync)" : undefined),
        origin: this.origin(),
        budgetAtRisk: budgetAtRisk(ev),
        roots: new Map((ev?.roots ?? []).map((r) => [r.id, r])),
      });
      const resumed = await parkingTick(
        { resumeStore: this.resumeStore, store: this.deps.store, terminator: this.deps.terminator as ExecTerminator, settings, notifier: this.deps.notifier, log: this.deps.log, mayAct: () => this.mayAct() },
        ev,
        this.sync.state === "OK",
        now,
        fresh,
      );
      if ((tick.started.length > 0 || resumed.length > 0) && !this.deps.planFile) this.resettle(clock.now());
      const fleetDegraded = degradedAlert(this.fleet.states);
      this.alerts = stepAlerts({ executor: tick.alerts, sync: this.sync, fleetDegraded, planFileError: this.planFileLoop.error, waitingForApproval: tick.waitingForApproval.length });
      // Reminders are claimed only when there is a notifier to send them (dueReminders marks them as sent).
      const notifier = this.deps.notifier;
      if (notifier) for (const item of dueReminders(this.deps.store, now, settings.reminderBeforeMs)) notifier.itemEvent("reminder", item);
      this.deps.notifier?.tick?.(now);
      this.lock?.heartbeat(now);
    } catch (err) {
      this.deps.log?.("error", "engine step failed", { error: redact(String((err as Error)?.stack ?? err)) });
      // E.g. the state store is unreachable (PostgreSQL gone): a sync cut short must not show SYNCING forever.
      if (this.sync.state === "SYNCING") {
        this.sync = { ...this.sync, state: "DEGRADED", error: `step failed: ${redact(String((err as Error)?.message ?? err))}` };
      }
    }
    this.markDirty();
  }

  private mayAct(): boolean {
    return this.deps.gate?.mayAct() ?? true;
  }

  private origin(): ItemOrigin {
    return this.deps.planFile ? "plan-file" : "engine";
  }

  private async syncAndPlan(): Promise<void> {
    const { clock, store, inventory, settings } = this.deps;
    const started = clock.now();
    this.lastAttemptAt = started;
    this.sync = { ...this.sync, state: "SYNCING", lastAttemptAt: started };
    this.markDirty();
    const { from, toExclusive: to } = costRange(started, settings);
    let resources: CloudResource[];
    let costs: CostInput;
    const t0 = performance.now();
    try {
      // Columns when the source streams into them (a large sync's records never exist as objects all at once).
      [resources, costs] = await Promise.all([inventory.listResources(), inventory.listCostColumns ? inventory.listCostColumns(from, to) : inventory.listCosts(from, to)]);
    } catch (err) {
      this.degrade(started, `sync failed: ${redact(String((err as Error)?.message ?? err))}`, Math.round(performance.now() - t0));
      return;
    }
    const durationMs = Math.round(performance.now() - t0);
    const now = clock.now();
    const fleet = fleetRound(inventory, resources, () => store.listItems({ states: ["PENDING", "APPROVED", "EXECUTING"] }));
    ({ resources } = fleet);
    this.fleet = { states: fleet.states, degraded: fleet.degraded }; // not the resources: garbage after the sync
    let ev: Evaluation;
    try {
      ev = this.deps.evaluate({ resources, costs, now, ledger: this.ledger(now) });
    } catch (err) {
      this.degrade(started, `evaluation failed: ${redact(String((err as Error)?.message ?? err))}`, durationMs);
      return;
    }
    store.recordSync({ at: started, ok: true, resources: resources.length, costs: costs.length, durationMs });
    if (this.sync.state === "DEGRADED") {
      store.audit({ at: now, actor: "ot3c", source: "engine", action: "sync.recovered", detail: `${resources.length} resources, ${costs.length} cost records` });
    }
    this.evaluation = ev;
    this.lastGoodSyncAt = now;
    collectAfterSync(costs.length); // see memory.ts: the records are garbage once this frame is gone
    this.sync = { state: "OK", lastAttemptAt: started, lastSuccessAt: now, durationMs };
    if (!this.deps.planFile) {
      this.applyPlan(ev, now);
      return;
    }
    this.planFileLoop.reconcile(ev, now, this.mayAct());
  }

  /** The ledger of the current period: what the engine did and promised (engine/closed-loop/ledger.ts). */
  private ledger(now: number): ActionLedger {
    const schedules = this.deps.settings.schedules;
    return ledgerAt(this.deps.store, now, this.deps.settings.billingBeginDay, !!schedules && schedules.size > 0);
  }

  private itemsFingerprint(): string {
    const ev = this.evaluation;
    if (!ev) return "";
    return this.deps.store.itemsFingerprint(ev.period.start);
  }

  /** The closed loop on the last sync with the current ledger, written to the store (same tick as the cause). */
  private resettle(now: number): void {
    if (!this.evaluation || this.deps.planFile) return;
    try {
      this.evaluation = this.evaluation.resettle(this.ledger(now), now);
    } catch (err) {
      this.deps.log?.("error", "re-planning failed", { error: redact(String((err as Error)?.message ?? err)) });
      return;
    }
    this.applyPlan(this.evaluation, now);
    this.markDirty();
  }

  private applyPlan(ev: Evaluation, now: number): void {
    if (!this.mayAct()) return; // follower: the leader writes the plan and notifies
    const { store, settings } = this.deps;
    const result = applyDecision(store, {
      now,
      graceMs: settings.graceMs,
      periodStart: ev.period.start,
      origin: this.origin(),
      roots: new Map(ev.roots.map((r) => [r.id, r])),
      decision: ev.decision,
    });
    this.wantedIds = result.wanted;
    this.settledOn = this.itemsFingerprint();
    announce(result, ev.budget, this.deps.notifier, this.deps.log);
  }

  private degrade(at: number, error: string, durationMs: number): void {
    const { store } = this.deps;
    const wasDegraded = this.sync.state === "DEGRADED";
    store.recordSync({ at, ok: false, error, resources: 0, costs: 0, durationMs });
    // One audit event per outage, not one per retry.
    if (!wasDegraded) store.audit({ at, actor: "ot3c", source: "engine", action: "sync.failed", detail: error });
    this.deps.log?.("warn", error);
    this.sync = { state: "DEGRADED", lastAttemptAt: at, durationMs, error, ...(this.lastGoodSyncAt ? { lastSuccessAt: this.lastGoodSyncAt } : {}) };
  }

  /** Runs the loop in real time until `stop()`. */
  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      await this.step();
      if (!this.stopped) this.loopTimer = setTimeout(loop, this.deps.tickMs ?? 2000);
    };
    this.loopTimer = setTimeout(loop, 0);
  }

  /** SIGTERM: the call in flight finishes and is persisted, nothing new starts, the lock is released. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.executor.requestStop();
    if (this.loopTimer) clearTimeout(this.loopTimer);
    this.publisher.stop();
    await this.running;
    await this.deps.notifier?.flush();
    try {
      this.deps.store.audit({ at: this.deps.clock.now(), actor: "ot3c", source: "engine", action: "engine.stopped", detail: `pid ${process.pid}` });
    } catch (err) {
      // A store gone away (PostgreSQL down) must not turn a clean stop into a crash.
      this.deps.log?.("warn", "engine.stopped not audited: the state store is unreachable", { error: redact(String((err as Error)?.message ?? err)) });
    }
    this.lock?.release();
    this.lock = undefined;
  }

  // -- EngineHandle --------------------------------------------------------------------------------------------

  async send(command: EngineCommand): Promise<CommandResult> {
    if (command.type === "refresh") {
      this.deps.store.audit({ at: this.deps.clock.now(), actor: command.actor, source: command.source, action: "sync.refresh-requested" });
      this.refreshRequested = true;
      await this.running;
      await this.step();
      return { ok: this.sync.state === "OK", results: [{ id: "-", ok: this.sync.state === "OK", message: this.sync.state === "OK" ? "synced" : (this.sync.error ?? "sync failed") }] };
    }
    const now = this.deps.clock.now();
    const period = this.evaluation?.period ?? billingPeriod(now, this.deps.settings.billingBeginDay);
    const result = applyCommand(this.deps.store, command, now, { periodEnd: period.end });
    // Replan in the same tick: Overview, Pending, /metrics and the notifications agree at once.
    if (result.results.some((r) => r.ok)) this.resettle(now);
    this.markDirty();
    return result;
  }

  getSnapshot(): EngineSnapshot {
    return this.publisher.get();
  }

  subscribe(listener: (snapshot: EngineSnapshot) => void): () => void {
    return this.publisher.subscribe(listener);
  }

  /** Something changed: the snapshot is rebuilt lazily and pushed at a bounded rate (snapshot-publisher.ts). */
  markDirty(): void {
    this.publisher.markDirty();
  }

  private build(): BuiltSnapshot {
    const { clock, store, settings } = this.deps;
    const now = clock.now();
    const period = this.evaluation?.period ?? billingPeriod(now, settings.billingBeginDay);
    // A store that cannot be read (a PostgreSQL gone away) shows the last known items and DEGRADED — never an
    // exception out of a timer, which would take the process down.
    const read = readStoredParts(store, period.start, this.lastStored, () =>
      parkingView(store, {
        now,
        billingBeginDay: settings.billingBeginDay,
        roots: this.evaluation?.roots,
        // The tree's inventory was read when the last (good) sync started; a degraded sync's tree is older.
        ...(this.sync.state === "OK" && this.sync.lastAttemptAt !== undefined ? { inventoryAt: this.sync.lastAttemptAt } : {}),
        copyRetentionMs: settings.copyRetentionMs,
      }),
    );
    if (!read.error) this.lastStored = read.parts;
    const stored = read.parts;
    const sync: SyncStatus = read.error ? { ...this.sync, state: "DEGRADED", error: read.error } : this.sync;
    const alerts = read.error ? [...this.alerts, read.error] : this.alerts;
    const snapshot = composeSnapshot({
      seq: ++this.seq,
      now,
      project: this.deps.project,
      settings,
      period,
      evaluation: this.evaluation,
      items: stored.items,
      sync,
      api: this.deps.apiStats?.() ?? [],
      events: stored.events,
      alerts,
      extras: this.extras?.(),
      counters: stored.counters,
      lease: this.deps.gate?.view(),
      ...(stored.parking ? { parking: stored.parking } : {}),
      ...(this.fleet.states ? { projects: this.fleet.states } : {}),
    });
    return { snapshot, retry: read.error !== undefined };
  }
}
