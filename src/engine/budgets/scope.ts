/**
 * Which resources a budget's scope holds (issue #18). A scope narrows by projects (name or id), regions and tag
 * matches; every dimension given must match, a dimension left out matches everything. The implicit scope `all`
 * (`target-budget`) holds everything the instance manages and the spend of other instances' resources.
 *
 * - A resource without a project (a single-project config, before `projects:`) belongs to the configured project
 *   and its region (`HomeProject`).
 * - A group (ECS with its volumes, an `ot3c_group`) is one unit: it is in a scope when any of its leaves is, and
 *   then counts whole there (it is planned whole too).
 * - Spend that belongs to no resource (a ghost: cost records of a resource gone from the inventory) counts for
 *   `all` and for a project/region scope when its cost record names the project (or, naming none, the configured
 *   one); never for a scope with tag matches — a cost record carries no tags. Except a resource the engine
 *   itself deleted (or found gone): the ledger still has it and its unit, so its ghost counts wherever its unit
 *   did (a group across two projects: in both, before and after it was deleted).
 */
import type { CloudResource, ResourceUnit } from "../types.ts";

/** One named budget as the config gives it (`budgets:` in ot3c.yaml, src/config/schema-budgets.ts). */
export interface BudgetScope {
  name: string;
  target: number;
  /** Project names or ids. */
  projects?: string[];
  regions?: string[];
  /** key → value, all of which a resource must carry. */
  tags?: Record<string, string>;
}

/** The project a resource without project fields was listed in (the seed's `otccreds.projectid/projectname`). */
export interface HomeProject {
  id?: string;
  name?: string;
  region: string;
  /**
   * Ghost id → the resources of the unit whose cost records it holds, for resources the engine itself deleted or
   * found gone (closed-loop ledger): their spend stays in the budgets — tags included — their unit was in.
   */
  ghosts?: Map<string, readonly CloudResource[]>;
}

export const ALL = "all";

interface Place {
  projectId?: string;
  projectName?: string;
  region?: string;
  /** Undefined for spend without a resource (tag scopes never match it). */
  tags?: Record<string, string>;
}

export function placeMatches(scope: BudgetScope, p: Place, home: HomeProject): boolean {
  if (scope.projects) {
    const { id, name } = projectOf(p, home);
    if (!scope.projects.some((x) => x === id || x === name)) return false;
  }
  // The dashboard writes regions in capitals (EU-DE), OTC in lower case.
  if (scope.regions && !scope.regions.some((r) => r.toLowerCase() === (p.region ?? home.region).toLowerCase())) return false;
  if (scope.tags) {
    if (!p.tags) return false;
    for (const k in scope.tags) if (p.tags[k] !== scope.tags[k]) return false;
  }
  return true;
}

/**
 * A place's project by id and name. Nothing named: the configured project. One of them naming the configured
 * project: both are its. Only an id while the configured project is known only by name (its id is resolved through
 * IAM at run time): the configured one — in a single-project config the sources keep only its records.
 */
function projectOf(p: Place, home: HomeProject): { id?: string; name?: string } {
  if (p.projectId === undefined && p.projectName === undefined) return { id: home.id, name: home.name };
  if ((p.projectId !== undefined && p.projectId === home.id) || (p.projectName !== undefined && p.projectName === home.name)) return { id: home.id ?? p.projectId, name: home.name ?? p.projectName };
  if (p.projectName === undefined && home.id === undefined) return { id: p.projectId, name: home.name };
  return { id: p.projectId, name: p.projectName };
}

export function resourceIn(scope: BudgetScope, r: Pick<CloudResource, "projectId" | "projectName" | "region" | "tags">, home: HomeProject): boolean {
  return placeMatches(scope, { projectId: r.projectId, projectName: r.projectName, region: r.region, tags: r.tags }, home);
}

/** Is the unit (a root, a group, a leaf, a ghost) in the scope: any of its leaves is. */
export function unitIn(scope: BudgetScope, u: ResourceUnit, home: HomeProject): boolean {
  if (u.members.length > 0) return u.members.some((m) => unitIn(scope, m, home));
  if (u.resource) return resourceIn(scope, u.resource, home);
  const was = u.kind === "GHOST" ? home.ghosts?.get(u.id) : undefined;
  if (was) return was.some((r) => resourceIn(scope, r, home));
  if (u.kind === "GHOST") return placeMatches(scope, { projectId: u.costProject?.id, projectName: u.costProject?.name, region: u.costProject?.region }, home);
  return false;
}

/**
 * Every resource of `inner` is also in `outer`, whatever the inventory (the config's nesting, used for the
 * warning on targets and for the TUI's indentation). Project names and ids are compared as written.
 */
export function scopeWithin(inner: Omit<BudgetScope, "name" | "target">, outer: Omit<BudgetScope, "name" | "target">): boolean {
  if (outer.projects && !(inner.projects && inner.projects.every((p) => outer.projects!.includes(p)))) return false;
  if (outer.regions && !(inner.regions && inner.regions.every((r) => outer.regions!.includes(r)))) return false;
  if (outer.tags) {
    if (!inner.tags) return false;
    for (const k in outer.tags) if (inner.tags[k] !== outer.tags[k]) return false;
  }
  return true;
}

/**
 * Root id → the budgets it is in (`all` first, then the named ones in config order). Built once per settle; a
 * plan item's budgets are its root's.
 */
export function membership(scopes: BudgetScope[], roots: ResourceUnit[], home: HomeProject): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of roots) {
    const names = [ALL];
    for (const s of scopes) if (unitIn(s, r, home)) names.push(s.name);
    out.set(r.id, names);
  }
  return out;
}

/** The budgets an item is in, from its resources (when it has them) or its unit. */
export function itemBudgets(scopes: BudgetScope[], home: HomeProject, item: { vrId: string; resources?: CloudResource[] }, byRoot: Map<string, string[]>): string[] {
  if (item.resources && item.resources.length > 0) {
    const names = [ALL];
    for (const s of scopes) if (item.resources.some((r) => resourceIn(s, r, home))) names.push(s.name);
    return names;
  }
  return byRoot.get(item.vrId) ?? [ALL];
}
