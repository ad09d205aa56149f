/**
 * The fleet keys of ot3c.yaml (issue #18, multi-project sync): which OTC projects one instance reads, in which
 * regions, and per-region endpoint overrides. Part of the schema in schema.ts; mapped onto `Config.otc` by
 * `projectsConfig` below (called from normalise.ts). Without `projects:` the seed's single
 * `otccreds.projectid/projectname` is the one project, exactly as before.
 */
import { z } from "zod";
import { deriveEndpoints } from "../providers/otc/endpoints.ts";
import type { OtcEndpoints, ProjectRef } from "./types.ts";
import { expected, str, url } from "./schema-leaves.ts";

const REGION = /^[a-z]{2}-[a-z0-9-]+$/;
const region = () => z.string({ error: expected("a region name such as eu-de") }).regex(REGION, { error: expected("a region name such as eu-de") });

const projectRef = z
  .strictObject(
    {
      id: str().optional().describe("Project ID"),
      name: str().optional().describe("Project name (eu-de, eu-de_payments, …), resolved to its ID through IAM"),
      region: region().describe("Region of the project (its service endpoints)"),
    },
    { error: expected("a mapping with id or name, and region") },
  )
  .refine((p) => p.id !== undefined || p.name !== undefined, { error: () => "give the project's id or name" })
  .describe("One project");

export const projects = z
  .union([z.literal("all"), z.array(projectRef).min(1, { error: () => "list at least one project, or write all" })], {
    // A list with a bad entry: say which entry and what is wrong with it, not only that the union failed.
    error: (iss) => {
      const inList = Array.isArray(iss.input) ? (iss as { errors?: Array<Array<{ path: PropertyKey[]; message: string }>> }).errors?.[1]?.[0] : undefined;
      if (!inList) return expected('"all" or a list of {name|id, region}')(iss);
      const [i, ...rest] = inList.path;
      return typeof i === "number" ? `entry ${i + 1}${rest.length ? ` (${rest.map(String).join(".")})` : ""}: ${inList.message}` : inList.message;
    },
  })
  .describe('Projects to manage: a list of {name|id, region}, or "all" (every project the credentials see in `project-regions`, MOS excluded)');

export const regions = z
  .array(region(), { error: expected("a list of regions such as [eu-de, eu-nl]") })
  .min(1, { error: () => "name at least one region" })
  .describe("With projects: all — the regions whose projects are read; default otccreds.region");

const serviceEndpoints = z
  .strictObject(
    {
      iam: url().optional().describe("IAM API root including /v3"),
      ecs: url().optional().describe("ECS endpoint"),
      evs: url().optional().describe("EVS endpoint"),
      cce: url().optional().describe("CCE endpoint"),
      rds: url().optional().describe("RDS endpoint"),
    },
    { error: expected("a mapping of service: URL") },
  )
  .describe("Endpoint overrides of one region");

export const regionEndpoints = z
  .record(region(), serviceEndpoints, { error: expected("a mapping of region: {iam, ecs, evs, cce, rds}") })
  .describe("Per-region endpoint overrides (else derived: https://<service>.<region>.otc.t-systems.com; eu-ch2 uses sc.otc.t-systems.com)");

export interface RawProjectKeys {
  projects?: "all" | Array<{ id?: string; name?: string; region: string }>;
  "project-regions"?: string[];
  "region-endpoints"?: Record<string, Partial<OtcEndpoints>>;
}

/**
 * The `Config.otc` additions for a fleet: the project list, the regions, and every region's endpoints (the
 * `otccreds` region keeps `otccreds.endpoints`/`identityendpoint` as its overrides, so a single-region config
 * needs no new endpoint keys). Undefined fields when `projects:` is absent.
 */
export function projectsConfig(
  raw: RawProjectKeys,
  home: { region: string; endpoints: OtcEndpoints },
): { projects?: ProjectRef[] | "all"; regions?: string[]; regionEndpoints?: Record<string, OtcEndpoints> } {
  if (raw.projects === undefined) return {};
  const list: ProjectRef[] | "all" =
    raw.projects === "all" ? "all" : raw.projects.map((p) => ({ ...(p.id ? { id: p.id } : {}), ...(p.name ? { name: p.name } : {}), region: p.region }));
  const wanted = new Set<string>([home.region, ...(raw["project-regions"] ?? []), ...(list === "all" ? [] : list.map((p) => p.region))]);
  const regionEndpoints: Record<string, OtcEndpoints> = {};
  for (const r of [...wanted].sort()) {
    const o = raw["region-endpoints"]?.[r];
    regionEndpoints[r] = r === home.region && !o ? { ...home.endpoints } : deriveEndpoints(r, o ?? {});
  }
  return { projects: list, regions: raw["project-regions"] ?? [home.region], regionEndpoints };
}
