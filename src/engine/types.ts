/**
 * The shared vocabulary of ot3c. Providers translate wire formats into these shapes, the engine computes on
 * them, the store persists them and the TUI/exporter render them. Nothing here knows about HTTP or React.
 *
 * Conventions: money is a plain number in the billing currency (the chargeback ledger uses integer micro-units,
 * see engine/chargeback); instants are epoch milliseconds; calendar days are ISO `YYYY-MM-DD` strings.
 */
import type { Rung } from "./actions/ladder.ts";

/** A calendar day, `YYYY-MM-DD`. */
export type IsoDate = string;

/** Injectable time source so tests can jump to month-end or past a grace deadline without waiting. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cloud inventory (OTC) and cost records (Enterprise Dashboard), normalised by src/providers.

export type ResourceKind = "ECS" | "EVS" | "CCE" | "RDS";

export interface CloudResource {
  kind: ResourceKind;
  /** Provider id: server id, volume id, node pool uid, RDS instance id. */
  id: string;
  name: string;
  /** Provider status as reported (ECS: ACTIVE/SHUTOFF/…, EVS: available/in-use/…). */
  status: string;
  tags: Record<string, string>;
  createdAt?: string;
  /** ECS: ids of attached EVS volumes, in attach order (boot volume first when known). */
  attachedVolumeIds?: string[];
  /** EVS: ids of servers the volume is attached to. */
  attachedServerIds?: string[];
  /** CCE node pool: the cluster it belongs to. */
  clusterId?: string;
  flavor?: string;
  /**
   * Billed as a prepaid (monthly/yearly) package (ECS `metadata.charging_mode` "1" and its equivalents): OTC refuses
   * to delete it and stopping saves nothing, so no plan touches it and its spend is baseline.
   */
  prepaid?: boolean;
}

export interface CostRecord {
  /** The consumption day as the dashboard reports it (Europe/Berlin calendar day). */
  date: IsoDate;
  resourceId: string;
  product: string;
  amount: number;
  projectId?: string;
  projectName?: string;
  /** EL = elastic (usage), RC = recurring. */
  consumptionType?: string;
  region?: string;
}

