/**
 * The reversible actions of the OTC provider (`ResourceActions`): park / resume / start per kind, safety copies
 * (EVS snapshot, RDS manual backup) and CCE cluster hibernation — each waiting for the cloud's asynchronous work
 * like the terminator does, and failing with the API's own reason. Mutations are sent once (HttpClient retries only
 * GETs); every read is a fresh signed GET.
 *
 * | kind | park | resume | copy |
 * |---|---|---|---|
 * | ECS | batch `os-stop` (SOFT) | batch `os-start` | — |
 * | RDS | `action/shutdown` (pay-per-use; OTC restarts it after 7 days) | `action/startup` | manual backup (outlives the instance) |
 * | CCE node pool | `PUT` 0 nodes, autoscaling off | `PUT` former count and autoscaling | — |
 * | EVS | — (a volume cannot be stopped) | — | snapshot (deleted with its disk!) |
 */
import type { ActionHooks, CloudResource, ParkedState, ResourceActions, SafetyCopy } from "../../../engine/types.ts";
import { inService } from "../clients.ts";
import { ecsJobState, pollJob, rdsJobState, type JobPollOptions } from "../jobs.ts";
import { getServer } from "../ecs.ts";
import { getInstance, stopInstance } from "../rds.ts";
import type { OtcSession } from "../session.ts";
import { clusterOperation, clusterPhaseState, readPool, scaleNodePool, scaleState } from "./cce.ts";
import { startServers, stopServers } from "./ecs.ts";
import { createSnapshot, listSnapshots, snapshotCopy, snapshotState } from "./evs.ts";
import { backupCopy, backupState, createBackup, listBackups, startInstance } from "./rds.ts";

export interface OtcActionOptions {
  jobs?: JobPollOptions;
  /** Clock for `parkedAt` and backup names. */
  now?: () => number;
}

export class OtcResourceActions implements ResourceActions {
  private readonly now: () => number;

