/**
 * Several OTC projects behind one inventory (`projects:` in ot3c.yaml, issue #18). Each project gets its own
 * provider (`createOtcProvider`): its region's endpoints, service clients carrying its `X-Project-Id` and its id
 * in every path — an AK/SK credential signs for any project the user may use, the project is chosen per request.
 *
 * One `listResources` reads every project, a few at a time (`projectConcurrency`); inside a project the four
 * services and their pages run as for a single project (same retries and backoff on 429, per endpoint). A project
 * that fails does not fail the sync: it is DEGRADED, its resources come back as last listed with `held` set (or
 * not at all when it never listed), and the engine plans nothing on them (engine.ts, virtual/build.ts). Only when
 * the set of projects itself is unknown (IAM unreadable with `projects: all`) does the listing throw.
 */
import type { OtcCredentials, OtcEndpoints } from "../../../config/types.ts";
import type { CloudResource, ProjectSyncState } from "../../../engine/types.ts";
import { redact } from "../../../util/redact.ts";
import type { HttpClient } from "../../http.ts";
import { createServiceClient } from "../clients.ts";
import { createOtcProvider, type OtcProvider, type OtcProviderOptions, type PreflightCheck } from "../index.ts";
import { resolveAllProjects, resolveListedProjects, type FleetProject, type UnresolvedProject } from "./projects.ts";

export { BUILT_IN_PROJECTS, regionOfProjectName, type FleetProject } from "./projects.ts";

export interface FleetOptions extends OtcProviderOptions {
  /** Projects listed at once (default 4). */
  projectConcurrency?: number;
  /** Clock for `lastSyncAt` (default Date.now). */
  clock?: () => number;
}

export interface FleetProvider {
  listResources(): Promise<CloudResource[]>;
  projectStates(): ProjectSyncState[];
  /**
   * The provider of one project (terminator, actions, session); undefined for a project not in the fleet. Resolves
   * the fleet through IAM when the project is not known yet (a terminator built apart from the listing).
   */
  providerFor(projectId: string): Promise<OtcProvider | undefined>;
  /** Resolves the fleet now (IAM) and returns its projects. */
  projects(): Promise<FleetProject[]>;
  /** The fleet's project ids as last resolved (the dashboard's cost filter). */
  projectIds(): Promise<Set<string>>;
  /**
   * The project whose last listing has a node pool of this CCE cluster (a cluster's hibernation names only the
   * cluster); undefined when no project listed one.
   */
  projectOfCluster(clusterId: string): string | undefined;
  checks(): Promise<PreflightCheck[]>;
}

interface Held {
  resources: CloudResource[];
  at: number;
}

const message = (err: unknown) => redact(err instanceof Error ? err.message : String(err));

