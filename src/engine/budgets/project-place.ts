/**
 * The project and region a unit is shown under (issue #18), one rule for the TUI's grouping, the metrics'
 * `project` label, `list`'s PROJECT column and the per-project daily series (series.ts):
 * - a single-project instance (no `projects:`): everything is the configured project — its ghosts' cost records
 *   name the same project by id, which must not read as a second project;
 * - a fleet: a unit lives where its first leaf was listed (a group where its first member is); a ghost where its
 *   cost records say, by name when a listed resource tells the id's name, regions in OTC's lower case.
 */
import type { ResourceUnit } from "../types.ts";

export interface Place {
  project: string;
  region: string;
}

export type Placer = (u: ResourceUnit) => Place;

export function projectPlacer(roots: readonly ResourceUnit[], home: Place, fleet: boolean): Placer {
  if (!fleet) return () => home;
  const names = new Map<string, string>();
  const learn = (u: ResourceUnit) => {
    const r = u.resource;
    if (r?.projectId && r.projectName) names.set(r.projectId, r.projectName);
    u.members.forEach(learn);
  };
  roots.forEach(learn);
  const place = (u: ResourceUnit): Place => {
    if (u.members.length > 0) return place(u.members[0]!);
    const r = u.resource;
    const c = u.costProject;
    const project = r?.projectName ?? (r?.projectId && names.get(r.projectId)) ?? r?.projectId ?? c?.name ?? (c?.id && names.get(c.id)) ?? c?.id ?? home.project;
    const region = (r?.region ?? c?.region ?? home.region).toLowerCase();
    return { project, region };
  };
  return place;
}

/** Only a `projects:` sync records a resource's project: a unit listed so tells that the roots span a fleet. */
export function listedInProject(u: ResourceUnit): boolean {
  return u.resource?.projectId !== undefined || u.resource?.projectName !== undefined || u.members.some(listedInProject);
}
