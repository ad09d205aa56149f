/**
 * The OTC terminator the daemon hands to the executor: the provider's OtcTerminator for reads and for what has no
 * job id (CCE node pools), plus job-id reporting (`hooks.onJob`) and `awaitJob` for ECS/EVS/RDS stop and delete.
 * The executor journals the job id the moment the API returns it, so a restart waits for that job instead of
 * re-sending the (non-idempotent) request.
 */
import type { CloudResource } from "../engine/types.ts";
import type { ExecTerminator, TerminationHooks } from "../engine/execution.ts";
import { inService } from "../providers/otc/clients.ts";
import { deleteServer, getServer, stopServer } from "../providers/otc/ecs.ts";
import { deleteVolume } from "../providers/otc/evs.ts";
import { ecsJobState, pollJob, rdsJobState, type JobPollOptions } from "../providers/otc/jobs.ts";
import { deleteInstance, stopInstance } from "../providers/otc/rds.ts";
import type { OtcSession } from "../providers/otc/session.ts";
import type { OtcTerminator } from "../providers/otc/terminator.ts";

type Service = "ecs" | "evs" | "rds";

function serviceOf(kind: CloudResource["kind"]): Service | undefined {
  return kind === "ECS" ? "ecs" : kind === "EVS" ? "evs" : kind === "RDS" ? "rds" : undefined;
}

export class JournaledOtcTerminator implements ExecTerminator {
  constructor(
    private readonly session: OtcSession,
    private readonly base: OtcTerminator,
    private readonly jobOptions: JobPollOptions = {},
  ) {}

  /** ECS servers whose GET carried `OS-EXT-STS:task_state` (the real API always sends it, null when idle). */
  private readonly taskStateSeen = new Set<string>();

  async get(resource: CloudResource): Promise<CloudResource | undefined> {
    if (resource.kind !== "ECS") return this.base.get(resource);
    const c = await this.session.clients();
    const found = await inService("ecs", this.session.otc.endpoints.ecs, `read server ${resource.id}`, () => getServer(c.ecs, c.projectId, resource.id));
    if (!found) return undefined;
    const raw = found.raw as unknown as Record<string, unknown>;
    if (!("OS-EXT-STS:task_state" in raw)) return found.resource;
    this.taskStateSeen.add(resource.id);
    const task = String(raw["OS-EXT-STS:task_state"] ?? "").toLowerCase();
    // A submitted delete/stop shows up here at once, long before `status` changes.
    if (task === "deleting") return { ...found.resource, status: "DELETING" };
    if (task === "powering-off") return { ...found.resource, status: "POWERING-OFF" };
    return found.resource;
  }

  /**
   * Whether `current` would already show a stop/delete submitted before a crash: EVS (status "deleting") and CCE
   * (phase "Deleting") change at once; ECS only where the API reports `task_state`; RDS not reliably.
   */
  mutationVisible(current: CloudResource): boolean {
    if (current.kind === "EVS" || current.kind === "CCE") return true;
    if (current.kind === "ECS") return this.taskStateSeen.has(current.id);
    return false;
  }

  async stop(resource: CloudResource, hooks?: TerminationHooks): Promise<void> {
    const svc = serviceOf(resource.kind);
    if (svc !== "ecs" && svc !== "rds") return this.base.stop(resource);
    await this.submitAndWait("stop", svc, resource, hooks);
  }

  async delete(resource: CloudResource, hooks?: TerminationHooks): Promise<void> {
    const svc = serviceOf(resource.kind);
    if (!svc) return this.base.delete(resource);
    await this.submitAndWait("delete", svc, resource, hooks);
  }

  private async submitAndWait(action: "stop" | "delete", svc: Service, resource: CloudResource, hooks?: TerminationHooks): Promise<void> {
    const c = await this.session.clients();
    const { id } = resource;
    const endpoint = this.session.otc.endpoints[svc];
    await inService(svc, endpoint, `${action} ${resource.kind} ${id}`, async () => {
      let job: string;
      if (svc === "ecs") job = action === "stop" ? await stopServer(c.ecs, c.projectId, id) : await deleteServer(c.ecs, c.projectId, id);
      else if (svc === "evs") job = await deleteVolume(c.evs, c.projectId, id);
      else job = action === "stop" ? await stopInstance(c.rds, c.projectId, id) : await deleteInstance(c.rds, c.projectId, id);
      hooks?.onJob?.(job);
      await this.wait(svc, resource, job);
    });
  }

  private async wait(svc: Service, resource: CloudResource, job: string): Promise<void> {
    const c = await this.session.clients();
    const client = c[svc];
    const check = svc === "rds" ? () => rdsJobState(client, c.projectId, job) : () => ecsJobState(client, c.projectId, job);
    await pollJob(`job ${job} for ${resource.kind} ${resource.id}`, client.endpoint, check, this.jobOptions);
  }

  async awaitJob(resource: CloudResource, jobId: string): Promise<void> {
    const svc = serviceOf(resource.kind);
    if (!svc) throw new Error(`${resource.kind} ${resource.id}: no job API to resume job ${jobId}`);
    await inService(svc, this.session.otc.endpoints[svc], `job ${jobId} of ${resource.kind} ${resource.id}`, () => this.wait(svc, resource, jobId));
  }
}
