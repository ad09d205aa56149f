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
  /** CCE node pool: the nodes it has now (`status.currentNode`); 0 = parked or scaled down by someone. */
  nodeCount?: number;
  flavor?: string;
  /**
   * Billed as a prepaid (monthly/yearly) package (ECS `metadata.charging_mode` "1" and its equivalents): OTC refuses
   * to delete it and stopping saves nothing, so no plan touches it and its spend is baseline.
   */
  prepaid?: boolean;
  /** The OTC project/region it was listed in; absent in a single-project config. */
  projectId?: string;
  projectName?: string;
  region?: string;
  /**
   * Set when its project could not be listed this round (DEGRADED): the resource as last listed, kept so plan items
   * on it are neither GONE nor regrouped; it counts as baseline and nothing is planned or executed on it. The text
   * says why (shown in the tree).
   */
  held?: string;
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

/**
 * A daily cost history without an object per day (virtual/day-series.ts): `days[i]` is an epoch day (days since
 * 1970-01-01), ascending, and `amounts[i]` its cost.
 */
export interface DaySeries {
  readonly days: Int32Array;
  readonly amounts: Float64Array;
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
  /**
   * GHOST only: the project and region its cost records name (a ghost has no resource to ask), so a project
   * budget can count it (engine/budgets).
   */
  costProject?: { id?: string; name?: string; region?: string };
}

/** A unit while it is evaluated: with the cost history the forecast and the planner read. */
export interface VirtualResource extends ResourceUnit {
  members: VirtualResource[];
  /** Daily cost history, ascending by date, summed over products and (for groups) members. */
  daily: DaySeries;
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
  /**
   * With `budgets:` (engine/budgets): the budgets whose spend this item lowers (`all` and every named budget its
   * resources are in). Absent without `budgets:`.
   */
  budgets?: string[];
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

// Snapshots and commands (snapshot.ts) and the engine's ports to the outside world (ports.ts) are part of the
// same vocabulary.
export * from "./snapshot.ts";
export * from "./ports.ts";
