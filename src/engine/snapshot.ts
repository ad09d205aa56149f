/**
 * Engine snapshots and commands: the only things the TUI, the exporter and the daemon exchange with the engine
 * (re-exported by types.ts, the shared vocabulary).
 */
import type { ActorSource, AuditEvent, BillingPeriod, BudgetStatus, BudgetSummary, ForecastSummary, PlanItem, PlanOutcome, Quantiles, ResourceKind, ResourceUnit } from "./types.ts";

export type SyncState = "NEVER" | "SYNCING" | "OK" | "DEGRADED";

export interface SyncStatus {
  state: SyncState;
  lastAttemptAt?: number;
  lastSuccessAt?: number;
  durationMs?: number;
  /** Human-readable reason for DEGRADED, never containing secrets. */
  error?: string;
}

export interface ApiEndpointStats {
  endpoint: string;
  requests: number;
  errors: number;
  retries: number;
}

export interface ChargebackSummary {
  /** Last hour exposed on the metrics port (epoch ms) and the newest hour in the ledger. */
  cursorHour?: number;
  newestHour?: number;
  totalMicros: number;
  unallocatedMicros: number;
  byPrincipal: Array<{ principal: string; product: string; micros: number }>;
}

export interface EngineSnapshot {
  /** Increments with every snapshot; lets renderers skip work. */
  seq: number;
  at: number;
  project: { name: string; region: string; id?: string };
  mode: "DRY-RUN" | "ENFORCE";
  approval: "none" | "required";
  /** Billing currency of the OTC amounts (config `currency`); renderers assume EUR when absent. */
  currency?: string;
  /** Billing time zone (deadlines and billing days are shown in it); Europe/Berlin when absent. */
  timeZone?: string;
  /** Set by `ot3c demo`: the header says DEMO / SIMULATED and the help overlay shows how to attach. */
  demo?: DemoInfo;
  /** Owners cannot be told (no SMTP, no webhook, `notify.none` not set): the TUI shows this warning. */
  notifyWarning?: string;
  period: BillingPeriod;
  budget?: BudgetSummary;
  /** Root virtual resources, most expendable first (prio descending, 0 last). */
  resources: ResourceUnit[];
  forecasts: Record<string, ForecastSummary>;
  plan: PlanItem[];
  planOutcome?: PlanOutcome;
  sync: SyncStatus;
  api: ApiEndpointStats[];
  events: AuditEvent[];
  alerts: string[];
  chargeback?: ChargebackSummary;
  /** Monotonic counters since the state was created (exported as `_total` metrics). */
  counters?: EngineCounters;
  /** Leaf id (`ECS_<id>`, …) → the veto that protects that resource for the rest of the period. */
  vetoedResources?: Record<string, { itemId: string; reason: string }>;
  /** Who acts for the project (src/store/lease): this instance as LEADER or FOLLOWER, and the lease it saw. */
  lease?: LeaseView;
  /** What ot3c parked or a schedule stopped, and its copies past retention (engine/parking/view.ts). */
  parking?: ParkingView;
  /** With `budgets:` (engine/budgets): every budget, `all` (target-budget) first, then the named ones. */
  budgets?: BudgetScopeState[];
  /** `projects:` configured (issue #18): every project of the fleet and how its last sync went. */
  projects?: ProjectSyncState[];
  /**
   * A fleet's projects with their daily series (engine/budgets/series.ts), for the TUI's Overview of one project:
   * the PROJECT_SERIES_MAX largest by month-end P50, largest first.
   */
  projectDaily?: Array<{ project: string } & ScopeDaily>;
}

/**
 * One scope's spend per day, numbers only (engine/budgets/series.ts), aligned with the whole bill's series: `actual[i]`
 * is the day of `budget.dailyTotals[i]` (the period's first day up to the last complete day), `p50[k]` the day of
 * `budget.forecastBand[k]` (the rest of the period), after ot3c's own actions.
 */
export interface ScopeDaily {
  actual: number[];
  p50: number[];
}

