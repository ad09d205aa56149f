/**
 * The engine's contract with what is injected into it (src/engine/engine.ts): the evaluator, the notifier, the
 * settings and dependencies. Kept apart from the loop so the loop file holds behaviour only.
 */
import type { ActingGate } from "../store/lease/index.ts";
import type { Store, StoredPlanItem } from "../store/store.ts";
import type { ActionLedger, PlanDecision, Settled } from "./closed-loop/index.ts";
import type { Schedule } from "./actions/schedule.ts";
import type { ExecTerminator, ExecutorSettings, ItemEventKind } from "./execution.ts";
import type { CostInput } from "./virtual/columns.ts";
import type {
  ApiEndpointStats,
  BillingPeriod,
  BudgetSummary,
  ChargebackSummary,
  Clock,
  CloudResource,
  CostRecord,
  ForecastSummary,
  InventorySource,
  PlannedTermination,
  ResourceTerminator,
  ResourceUnit,
  ScopeDaily,
  SyncStatus,
  TerminationPlan,
} from "./types.ts";

/** What `evaluate` (src/engine/pipeline.ts) returns; only these fields are used here. */
export interface Evaluation {
  period: BillingPeriod;
  roots: ResourceUnit[];
  /** Resources of other ot3c instances (`ot3c_instance`), not in the tree: a cluster with one of their pools is never hibernated. */
  excluded?: ResourceUnit[];
  forecasts: Record<string, ForecastSummary>;
  budget: BudgetSummary;
  plan: TerminationPlan;
  decision: PlanDecision;
  vetoedLeaves: Map<string, { itemId: string; reason: string }>;
  /** The closed loop again on the same sync, with a newer ledger (after a command or an execution). */
  resettle(ledger: ActionLedger, now: number): Evaluation;
  /** With `budgets:` (engine/budgets): every budget's state and which budgets an item serves. */
  budgets?: Settled["budgets"];
  /** In a fleet: the largest projects' daily series (engine/budgets/series.ts), for the snapshot. */
  projectDaily?: Array<{ project: string } & ScopeDaily>;
}

/** Is any budget at risk: the single one, or (with `budgets:`) any named one — the executor's re-check. */
export function budgetAtRisk(ev: Pick<Evaluation, "budget" | "budgets"> | undefined): boolean {
  if (!ev) return false;
  return ev.budget.gap > 0 || (ev.budgets?.states.some((s) => s.gap > 0) ?? false);
}

export type EvaluateFn = (input: { resources: CloudResource[]; costs: CostInput; now: number; ledger: ActionLedger }) => Evaluation;

export type EngineLog = (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;

/** Where notifications go (src/notify); the engine only reports what happened. */
export interface EngineNotifier {
  itemEvent(kind: "planned" | "reminder" | "resumed" | ItemEventKind, item: StoredPlanItem): void;
  alert(message: string, key: string): void;
  /** Resolves when sends in flight are done (shutdown). */
  flush(): Promise<void>;
  /** Called every tick by the acting engine: time-driven messages (the daily owner digest, src/notify/digest.ts). */
  tick?(now: number): void;
}

/** Read-only data from services that run beside the engine (the chargeback pipeline), merged into snapshots. */
export interface SnapshotExtras {
  chargeback?: ChargebackSummary;
  alerts?: string[];
  /** Billing currency and the owner-notification warning, passed through to the snapshot for renderers. */
  currency?: string;
  notifyWarning?: string;
}

export interface EngineSettings extends ExecutorSettings {
  graceMs: number;
  syncIntervalMs: number;
  staleAfterMs: number;
  billingBeginDay: number;
  reminderBeforeMs: number;
  /** Days of cost history before today handed to the forecast; default the forecast's own window. */
  historyDays?: number;
  /** When parked resources come back (config `actions.resume`); default at the next period start. */
  resumeMode?: "period-start" | "on-recovery";
  /** Config `actions.copy-retention`: copies ot3c made that are older are listed (snapshot `parking.copies`). */
  copyRetentionMs?: number;
  /** Config `actions.hibernate-clusters` (default true): a cluster whose every node pool is parked is hibernated. */
  hibernateClusters?: boolean;
  /** Compiled `schedules:` (config): tagged servers and databases are stopped and started by them. */
  schedules?: ReadonlyMap<string, Schedule>;
}

export interface EngineDeps {
  store: Store;
  stateDir: string;
  clock: Clock;
  inventory: InventorySource;
  terminator: ResourceTerminator | ExecTerminator;
  evaluate: EvaluateFn;
  settings: EngineSettings;
  project: { name: string; region: string; id?: string };
  notifier?: EngineNotifier;
  log?: EngineLog;
  apiStats?: () => ApiEndpointStats[];
  /**
   * `exec -f FILE`: the plan comes from a file, not from the planner. Called with the current period and the VR ids
   * it may name (current roots plus VRs its items already terminated); throws when the file is invalid.
   */
  planFile?: (ctx: { period: BillingPeriod; knownIds: string[] }) => PlannedTermination[];
  /** How often the background loop wakes up (real time); default 2 s. */
  tickMs?: number;
  /** Minimum real time between snapshots pushed to subscribers; default 250 ms. */
  minSnapshotIntervalMs?: number;
  /** One acting engine per project (src/store/lease): without the lease, sync and show only. Absent: always acts. */
  gate?: ActingGate;
}


/** What the snapshot's alert line says after a step: the executor's alerts, then what holds the engine back. */
export function stepAlerts(o: { executor: string[]; sync: SyncStatus; fleetDegraded?: string; planFileError?: string; waitingForApproval: number }): string[] {
  const alerts = [...o.executor];
  if (o.sync.state === "DEGRADED") alerts.push(`sync degraded: ${o.sync.error}`);
  if (o.fleetDegraded) alerts.push(o.fleetDegraded);
  if (o.planFileError) alerts.push(`plan file: ${o.planFileError}`);
  if (o.waitingForApproval) alerts.push(`${o.waitingForApproval} termination(s) past their deadline wait for approval`);
  return alerts;
}