  constructor(
    private readonly session: OtcSession,
    private readonly options: OtcActionOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  private get endpoints() {
    return this.session.otc.endpoints;
  }

  private get jobs(): JobPollOptions {
    return this.options.jobs ?? {};
  }

  async park(resource: CloudResource, hooks?: ActionHooks): Promise<ParkedState> {
    const c = await this.session.clients();
    const { id } = resource;
    switch (resource.kind) {
      case "ECS":
        await inService("ecs", this.endpoints.ecs, `stop server ${id}`, async () => {
          const job = await stopServers(c.ecs, c.projectId, [id]);
          hooks?.onJob?.(job);
          await pollJob(`stop of server ${id} (job ${job})`, c.ecs.endpoint, () => ecsJobState(c.ecs, c.projectId, job), this.jobs);
        });
        return { kind: "ECS", id, parkedAt: this.now() };
      case "RDS":
        await inService("rds", this.endpoints.rds, `stop instance ${id}`, async () => {
          const job = await stopInstance(c.rds, c.projectId, id);
          hooks?.onJob?.(job);
          await pollJob(`stop of instance ${id} (job ${job})`, c.rds.endpoint, () => rdsJobState(c.rds, c.projectId, job), this.jobs);
        });
        return { kind: "RDS", id, parkedAt: this.now() };
      case "CCE": {
        const cluster = clusterOf(resource);
        return inService("cce", this.endpoints.cce, `scale node pool ${id} to 0`, async () => {
          const pool = await readPool(c.cce, c.projectId, cluster, id);
          const formerNodeCount = pool.status?.currentNode ?? pool.spec?.initialNodeCount ?? 0;
          const formerAutoscaling = pool.spec?.autoscaling ?? { enable: false };
          const state = { kind: "CCE" as const, id, parkedAt: this.now(), formerNodeCount, formerAutoscaling };
          // Kept by the caller before the call: a crash mid-scaling must not lose the count to come back to.
          hooks?.onParked?.(state);
          await scaleNodePool(c.cce, c.projectId, cluster, pool, 0, { ...formerAutoscaling, enable: false });
          await pollJob(`scaling of node pool ${id} to 0`, c.cce.endpoint, () => scaleState(c.cce, c.projectId, cluster, id, 0), this.jobs);
          return state;
        });
      }
      case "EVS":
        throw new Error(`EVS ${id}: a volume cannot be parked (it bills while it exists); park the server it belongs to`);
    }
  }

  async resume(resource: CloudResource, parked: ParkedState, hooks?: ActionHooks): Promise<void> {
    if (parked.kind !== resource.kind || parked.id !== resource.id) {
      throw new Error(`resume ${resource.kind} ${resource.id}: the parked state is for ${parked.kind} ${parked.id}`);
    }
    if (resource.kind !== "CCE") return this.start(resource, hooks);
    const c = await this.session.clients();
    const cluster = clusterOf(resource);
    const count = parked.formerNodeCount;
    if (count === undefined) throw new Error(`CCE node pool ${resource.id}: parked state lacks the former node count`);
    await inService("cce", this.endpoints.cce, `scale node pool ${resource.id} back to ${count}`, async () => {
      const pool = await readPool(c.cce, c.projectId, cluster, resource.id);
      await scaleNodePool(c.cce, c.projectId, cluster, pool, count, parked.formerAutoscaling ?? { enable: false });
      await pollJob(`scaling of node pool ${resource.id} to ${count}`, c.cce.endpoint, () => scaleState(c.cce, c.projectId, cluster, resource.id, count), this.jobs);
    });
  }

  async start(resource: CloudResource, hooks?: ActionHooks): Promise<void> {
    const c = await this.session.clients();
    const { id } = resource;
    switch (resource.kind) {
      case "ECS":
        return inService("ecs", this.endpoints.ecs, `start server ${id}`, async () => {
          // Decided on the state now, not on the (possibly old) inventory entry: a running server needs no start.
          const now = await getServer(c.ecs, c.projectId, id);
          if (!now) throw new Error(`server ${id} no longer exists`);
          if (now.resource.status === "ACTIVE") return;
          const job = await startServers(c.ecs, c.projectId, [id]);
          hooks?.onJob?.(job);
          await pollJob(`start of server ${id} (job ${job})`, c.ecs.endpoint, () => ecsJobState(c.ecs, c.projectId, job), this.jobs);
        });
      case "RDS":
        return inService("rds", this.endpoints.rds, `start instance ${id}`, async () => {
          const now = await getInstance(c.rds, c.projectId, id);
          if (!now) throw new Error(`instance ${id} no longer exists`);
          if (now.status === "ACTIVE") return;
          const job = await startInstance(c.rds, c.projectId, id);
          hooks?.onJob?.(job);
          await pollJob(`start of instance ${id} (job ${job})`, c.rds.endpoint, () => rdsJobState(c.rds, c.projectId, job), this.jobs);
        });
      default:
        throw new Error(`${resource.kind} ${id}: cannot be started; ${resource.kind === "CCE" ? "resume a node pool with its parked state" : "a volume has no power state"}`);
    }
  }

  async copy(resource: CloudResource, name: string): Promise<SafetyCopy> {
    const c = await this.session.clients();
    const { id } = resource;
    const description = `ot3c safety copy of ${resource.kind} ${id}`;
    switch (resource.kind) {
      case "EVS":
        return inService("evs", this.endpoints.evs, `snapshot of volume ${id}`, async () => {
          const snap = await createSnapshot(c.evs, c.projectId, id, name, description);
          await pollJob(`snapshot ${snap.id} of volume ${id}`, c.evs.endpoint, () => snapshotState(c.evs, c.projectId, snap.id), this.jobs);
          return { ...snapshotCopy(snap), status: "available" };
        });
      case "RDS":
        return inService("rds", this.endpoints.rds, `backup of instance ${id}`, async () => {
          const b = await createBackup(c.rds, c.projectId, id, name, description);
          await pollJob(`backup ${b.id} of instance ${id}`, c.rds.endpoint, () => backupState(c.rds, c.projectId, id, b.id), this.jobs);
          const done = (await listBackups(c.rds, c.projectId, id, b.id)).find((x) => x.id === b.id) ?? b;
          return backupCopy(done);
        });
      default:
        throw new Error(`${resource.kind} ${id}: no safety copy for this kind (copy its volumes / use CBR)`);
    }
  }

  /**
   * Waits for a copy made earlier (a restart found it still BUILDING / creating) until it is usable; rejects when it
   * failed. Reads its state like `copy` does, so it never creates anything.
   */
  async awaitCopy(resource: CloudResource, copy: SafetyCopy): Promise<SafetyCopy> {
    const c = await this.session.clients();
    const { id } = resource;
    switch (resource.kind) {
      case "EVS":
        return inService("evs", this.endpoints.evs, `snapshot ${copy.id} of volume ${id}`, async () => {
          await pollJob(`snapshot ${copy.id} of volume ${id}`, c.evs.endpoint, () => snapshotState(c.evs, c.projectId, copy.id), this.jobs);
          return { ...copy, status: "available" };
        });
      case "RDS":
        return inService("rds", this.endpoints.rds, `backup ${copy.id} of instance ${id}`, async () => {
          await pollJob(`backup ${copy.id} of instance ${id}`, c.rds.endpoint, () => backupState(c.rds, c.projectId, id, copy.id), this.jobs);
          const done = (await listBackups(c.rds, c.projectId, id, copy.id)).find((x) => x.id === copy.id);
          return done ? backupCopy(done) : copy;
        });
      default:
        throw new Error(`${resource.kind} ${id}: no safety copy for this kind`);
    }
  }

  async listCopies(resource: CloudResource): Promise<SafetyCopy[]> {
    const c = await this.session.clients();
    const { id } = resource;
    switch (resource.kind) {
      case "EVS":
        return inService("evs", this.endpoints.evs, `snapshots of volume ${id}`, async () => (await listSnapshots(c.evs, c.projectId, id)).map(snapshotCopy));
      case "RDS":
        return inService("rds", this.endpoints.rds, `backups of instance ${id}`, async () =>
          (await listBackups(c.rds, c.projectId, id)).filter((b) => (b.type ?? "manual") === "manual").map(backupCopy),
        );
      default:
        return [];
    }
  }

  async hibernateCluster(clusterId: string): Promise<void> {
    await this.clusterOp(clusterId, "hibernate", "Hibernation");
  }

  async awakeCluster(clusterId: string): Promise<void> {
    await this.clusterOp(clusterId, "awake", "Available");
  }

  private async clusterOp(clusterId: string, op: "hibernate" | "awake", target: "Hibernation" | "Available"): Promise<void> {
    const c = await this.session.clients();
    await inService("cce", this.endpoints.cce, `${op} cluster ${clusterId}`, async () => {
      await clusterOperation(c.cce, c.projectId, clusterId, op);
      await pollJob(`${op} of cluster ${clusterId}`, c.cce.endpoint, () => clusterPhaseState(c.cce, c.projectId, clusterId, target), this.jobs);
    });
  }
}

function clusterOf(resource: CloudResource): string {
  if (!resource.clusterId) throw new Error(`CCE node pool ${resource.id}: cluster id unknown`);
  return resource.clusterId;
}

export { backupName } from "./rds.ts";