/** One budget at one moment (engine/budgets): its figures, how its gap is covered, and the items that serve it. */
export interface BudgetScopeState {
  name: string;
  target: number;
  /** The scope as configured; absent for `all`. */
  scope?: { projects?: string[]; regions?: string[]; tags?: Record<string, string> };
  /** Named budgets this one lies within by configuration, outermost first (`all` holds every one). */
  within?: string[];
  /** Root units in it. */
  resources: number;
  spent: number;
  forecast: Quantiles;
  /** Month-end at the configured quantile minus the target; > 0 means savings are needed. */
  gap: number;
  status: BudgetStatus;
  /** Month-end spend no plan may touch (no ot3c_prio, prio 0, prepaid, ghosts, other instances). */
  baseline: number;
  /** The baseline alone exceeds the target: reported, not planned. */
  baselineExceedsBudget: boolean;
  /** Saving of the open items in it, of the items planned now, and what neither covers. */
  committed: number;
  planned: number;
  uncovered: number;
  /** Ids of the open plan items (PENDING, APPROVED, EXECUTING) in it. */
  items: string[];
  /** Its spend per day and median path (named budgets only: `all` is the whole bill's `budget`). */
  daily?: ScopeDaily;
}

/**
 * One project of a fleet sync. DEGRADED: it could not be listed completely this round; its resources are shown
 * as last known (or not at all), counted as baseline, and nothing is planned or executed on them until it is OK.
 */
export interface ProjectSyncState {
  id: string;
  name: string;
  region: string;
  status: "OK" | "DEGRADED";
  /** Why it is DEGRADED (redacted, never a secret). */
  error?: string;
  /** Resources listed (OK) or held from the last good listing (DEGRADED). */
  resources: number;
  /** Last complete listing of this project (epoch ms). */
  lastSyncAt?: number;
}

/** One resource held stopped by ot3c: by a park item (resumable with `ot3c resume ITEM`) or by a schedule. */
export interface ParkedEntry {
  source: "park" | "schedule";
  /** The park item (`ot3c resume ITEM`); absent for a schedule's stop. */
  itemId?: string;
  kind: ResourceKind;
  id: string;
  name: string;
  /** When it was parked / stopped (epoch ms). */
  since: number;
  /** When it comes back (epoch ms), absolute; absent when unknown. */
  backAt?: number;
  /** What brings it back at `backAt`; `by-hand`: nothing does (a `stop-only` schedule), no `backAt`. */
  backBy: "period-start" | "operator" | "otc-restart" | "schedule" | "by-hand";
  why: string;
  /** Someone else started or deleted it meanwhile, or the resume's outcome. */
  note?: string;
  dryRun?: boolean;
  owner?: string;
  schedule?: string;
}

/** A copy (RDS manual backup) ot3c made before a snapshot-delete. Listed, never deleted by ot3c. */
export interface MadeCopy {
  itemId: string;
  resourceKind: ResourceKind;
  resourceId: string;
  resourceName: string;
  name: string;
  copyId?: string;
  madeAt: number;
  /** Older than `actions.copy-retention`. */
  expired: boolean;
}

export interface ParkingView {
  parked: ParkedEntry[];
  /** Copies past retention only. */
  copies: MadeCopy[];
  /** All copies ot3c made (for "n of m"). */
  copiesTotal: number;
  copyRetentionMs?: number;
}

/** One project's lease as an instance sees it (src/store/lease). `expiresAt`: epoch ms on this host's clock. */
export interface LeaseView {
  role: "LEADER" | "FOLLOWER";
  /** "pid@host" of the leader, when one holds an unexpired lease. */
  holder?: string;
  epoch: number;
  expiresAt?: number;
  /** This instance's own id ("pid@host"). */
  self: string;
}

/** The link of an attached handle (control-socket client) to its daemon. */
export interface ConnectionState {
  state: "connected" | "disconnected" | "stopped";
  /** Why the link is down: "daemon stopped" (clean shutdown), "no heartbeat", "connection lost", … */
  reason?: string;
  since: number;
}

export interface DemoInfo {
  stateDir: string;
  /** How to attach a second TUI or CLI to the demo's daemon. */
  attach: string;
  /** Why the demo clock is ahead of the wall clock. */
  clockNote: string;
}

export interface EngineCounters {
  terminationsExecuted: number;
  terminationsFailed: number;
  syncs: number;
  syncFailures: number;
}

export type EngineCommand =
  | { type: "approve"; ids: string[]; actor: string; source: ActorSource }
  | { type: "veto"; ids: string[]; reason: string; actor: string; source: ActorSource }
  /** `force`: allow a deadline after the period end (the item then saves nothing this period). */
  | { type: "postpone"; ids: string[]; byMs: number; actor: string; source: ActorSource; force?: boolean }
  | { type: "refresh"; actor: string; source: ActorSource }
  /** Bring parked items back now (engine/parking): the next tick starts what they parked. */
  | { type: "resume"; ids: string[]; actor: string; source: ActorSource };

export interface CommandResult {
  ok: boolean;
  /** Per id: what happened, or why not. */
  results: Array<{ id: string; ok: boolean; message: string }>;
}
