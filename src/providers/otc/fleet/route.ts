/**
 * Stop/delete/re-read/park a resource of a fleet through its own project's provider: the `projectId` it was
 * listed with picks the session (endpoints of its region, `X-Project-Id`, the id in the path). A resource without a
 * project (an item planned before `projects:` was configured) or of a project that left the fleet is refused —
 * never sent to some other project. A cluster's hibernation and wake-up name only the cluster: they go to the
 * project whose listing has the cluster's node pools, and are refused when no project listed one.
 */
import type { ExecTerminator, TerminationHooks } from "../../../engine/execution.ts";
import type { CloudResource } from "../../../engine/types.ts";
import type { OtcProvider } from "../index.ts";
import type { FleetProvider } from "./index.ts";

type Routed = ExecTerminator & { actions?: NonNullable<ExecTerminator["actions"]> };

export function routeByProject(fleet: FleetProvider, make: (p: OtcProvider) => Routed): Required<Pick<ExecTerminator, "stop" | "delete" | "get" | "awaitJob" | "mutationVisible">> & { actions: NonNullable<ExecTerminator["actions"]> } {
  const made = new Map<string, Routed>();
  const to = async (r: CloudResource): Promise<Routed> => {
    if (!r.projectId) throw new Error(`${r.kind} ${r.id}: no project recorded (listed before projects: was configured); re-plan it`);
    let t = made.get(r.projectId);
    if (!t) {
      const p = await fleet.providerFor(r.projectId);
      if (!p) throw new Error(`${r.kind} ${r.id}: project ${r.projectId} is not in the fleet`);
      // Two calls racing for the same new project keep one terminator (its job-state memory must be shared).
      t = made.get(r.projectId) ?? make(p);
      made.set(r.projectId, t);
    }
    return t;
  };
  const clusterActions = async (clusterId: string) => {
    const projectId = fleet.projectOfCluster(clusterId);
    if (!projectId) throw new Error(`CCE cluster ${clusterId}: no project of the fleet lists a node pool of it; not sent`);
    return actions({ kind: "CCE", id: clusterId, name: clusterId, status: "", tags: {}, projectId });
  };
  const actions = async (r: CloudResource) => {
    const a = (await to(r)).actions;
    if (!a) throw new Error(`${r.kind} ${r.id}: the provider of project ${r.projectId} has no actions`);
    return a;
  };
  return {
    stop: async (r: CloudResource, h?: TerminationHooks) => (await to(r)).stop(r, h),
    delete: async (r: CloudResource, h?: TerminationHooks) => (await to(r)).delete(r, h),
    get: async (r: CloudResource) => {
      const found = await (await to(r)).get(r);
      // The re-read keeps the project it belongs to, so the next call routes the same way.
      return found ? { ...found, projectId: r.projectId, ...(r.projectName ? { projectName: r.projectName } : {}), ...(r.region ? { region: r.region } : {}) } : undefined;
    },
    awaitJob: async (r: CloudResource, job: string) => {
      const t = await to(r);
      if (!t.awaitJob) throw new Error("cannot resume jobs");
      return t.awaitJob(r, job);
    },
    // Asked right after `get` of the same resource, so its project's terminator exists; otherwise nothing is visible.
    mutationVisible: (r: CloudResource) => (r.projectId ? made.get(r.projectId)?.mutationVisible?.(r) === true : false),
    actions: {
      copy: async (r, name) => (await actions(r)).copy(r, name),
      listCopies: async (r) => (await actions(r)).listCopies(r),
      start: async (r, hooks) => (await actions(r)).start(r, hooks),
      // Node pools are parked and resumed through their own project too (a plan's `park` rung in a fleet).
      park: async (r, hooks) => {
        const a = await actions(r);
        if (!a.park) throw new Error(`${r.kind} ${r.id}: the provider of project ${r.projectId} cannot park`);
        return a.park(r, hooks);
      },
      resume: async (r, parked, hooks) => {
        const a = await actions(r);
        if (!a.resume) throw new Error(`${r.kind} ${r.id}: the provider of project ${r.projectId} cannot resume`);
        return a.resume(r, parked, hooks);
      },
      hibernateCluster: async (clusterId) => {
        const a = await clusterActions(clusterId);
        if (!a.hibernateCluster) throw new Error(`CCE cluster ${clusterId}: its project's provider cannot hibernate`);
        return a.hibernateCluster(clusterId);
      },
      awakeCluster: async (clusterId) => {
        const a = await clusterActions(clusterId);
        if (!a.awakeCluster) throw new Error(`CCE cluster ${clusterId}: its project's provider cannot wake clusters`);
        return a.awakeCluster(clusterId);
      },
      clusterPhase: async (clusterId) => {
        const a = await clusterActions(clusterId);
        if (!a.clusterPhase) throw new Error(`CCE cluster ${clusterId}: its project's provider cannot read clusters`);
        return a.clusterPhase(clusterId);
      },
      awaitCopy: async (r, c) => {
        const a = await actions(r);
        if (!a.awaitCopy) throw new Error("cannot await copies");
        return a.awaitCopy(r, c);
      },
    },
  };
}
