/** Simulated IAM (Keystone v3): the one project of the world, by name filter, by id, or as the caller's projects. */
import type { SimWorld } from "../world.ts";
import { iamError, json, type Route, type SimContext } from "./common.ts";

function project(world: SimWorld) {
  return {
    id: world.projectId,
    name: world.projectName,
    domain_id: world.domainId,
    parent_id: world.domainId,
    is_domain: false,
    enabled: true,
    description: "",
    links: { self: `/v3/projects/${world.projectId}` },
  };
}

export function iamRoute(ctx: SimContext, method: string, seg: string[], url: URL): Route | undefined {
  const { world } = ctx;
  if (seg[0] === "v3" && seg[1] === "auth" && seg[2] === "projects" && seg.length === 3) {
    // Projects the caller may use: the world's one project.
    return {
      name: "IAM.authProjects",
      handle: () =>
        method === "GET" ? json({ projects: [project(world)], links: { self: url.pathname } }) : iamError(405, "Method Not Allowed", "method not allowed"),
    };
  }
  if (seg[0] !== "v3" || seg[1] !== "projects" || seg.length > 3) return undefined;
  if (seg.length === 2) {
    return {
      name: "IAM.projects",
      handle: () => {
        if (method !== "GET") return iamError(405, "Method Not Allowed", "method not allowed");
        const name = url.searchParams.get("name");
        const list = name === null || name === world.projectName ? [project(world)] : [];
        return json({ projects: list, links: { self: url.pathname, previous: null, next: null } });
      },
    };
  }
  return {
    name: "IAM.project",
    handle: () => {
      if (method !== "GET") return iamError(405, "Method Not Allowed", "method not allowed");
      if (seg[2] !== world.projectId) return iamError(404, "Not Found", `Could not find project: ${seg[2]}.`);
      return json({ project: project(world) });
    },
  };
}