/** Runs `fn` over `items` with at most `limit` at once; results in input order, never rejects. */
async function settleLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { status: "fulfilled", value: await fn(items[i]!) };
      } catch (reason) {
        out[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export function createFleetProvider(otc: OtcCredentials, opts: FleetOptions = {}): FleetProvider {
  if (!otc.projects) throw new Error("createFleetProvider needs otccreds with projects");
  const now = opts.clock ?? Date.now;
  const endpointsOf = (region: string): OtcEndpoints => otc.regionEndpoints?.[region] ?? (region === otc.region ? otc.endpoints : undefined) ?? fail(`no endpoints for region ${region}`);
  const iams = new Map<string, HttpClient>();
  const iamFor = (region: string): HttpClient => {
    const url = endpointsOf(region).iam;
    let c = iams.get(url);
    if (!c) iams.set(url, (c = createServiceClient({ ...otc, region, identityEndpoint: url, endpoints: endpointsOf(region) }, "iam", undefined, opts)));
    return c;
  };
  const providers = new Map<string, OtcProvider>();
  const providerOf = (p: FleetProject): OtcProvider => {
    let prov = providers.get(p.id);
    if (!prov) {
      const e = endpointsOf(p.region);
      const creds: OtcCredentials = { identityEndpoint: e.iam, projectId: p.id, projectName: p.name, accessKey: otc.accessKey, secretKey: otc.secretKey, region: p.region, endpoints: e };
      providers.set(p.id, (prov = createOtcProvider(creds, opts)));
    }
    return prov;
  };
  const held = new Map<string, Held>();
  let states: ProjectSyncState[] = [];
  let lastProjects: FleetProject[] = [];
  let lastUnresolved: UnresolvedProject[] = [];

  // Calls at the same moment (the sync lists resources and costs at once) share one IAM round.
  let resolving: Promise<FleetProject[]> | undefined;
  function resolve(): Promise<FleetProject[]> {
    resolving ??= resolveNow().finally(() => (resolving = undefined));
    return resolving;
  }

  async function resolveNow(): Promise<FleetProject[]> {
    const spec = otc.projects!;
    if (spec === "all") {
      lastProjects = await resolveAllProjects(otc.regions ?? [otc.region], Object.fromEntries((otc.regions ?? [otc.region]).map((r) => [r, endpointsOf(r)])), iamFor);
      lastUnresolved = [];
    } else {
      const r = await resolveListedProjects(spec, Object.fromEntries(spec.map((p) => [p.region, endpointsOf(p.region)])), iamFor);
      lastProjects = r.projects;
      lastUnresolved = r.unresolved;
    }
    return lastProjects;
  }

  async function listResources(): Promise<CloudResource[]> {
    const projects = await resolve();
    const results = await settleLimited(projects, opts.projectConcurrency ?? 4, async (p) => {
      const list = await providerOf(p).listResources();
      return list.map((r) => ({ ...r, projectId: p.id, projectName: p.name, region: p.region }));
    });
    const at = now();
    const out: CloudResource[] = [];
    const next: ProjectSyncState[] = [];
    projects.forEach((p, i) => {
      const r = results[i]!;
      if (r.status === "fulfilled") {
        held.set(p.id, { resources: r.value, at });
        for (const x of r.value) out.push(x);
        next.push({ id: p.id, name: p.name, region: p.region, status: "OK", resources: r.value.length, lastSyncAt: at });
        return;
      }
      const error = message(r.reason);
      const last = held.get(p.id);
      const why = `project ${p.name} (${p.region}) DEGRADED: last listed ${last ? new Date(last.at).toISOString() : "never"}; not planned until it lists again`;
      if (last) for (const x of last.resources) out.push({ ...x, held: why });
      next.push({ id: p.id, name: p.name, region: p.region, status: "DEGRADED", error, resources: last?.resources.length ?? 0, ...(last ? { lastSyncAt: last.at } : {}) });
    });
    for (const u of lastUnresolved) next.push({ id: u.key, name: u.key, region: u.region, status: "DEGRADED", error: redact(u.error), resources: 0 });
    // A project that left the fleet (no longer accessible) is no longer held.
    for (const id of [...held.keys()]) if (!projects.some((p) => p.id === id)) held.delete(id);
    states = next;
    return out;
  }

  async function checks(): Promise<PreflightCheck[]> {
    let projects: FleetProject[];
    try {
      projects = await resolve();
    } catch (err) {
      return [{ name: "OTC IAM", ok: false, detail: message(err) }];
    }
    const out: PreflightCheck[] = [
      {
        name: "OTC IAM",
        ok: projects.length > 0 && lastUnresolved.length === 0,
        detail:
          `${projects.length} project(s): ${projects.map((p) => `${p.name} (${p.region})`).join(", ") || "none"}` +
          lastUnresolved.map((u) => `; ${u.key} (${u.region}): ${redact(u.error)}`).join(""),
      },
    ];
    // Every project's services: the checks of a single project, named by project.
    const per = await settleLimited(projects, opts.projectConcurrency ?? 4, (p) => providerOf(p).checks());
    projects.forEach((p, i) => {
      const r = per[i]!;
      if (r.status === "rejected") out.push({ name: `OTC ${p.name}`, ok: false, detail: message(r.reason) });
      else for (const c of r.value) if (c.name !== "OTC IAM") out.push({ ...c, name: `${c.name} ${p.name}` });
    });
    return out;
  }

  return {
    listResources,
    projectStates: () => states.map((s) => ({ ...s })),
    providerFor: async (id) => {
      let p = lastProjects.find((x) => x.id === id);
      if (!p) p = (await resolve()).find((x) => x.id === id);
      return p ? providerOf(p) : undefined;
    },
    projects: resolve,
    projectOfCluster: (clusterId) => {
      for (const [projectId, h] of held) if (h.resources.some((r) => r.kind === "CCE" && r.clusterId === clusterId)) return projectId;
      return undefined;
    },
    async projectIds() {
      if (resolving) await resolving;
      else if (lastProjects.length === 0 && lastUnresolved.length === 0) await resolve();
      return new Set(lastProjects.map((p) => p.id));
    },
    checks,
  };
}

function fail(msg: string): never {
  throw new Error(msg);
}
