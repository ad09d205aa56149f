/**
 * The ladder of every unit of the virtual tree, computed once per sync from the compiled `actions` configuration.
 *
 * A leaf's ladder is `ladderFor` of its own kind and tags. A group is acted on as a whole, so it offers a rung only
 * when every member it concerns allows it:
 * - `park` stops the group's servers and databases and scales its node pools to 0 (volumes keep billing and are
 *   not asked): every ECS/RDS/CCE member
 *   must allow `park`, and there must be one;
 * - `snapshot-delete` and `delete` remove every member: every member must allow that rung (a group with a volume
 *   therefore never offers `snapshot-delete` — an EVS snapshot dies with its disk);
 * - `schedule` belongs to leaves (each follows its own schedule), never to a group as a plan action.
 */
import type { ResourceUnit } from "../types.ts";
import { isParkableKind, ladderFor, RUNGS, type LadderConfig, type Rung } from "./ladder.ts";

/**
 * One array per distinct ladder, shared by every unit with it (there are a handful of distinct ladders and up to
 * 100,000 units; each array is frozen with the snapshot, which costs memory per array: util/freeze.ts).
 */
const sharedLadders = new Map<string, Rung[]>();

function shared(rungs: Rung[]): Rung[] {
  const key = rungs.join(",");
  let hit = sharedLadders.get(key);
  if (!hit) sharedLadders.set(key, (hit = rungs));
  return hit;
}

/** Sets `ladder` (and `schedule`, `note` for tag problems) on every unit of the tree, in place. */
export function annotateLadders(roots: ResourceUnit[], config: LadderConfig): void {
  for (const r of roots) annotate(r, config);
}

function annotate(u: ResourceUnit, config: LadderConfig): Rung[] {
  if (u.kind === "GHOST") return (u.ladder = []);
  if (u.members.length === 0) {
    if (!u.resource) return (u.ladder = []);
    const l = ladderFor({ kind: u.resource.kind, tags: u.resource.tags, prepaid: !!u.resource.prepaid }, config);
    u.ladder = shared(l.rungs);
    if (l.schedule && l.rungs.includes("schedule")) u.schedule = l.schedule;
    if (l.issues.length > 0) u.note = [u.note, ...l.issues].filter(Boolean).join("; ");
    return u.ladder;
  }
  const members = u.members.map((m) => ({ kind: m.kind, ladder: annotate(m, config) }));
  const stoppable = members.filter((m) => isParkableKind(m.kind));
  const rungs: Rung[] = [];
  for (const rung of RUNGS) {
    if (rung === "schedule") continue;
    const concerned = rung === "park" ? stoppable : members;
    if (concerned.length > 0 && concerned.every((m) => m.ladder.includes(rung))) rungs.push(rung);
  }
  return (u.ladder = shared(rungs));
}
