/**
 * What the engine needs from the outside world, as interfaces implemented in src/providers (and by the simulators'
 * in-process cloud of `ot3c replay`); re-exported by types.ts.
 */
import type { CloudResource, CostRecord, IsoDate, ResourceKind } from "./types.ts";
import type { CostColumns } from "./virtual/columns.ts";
import type { CommandResult, ConnectionState, EngineCommand, EngineSnapshot, ProjectSyncState } from "./snapshot.ts";

export interface InventorySource {
  /** All manageable resources of the project; throws when the listing is incomplete. */
  listResources(): Promise<CloudResource[]>;
  /** Daily cost records for [from, toExclusive); throws rather than return partial data. */
  listCosts(from: IsoDate, toExclusive: IsoDate): Promise<CostRecord[]>;
  /**
   * The same records as columns, filled as they stream (virtual/columns.ts): what the engine's sync uses when the
   * source offers it, so a sync of millions of records never holds them as objects.
   */
  listCostColumns?(from: IsoDate, toExclusive: IsoDate): Promise<CostColumns>;
  /**
   * Several projects (`projects:`): how each fared in the last `listResources`. A project that failed does not fail
   * the listing; its resources come back `held` (last known) or not at all, and the engine plans nothing on them.
   */
  projectStates?(): ProjectSyncState[];
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
  /**
   * `park` of a CCE node pool: what it is about to change (former count and autoscaling), called after the read and
   * before the scaling call, so the caller keeps it durably and a crash mid-call still resumes to the right count.
   */
  onParked?(state: ParkedState): void;
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
