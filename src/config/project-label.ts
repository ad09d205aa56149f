/**
 * What a header, a verify line or a document calls the project(s) this instance manages: the seed's single
 * `otccreds` project, or — with `projects:` (issue #18) — the fleet, so no output prints a placeholder for it.
 */
import type { Config } from "./types.ts";

export interface ProjectLabel {
  /** The single project's name or id, or the fleet: "all projects" / the listed names joined. */
  name: string;
  /** The single project's region, or the fleet's regions joined with ", ". */
  region: string;
  /** Present (true) with `projects:`: `name` then describes several projects. */
  fleet?: true;
}

export function projectLabel(config: Pick<Config, "otc">): ProjectLabel {
  const o = config.otc;
  if (!o.projects) return { name: o.projectName ?? o.projectId ?? "(no project configured)", region: o.region };
  if (o.projects === "all") return { name: "all projects", region: (o.regions ?? [o.region]).join(", "), fleet: true };
  const names = o.projects.map((p) => p.name ?? p.id ?? "");
  const regions = [...new Set(o.projects.map((p) => p.region))];
  return { name: names.length <= 3 ? names.join(", ") : `${names.length} projects`, region: regions.join(", "), fleet: true };
}
