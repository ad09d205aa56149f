/**
 * The simulated OTC of a contract with several projects (src/sim/scenario/fleet.ts), for one region's endpoints:
 * IAM answers for the whole cloud (`GET /v3/auth/projects` lists every project of the domain the user may use, plus
 * the built-in `MOS`; eu-ch2 is a separate cloud with its own IAM), and every project-scoped path
 * (`/v1/{project_id}/…`, `/v2/…`, `/v3/…`, `/api/v3/projects/{project_id}/…`) goes to that project's simulator —
 * when the project lives in this region. A project of another region is refused, as the real regional endpoints
 * do, so a client that sends a project to the wrong region's endpoints fails in tests too.
 *
 * `refuseProjects` makes every request for a project answer 403 (the IAM user lost its rights there), which is how
 * tests make one project of a fleet fail while the others work.
 */
import type { FaultInjector } from "../faults.ts";
import type { SimFleet } from "../scenario/fleet.ts";
import type { SimWorld } from "../world.ts";
import { checkSignature } from "./auth.ts";
import { gatewayError, iamError, json, type OtcSimOptions, type SimContext } from "./common.ts";
import { otcSimRoutes, type OtcSimHandler } from "./index.ts";

export interface FleetSimOptions extends OtcSimOptions {
  /** Project ids whose every request is refused with 403. Mutable: tests add and remove while running. */
  refuseProjects?: Set<string>;
}

export type FleetSimHandler = ((req: Request, url: URL) => Promise<Response | undefined>) & {
  /** Requests per project id and route name, after authentication. */
  counts(): Map<string, Map<string, number>>;
  /** IAM requests (route name → count). */
  iamCounts: Map<string, number>;
};

const isCh2 = (region: string) => region === "eu-ch2";

/** The project id a project-scoped OTC path names, or undefined for IAM and unknown paths. */
export function projectIdOf(seg: string[]): string | undefined {
  if (seg[0] === "api" && seg[1] === "v3" && seg[2] === "projects") return seg[3];
  if (/^v\d/.test(seg[0] ?? "") && seg[1] !== undefined && seg[1] !== "auth" && seg[1] !== "projects") return seg[1];
  return undefined;
}

function iamProject(p: { id: string; name: string }, domainId: string) {
  return { id: p.id, name: p.name, domain_id: domainId, parent_id: domainId, is_domain: false, enabled: true, description: "", links: { self: `/v3/projects/${p.id}` } };
}

export function fleetOtcRoutes(fleet: SimFleet, region: string, faults?: FaultInjector, opts: FleetSimOptions = {}): FleetSimHandler {
  const byId = new Map(fleet.projects.map((w) => [w.projectId, w]));
  const handlers = new Map<string, OtcSimHandler>();
  const handlerOf = (w: SimWorld): OtcSimHandler => {
    let h = handlers.get(w.projectId);
    if (!h) handlers.set(w.projectId, (h = otcSimRoutes(w, faults, opts)));
    return h;
  };
  const iamCounts = new Map<string, number>();
  // IAM of this cloud: eu-ch2 sees only eu-ch2 projects, the other regions share one IAM.
  const visible = () => [
    ...fleet.projects.filter((w) => isCh2(w.region) === isCh2(region)).map((w) => ({ id: w.projectId, name: w.projectName })),
    fleet.builtIn,
  ];
  const first = fleet.projects[0]!;
  const authCtx: SimContext = { world: first, opts, counts: iamCounts };

  const iam = async (req: Request, url: URL, seg: string[]): Promise<Response | undefined> => {
    const auth = seg[1] === "auth" && seg[2] === "projects" && seg.length === 3;
    const list = seg[1] === "projects" && seg.length <= 3;
    if (!auth && !list) return undefined;
    const serve = async (): Promise<Response> => {
      const denied = checkSignature(authCtx, req, url, await req.text());
      if (denied) return denied;
      if (req.method !== "GET") return iamError(405, "Method Not Allowed", "method not allowed");
      const name = auth ? "IAM.authProjects" : seg.length === 2 ? "IAM.projects" : "IAM.project";
      iamCounts.set(name, (iamCounts.get(name) ?? 0) + 1);
      const projects = visible();
      if (auth) return json({ projects: projects.map((p) => iamProject(p, fleet.domainId)), links: { self: url.pathname } });
      if (seg.length === 2) {
        const want = url.searchParams.get("name");
        const hits = projects.filter((p) => want === null || p.name === want);
        return json({ projects: hits.map((p) => iamProject(p, fleet.domainId)), links: { self: url.pathname, previous: null, next: null } });
      }
      const p = projects.find((x) => x.id === seg[2]);
      return p ? json({ project: iamProject(p, fleet.domainId) }) : iamError(404, "Not Found", `Could not find project: ${seg[2]}.`);
    };
    return faults ? faults.apply(req, serve) : serve();
  };

  const handler = async (req: Request, url: URL): Promise<Response | undefined> => {
    const seg = url.pathname.split("/").filter(Boolean);
    if (seg[0] === "v3" && (seg[1] === "auth" || seg[1] === "projects")) return iam(req, url, seg);
    const pid = projectIdOf(seg);
    if (pid === undefined) return undefined;
    const w = byId.get(pid);
    if (!w || w.region !== region) {
      if (!w && fleet.builtIn.id !== pid) return undefined;
      return gatewayError(403, "APIGW.0302", `The project ${pid} is not available in region ${region}`);
    }
    if (opts.refuseProjects?.has(pid)) {
      // The gateway checks the signature before the rights.
      const denied = checkSignature({ world: w, opts, counts: new Map() }, req, url, await req.text());
      if (denied) return denied;
      return gatewayError(403, "APIGW.0302", `The IAM user is not authorized to access the API in project ${pid}`);
    }
    return handlerOf(w)(req, url);
  };
  return Object.assign(handler, {
    counts: () => new Map([...handlers].map(([id, h]) => [id, h.counts])),
    iamCounts,
  });
}
