/**
 * The project and region a unit is shown under (issue #18): the engine's one rule (engine/budgets/project-place.ts),
 * for the TUI's grouping, the metrics' `project` label and `list`'s PROJECT column.
 */
import type { EngineSnapshot } from "../engine/types.ts";
import { listedInProject, projectPlacer, type Placer } from "../engine/budgets/project-place.ts";

export { projectPlacer, type Place, type Placer } from "../engine/budgets/project-place.ts";

/**
 * The placer for a snapshot: a fleet when the engine synced projects (`projects[]`) or its resources were listed
 * per project (only a `projects:` sync records a resource's project).
 */
export function snapshotPlacer(snap: Pick<EngineSnapshot, "resources" | "project" | "projects">): Placer {
  const home = { project: snap.project.name || snap.project.id || "project", region: snap.project.region };
  return projectPlacer(snap.resources, home, (snap.projects?.length ?? 0) > 0 || snap.resources.some(listedInProject));
}
