/**
 * Which projects a fleet sync reads (`projects:` in ot3c.yaml): an explicit list of `{id|name, region}`, or `all` —
 * every project the credentials may use (`GET /v3/auth/projects` on each region's IAM, once per distinct IAM
 * endpoint) in the configured regions.
 *
 * OTC names a region's default project after the region (`eu-de`) and its subprojects `<region>_<name>`, so a
 * project's region is read from its name. Skipped with `all`: `MOS` (OBS's built-in project, no ECS/EVS/CCE/RDS of
 * its own), domain entries (`is_domain`), disabled projects, and projects of regions not listed. The default
 * project `eu-de` is kept: it is an ordinary project that holds resources.
 */
import type { OtcEndpoints, ProjectRef } from "../../../config/types.ts";
import { HttpError, type HttpClient } from "../../http.ts";
import { inService } from "../clients.ts";
import { findAccessibleProject, findProjectByName, type IamProject } from "../iam.ts";

export interface FleetProject {
  id: string;
  name: string;
  region: string;
}

/** A configured project that could not be resolved (name unknown to IAM, id not accessible). */
export interface UnresolvedProject {
  /** The configured name or id, as the key it is shown under. */
  key: string;
  region: string;
  error: string;
}

/** Built-in projects that hold no billable ECS/EVS/CCE/RDS resources. */
export const BUILT_IN_PROJECTS = new Set(["MOS"]);

export function regionOfProjectName(name: string): string | undefined {
  const m = /^([a-z]{2}-[a-z0-9]+)(_|$)/.exec(name);
  return m?.[1];
}

interface AuthProject extends IamProject {
  is_domain?: boolean;
}

function v3(client: HttpClient, path: string): string {
  return /\/v3\/?$/.test(client.baseURL) ? path : `/v3${path}`;
}

/** `GET /v3/auth/projects`: every project the caller may use. */
export async function listAccessibleProjects(iam: HttpClient): Promise<AuthProject[]> {
  const res = await iam.get<{ projects?: AuthProject[] }>(v3(iam, "/auth/projects"));
  if (!res || !Array.isArray(res.projects)) throw new HttpError(`${iam.endpoint}: accessible projects returned no "projects" array`, iam.endpoint);
  return res.projects;
}

/** The projects of `all` in `regions`, sorted by name; throws when a region's IAM cannot be read (the set would be unknown). */
export async function resolveAllProjects(regions: string[], endpoints: Record<string, OtcEndpoints>, iamFor: (region: string) => HttpClient): Promise<FleetProject[]> {
  const byIam = new Map<string, string[]>();
  for (const r of regions) {
    const iam = endpoints[r]?.iam;
    if (!iam) throw new Error(`no IAM endpoint for region ${r}`);
    byIam.set(iam, [...(byIam.get(iam) ?? []), r]);
  }
  const seen = new Map<string, FleetProject>();
  for (const [iamUrl, rs] of byIam) {
    const list = await inService("iam", iamUrl, "accessible projects", () => listAccessibleProjects(iamFor(rs[0]!)));
    for (const p of list) {
      if (typeof p.id !== "string" || typeof p.name !== "string") continue;
      if (p.is_domain === true || p.enabled === false || BUILT_IN_PROJECTS.has(p.name)) continue;
      const region = regionOfProjectName(p.name);
      if (!region || !rs.includes(region)) continue;
      seen.set(p.id, { id: p.id, name: p.name, region });
    }
  }
  return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
}

/**
 * An explicit list: a name is resolved through the region's IAM (`/v3/projects?name=`), an id is checked against
 * the accessible projects (for its name). One entry failing leaves the others resolved; it is reported instead.
 */
export async function resolveListedProjects(
  refs: ProjectRef[],
  endpoints: Record<string, OtcEndpoints>,
  iamFor: (region: string) => HttpClient,
): Promise<{ projects: FleetProject[]; unresolved: UnresolvedProject[] }> {
  const projects: FleetProject[] = [];
  const unresolved: UnresolvedProject[] = [];
  for (const ref of refs) {
    const key = ref.name ?? ref.id!;
    try {
      const iamUrl = endpoints[ref.region]?.iam ?? "?";
      let found: IamProject;
      if (ref.id && ref.name) found = { id: ref.id, name: ref.name };
      else if (ref.id) found = await inService("iam", iamUrl, `project ${ref.id}`, () => findAccessibleProject(iamFor(ref.region), ref.id!));
      else found = await inService("iam", iamUrl, `project lookup "${ref.name}"`, () => findProjectByName(iamFor(ref.region), ref.name!));
      if (!projects.some((p) => p.id === found.id)) projects.push({ id: found.id, name: found.name, region: ref.region });
    } catch (err) {
      unresolved.push({ key, region: ref.region, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { projects, unresolved };
}
