/**
 * Stop / delete / re-read one cloud resource by kind, waiting for the asynchronous job to finish. Mutations are
 * not idempotent, so they are sent once (HttpClient retries only GETs); a failed job rejects with the API's own
 * reason, never reports success.
 */
import type { CloudResource, ResourceTerminator } from "../../engine/types.ts";
import { inService } from "./clients.ts";
import { deleteNodePool, getNodePool, nodePoolDeletionState, normaliseNodePool } from "./cce.ts";
import { deleteServer, getServer, stopServer } from "./ecs.ts";
import { deleteVolume, getVolume } from "./evs.ts";
import { ecsJobState, pollJob, rdsJobState, type JobPollOptions } from "./jobs.ts";
import { deleteInstance, getInstance, stopInstance } from "./rds.ts";
import type { OtcSession } from "./session.ts";

export class OtcTerminator implements ResourceTerminator {
  constructor(
    private readonly session: OtcSession,
    private readonly jobOptions: JobPollOptions = {},
  ) {}

  private get endpoints() {
    return this.session.otc.endpoints;
  }

  async stop(resource: CloudResource): Promise<void> {
    const c = await this.session.clients();
    const { id } = resource;
    switch (resource.kind) {
      case "ECS":
        return inService("ecs", this.endpoints.ecs, `stop server ${id}`, async () => {
          const job = await stopServer(c.ecs, c.projectId, id);
          await pollJob(`stop of server ${id} (job ${job})`, c.ecs.endpoint, () => ecsJobState(c.ecs, c.projectId, job), this.jobOptions);
        });
      case "RDS":
        return inService("rds", this.endpoints.rds, `stop instance ${id}`, async () => {
          const job = await stopInstance(c.rds, c.projectId, id);
          await pollJob(`stop of instance ${id} (job ${job})`, c.rds.endpoint, () => rdsJobState(c.rds, c.projectId, job), this.jobOptions);
        });
      default:
        throw new Error(`${resource.kind} ${id}: ${resource.kind === "EVS" ? "a volume" : "a node pool"} cannot be stopped, only deleted`);
    }
  }

  /**
   * Deletes and waits. A delete whose target is already gone counts as done: on the real cloud a server's system
   * disk goes with the server, so the disk's own delete answers 404 although everything is as wanted. Any failure
   * (404, a failed job, a lost answer) is therefore followed by one re-read; only a target that still exists fails.
   */
  async delete(resource: CloudResource): Promise<void> {
    try {
      await this.deleteOnce(resource);
    } catch (err) {
      let current: CloudResource | undefined;
      try {
        current = await this.get(resource);
      } catch {
        throw err; // cannot tell: the original error stands
      }
      if (current === undefined) return;
      throw err;
    }
  }

  private async deleteOnce(resource: CloudResource): Promise<void> {
    const c = await this.session.clients();
    const { id } = resource;
    switch (resource.kind) {
      case "ECS":
        return inService("ecs", this.endpoints.ecs, `delete server ${id}`, async () => {
          const job = await deleteServer(c.ecs, c.projectId, id);
          await pollJob(`delete of server ${id} (job ${job})`, c.ecs.endpoint, () => ecsJobState(c.ecs, c.projectId, job), this.jobOptions);
        });
      case "EVS":
        return inService("evs", this.endpoints.evs, `delete volume ${id}`, async () => {
          const job = await deleteVolume(c.evs, c.projectId, id);
          await pollJob(`delete of volume ${id} (job ${job})`, c.evs.endpoint, () => ecsJobState(c.evs, c.projectId, job), this.jobOptions);
        });
      case "CCE": {
        const cluster = resource.clusterId;
        if (!cluster) throw new Error(`CCE node pool ${id}: cluster id unknown`);
        return inService("cce", this.endpoints.cce, `delete node pool ${id}`, async () => {
          await deleteNodePool(c.cce, c.projectId, cluster, id);
          await pollJob(`delete of node pool ${id}`, c.cce.endpoint, () => nodePoolDeletionState(c.cce, c.projectId, cluster, id), this.jobOptions);
        });
      }
      case "RDS":
        return inService("rds", this.endpoints.rds, `delete instance ${id}`, async () => {
          const job = await deleteInstance(c.rds, c.projectId, id);
          await pollJob(`delete of instance ${id} (job ${job})`, c.rds.endpoint, () => rdsJobState(c.rds, c.projectId, job), this.jobOptions);
        });
    }
  }

  async get(resource: CloudResource): Promise<CloudResource | undefined> {
    const c = await this.session.clients();
    const { id } = resource;
    switch (resource.kind) {
      case "ECS":
        return inService("ecs", this.endpoints.ecs, `read server ${id}`, async () => (await getServer(c.ecs, c.projectId, id))?.resource);
      case "EVS":
        return inService("evs", this.endpoints.evs, `read volume ${id}`, () => getVolume(c.evs, c.projectId, id));
      case "CCE": {
        const cluster = resource.clusterId;
        if (!cluster) throw new Error(`CCE node pool ${id}: cluster id unknown`);
        return inService("cce", this.endpoints.cce, `read node pool ${id}`, async () => {
          const np = await getNodePool(c.cce, c.projectId, cluster, id);
          return np ? normaliseNodePool(np, cluster) : undefined;
        });
      }
      case "RDS":
        return inService("rds", this.endpoints.rds, `read instance ${id}`, () => getInstance(c.rds, c.projectId, id));
    }
  }
}
