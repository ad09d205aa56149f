/**
 * Stop/delete/re-read/park a resource of a fleet through its own project's provider: the `projectId` it was
 * listed with picks the session (endpoints of its region, `X-Project-Id`, the id in the path). A resource without a
 * project (an item planned before `projects:` was configured) or of a project that left the fleet is refused —
 * never sent to some other project.
 */
import type { ExecTerminator, TerminationHooks } from "../../../engine/execution.ts";
import type { CloudResource } from "../../../engine/types.ts";
import type { OtcProvider } from "../index.ts";
import type { FleetProvider } from "./index.ts";

type Routed = ExecTerminator & { actions?: NonNullable<ExecTerminator["actions"]> };

export function routeByProject(fleet: FleetProvider, make: (p: OtcProvider) => Routed): Required<Pick<ExecTerminator, "stop" | "delete" | "get" | "awaitJob" | "mutationVisible">> & { actions: NonNullable<ExecTerminator["actions"]> } {
  const made = new Map<string, Routed>();
  const to = (r: CloudResource): Routed => {
    if (!r.projectId) throw new Error(`${r.kind} ${r.id}: no project recorded (listed before projects: was configured); re-plan it`);
    let t = made.get(r.projectId);
    if (!t) {
      const p = fleet.providerFor(r.projectId);
      if (!p) throw new Error(`${r.kind} ${r.id}: project ${r.projectId} is not in the fleet`);
      made.set(r.projectId, (t = make(p)));
    }
    return t;
  };
  const actions = (r: CloudResource) => {
    const a = to(r).actions;
    if (!a) throw new Error(`${r.kind} ${r.id}: the provider of project ${r.projectId} has no actions`);
    return a;
  };
  return {
    stop: async (r: CloudResource, h?: TerminationHooks) => to(r).stop(r, h),
    delete: async (r: CloudResource, h?: TerminationHooks) => to(r).delete(r, h),
    get: async (r: CloudResource) => {
      const found = await to(r).get(r);
      // The re-read keeps the project it belongs to, so the next call routes the same way.
      return found ? { ...found, projectId: r.projectId, ...(r.projectName ? { projectName: r.projectName } : {}), ...(r.region ? { region: r.region } : {}) } : undefined;
    },
    awaitJob: async (r: CloudResource, job: string) => {
      const t = to(r);
      if (!t.awaitJob) throw new Error("cannot resume jobs");
      return t.awaitJob(r, job);
    },
    mutationVisible: (r: CloudResource) => {
      try {
        return to(r).mutationVisible?.(r) === true;
      } catch {
        return false;
      }
    },
    actions: {
      copy: async (r, name) => actions(r).copy(r, name),
      listCopies: async (r) => actions(r).listCopies(r),
      start: async (r, hooks) => actions(r).start(r, hooks),
      awaitCopy: async (r, c) => {
        const a = actions(r);
        if (!a.awaitCopy) throw new Error("cannot await copies");
        return a.awaitCopy(r, c);
      },
    },
  };
}