/** A cost summed per resource and day (several products on one day are added up). */
export interface DailyCost {
  date: IsoDate;
  amount: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Virtual resources (seed concept): leaves wrap one cloud resource, groups wrap several, ghosts wrap cost only.

export type VirtualKind = ResourceKind | "GROUP" | "GHOST";

/**
 * A virtual resource as it is kept after an evaluation — in the daemon's state, in snapshots, in the lifecycle's
 * re-checks: what the unit is, without its daily cost history. (Cost so far and forecast are in the evaluation's
 * `forecasts`; with 10,000 resources the histories were most of the daemon's memory and nothing read them.)
 */
export interface ResourceUnit {
  /** `ECS_<id>`, `EVS_<id>`, `CCE_<nodepool-id>`, `RDS_<id>`, `GR_[id1,id2]`, `GH_<product>_<id>`. */
  id: string;
  kind: VirtualKind;
  name: string;
  /** 0 = never touched; lower = more important; groups take the minimum of their members. */
  prio: number;
  owner?: string;
  group?: string;
  tags: Record<string, string>;
  /** GROUP only. Termination order is array order (a server precedes its volumes). */
  members: ResourceUnit[];
  /** Leaves only. */
  resource?: CloudResource;
  /**
   * False when no plan may touch it and its spend is baseline: no `ot3c_prio` tag (for an ECS group: the server
   * has none). Absent means managed (older producers).
   */
  managed?: boolean;
  /** Why it is treated specially (unparsable prio, unmanaged, ghost, …), one sentence for operators. */
  note?: string;
  /** GHOST only: the id of the vanished resource whose cost records it holds. */
  ghostOf?: string;
  /**
   * ECS/RDS leaves: fraction (0..1) of the daily cost that a *stop* ends (compute; storage keeps billing),
   * estimated from the products in the cost records. Absent: the resource cannot be stopped.
   */
  stopShare?: number;
  /**
   * The rungs of the ladder this unit offers, least harm first (engine/actions `ladderFor`; a group: what all its
   * members allow). Absent when no `actions` configuration was given: then park (where a stop saves) and delete.
   */
  ladder?: Rung[];
  /** The schedule (`ot3c_schedule`) this leaf follows, when valid and its ladder has the `schedule` rung. */
  schedule?: string;
}

/** A unit while it is evaluated: with the cost history the forecast and the planner read. */
export interface VirtualResource extends ResourceUnit {
  members: VirtualResource[];
  /** Daily cost history, ascending by date, summed over products and (for groups) members. */
  daily: DailyCost[];
}

// ---------------------------------------------------------------------------------------------------------------
// Billing period, forecast, budget.

export interface BillingPeriod {
  /** Inclusive start instant (epoch ms). */
  start: number;
  /** Exclusive end instant (epoch ms) — the start of the next period. */
  end: number;
  startDate: IsoDate;
  /** Exclusive: the first day of the next period. */
  endDate: IsoDate;
  days: number;
}

export interface Quantiles {
  p10: number;
  p50: number;
  p90: number;
}

export type ForecastModelName = "steady-state" | "run-rate" | "holt-winters" | "ensemble";
export type QuantileName = "p10" | "p50" | "p90";

/** A unit's forecast as it is kept after an evaluation (snapshots, `list`): the figures, not the daily path. */
export interface ForecastSummary {
  vrId: string;
  /** Spend inside the period up to the last complete day. */
  costSoFar: number;
  /** Month-end spend (so far + the remaining days' forecast) as a band. */
  monthEnd: Quantiles;
}

/** A unit's forecast while it is evaluated: with the daily path the budget and the planner read. */
export interface ResourceForecast extends ForecastSummary {
  /** Forecast of each remaining day of the period (median path), from the first day without data. */
  rest: DailyCost[];
}

export type BudgetStatus = "OK" | "AT_RISK" | "OVER";

export interface BudgetSummary {
  target: number;
  spendSoFar: number;
  /** Month-end forecast of all spend. */
  forecast: Quantiles;
  /** Spend no plan can cut (untagged, prio 0, ghosts): so far and month-end at the configured quantile. */
  baseline: { spendSoFar: number; monthEnd: number };
  /** Month-end (at `quantile`) minus target; > 0 means savings are needed. */
  gap: number;
  quantile: QuantileName;
  status: BudgetStatus;
  /** True when the baseline alone exceeds the target: no plan can reach the budget. */
  baselineExceedsBudget: boolean;
  burnPerHour: number;
  burnPerDay: number;
  /** Actual spend per day in the period so far. */
  dailyTotals: DailyCost[];
  /** Forecast per remaining day with its band. */
  forecastBand: Array<{ date: IsoDate } & Quantiles>;
  /** Up to the last complete day of data. */
  lastCompleteDay?: IsoDate;
  /**
   * Days before today whose cost data was not complete yet (the dashboard lags about a day): they are forecast,
   * not measured. Absent or 0 when the data reaches yesterday.
   */
  lagDays?: number;
  /** How the gap is covered: by open items, by newly planned ones, and what no plan covers (closed loop). */
  coverage?: PlanCoverage;
}

/** How the gap is covered at one moment (engine/closed-loop). */
export interface PlanCoverage {
  /** Month-end forecast (after the engine's own actions) minus the target. */
  gap: number;
  /** Projected saving of the items already planned (PENDING, APPROVED, EXECUTING). */
  committed: number;
  /** Saving of the items the planner adds now. */
  planned: number;
  /** What neither covers: > 0 means the plan does not reach the budget. */
  uncovered: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Termination plan and its lifecycle.

/**
 * What an item does, on the ladder of harm (engine/actions): `park` (stop now, start again at the next period start
 * — ECS/RDS; volumes keep billing), `snapshot-delete` (a copy that outlives the deletion, then delete — RDS),
 * `delete`. `stop` is the older name of `park`, still read from plan files and stored items; new items say `park`.
 */
export type PlanAction = "stop" | "park" | "snapshot-delete" | "delete";

export type PlanOutcome =
  | "NOT_NEEDED"
  | "OK"
  /** Seed wording: the gap could not be closed with manageable resources; the partial plan is still shown. */
  | "END_OF_MANAGEABLE_LIST"
  | "BASELINE_EXCEEDS_BUDGET";

export interface PlannedTermination {
  vrId: string;
  action: PlanAction;
  prio: number;
  owner?: string;
  /** When the termination takes effect (epoch ms). */
  tdate: number;
  /** Forecast cost avoided by terminating at tdate. */
  tsave: number;
  /** True when it must happen as soon as grace allows. */
  tasap: boolean;
  reason: string;
}

export interface TerminationPlan {
  createdAt: number;
  period: BillingPeriod;
  mode: "classic" | "optimal";
  gap: number;
  savings: number;
  outcome: PlanOutcome;
  items: PlannedTermination[];
  /** With the closed loop: how the gap is split between open items and these new ones. */
  coverage?: PlanCoverage;
}

export type PlanState =
  | "PENDING"
  | "APPROVED"
  | "EXECUTING"
  | "DONE"
  | "FAILED"
  | "VETOED"
  | "CANCELLED"
  | "GONE";

export interface PlanItem extends PlannedTermination {
  /** Stable id of the lifecycle item (short, typeable: used by `ot3c approve ID`). */
  id: string;
  state: PlanState;
  /** Absolute deadline (epoch ms): never before tdate, never before creation + grace. */
  deadline: number;
  createdAt: number;
  updatedAt: number;
  approvedBy?: string;
  vetoReason?: string;
  error?: string;
  /**
   * Leaf cloud resources in termination order, as last seen (the store keeps them with every item; snapshots pass
   * them on). Optional for producers that do not have them; renderers then fall back to the resource tree.
   */
  resources?: CloudResource[];
}

export type ActorSource = "tui" | "cli" | "socket" | "daemon" | "engine" | "plan-file";

export interface AuditEvent {
  id: number;
  at: number;
  actor: string;
  source: ActorSource;
  /** e.g. item.created, item.approved, item.vetoed, terminate.would-delete, terminate.deleted, sync.failed */
  action: string;
  itemId?: string;
  vrId?: string;
  detail?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Engine snapshots and commands: the only things the TUI, the exporter and the daemon exchange with the engine.

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

// ---------------------------------------------------------------------------------------------------------------
// What the engine needs from the outside world, as interfaces (implemented in src/providers).

export interface InventorySource {
  /** All manageable resources of the project; throws when the listing is incomplete. */
  listResources(): Promise<CloudResource[]>;
  /** Daily cost records for [from, toExclusive); throws rather than return partial data. */
  listCosts(from: IsoDate, toExclusive: IsoDate): Promise<CostRecord[]>;
}

export interface ResourceTerminator {
  /** Stop (ECS) — compute billing ends, disks stay. Resolves when the async job succeeded. */
  stop(resource: CloudResource): Promise<void>;
  /** Delete; resolves when the async job succeeded, rejects with the API's error otherwise. */
  delete(resource: CloudResource): Promise<void>;
  /** Re-read one resource right before acting on it; undefined when it no longer exists. */
  get(resource: CloudResource): Promise<CloudResource | undefined>;
}

/** Same contract as the executor's `TerminationHooks`: the job id, once the API accepted the request. */
export interface ActionHooks {
  onJob?(jobId: string): void;
}

/** What `park` changed, kept (in the store, phase 2) so `resume` can undo exactly that. */
export interface ParkedState {
  kind: ResourceKind;
  id: string;
  /** When the park completed (epoch ms). */
  parkedAt: number;
  /** CCE node pool: the node count and autoscaling it had, restored on resume. */
  formerNodeCount?: number;
  formerAutoscaling?: { enable: boolean; minNodeCount?: number; maxNodeCount?: number };
}

/** A copy of a resource's data taken before a deletion (EVS snapshot, RDS manual backup). */
export interface SafetyCopy {
  kind: "EVS_SNAPSHOT" | "RDS_BACKUP";
  id: string;
  /** The volume / instance it copies. */
  resourceId: string;
  name: string;
  status: string;
  /** Provider timestamp as reported. */
  createdAt?: string;
  sizeGb?: number;
  /**
   * Whether the copy outlives the deletion of its source. False for EVS snapshots: OTC deletes a disk's snapshots
   * with the disk, so an EVS snapshot cannot make a deletion reversible. True for RDS manual backups.
   */
  survivesDeletion: boolean;
}

/**
 * The reversible actions (the rungs below `delete`), beside `ResourceTerminator`. Each resolves when the cloud's
 * asynchronous job finished and rejects with the API's own reason otherwise, like the terminator.
 */
export interface ResourceActions {
  /**
   * Stop now, to be resumed later: ECS stop, RDS stop (OTC restarts it after 7 days), CCE node pool → 0 nodes.
   * `hooks.onJob` gets the job id as soon as the cloud accepted the call (ECS, RDS), for the execution journal.
   */
  park(resource: CloudResource, hooks?: ActionHooks): Promise<ParkedState>;
  /** Undo a park: ECS/RDS start, CCE node pool back to its former count and autoscaling. */
  resume(resource: CloudResource, parked: ParkedState, hooks?: ActionHooks): Promise<void>;
  /** Start a stopped ECS or RDS (scheduled starts); resolves at once when it already runs. */
  start(resource: CloudResource, hooks?: ActionHooks): Promise<void>;
  /** EVS snapshot or RDS manual backup, waited for until usable (available / COMPLETED). */
  copy(resource: CloudResource, name: string): Promise<SafetyCopy>;
  /** Waits until a copy made earlier (still being made after a restart) is usable; rejects when it failed. */
  awaitCopy(resource: CloudResource, copy: SafetyCopy): Promise<SafetyCopy>;
  /** The copies of one volume / instance (retention listing; never deleted by ot3c on its own). */
  listCopies(resource: CloudResource): Promise<SafetyCopy[]>;
  /** CCE cluster hibernation (no master fee; its nodes bill on) and wake-up, waited for. */
  hibernateCluster(clusterId: string): Promise<void>;
  awakeCluster(clusterId: string): Promise<void>;
}

/**
 * What a renderer holds: the in-process engine and the control-socket client (TUI attached to a daemon) both
 * implement it, so the TUI and the exporter never know which one they talk to.
 */
export interface EngineHandle {
  getSnapshot(): EngineSnapshot | undefined;
  /** Called with every new snapshot; returns an unsubscribe function. */
  subscribe(listener: (snapshot: EngineSnapshot) => void): () => void;
  send(command: EngineCommand): Promise<CommandResult>;
  /** "in-process" or "attached:<socket path>". */
  readonly connection: string;
  /** Attached handles only: the link's state, and a listener for its changes (returns an unsubscribe function). */
  connectionState?(): ConnectionState;
  onConnectionChange?(listener: (state: ConnectionState) => void): () => void;
}
