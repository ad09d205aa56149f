/**
 * The ot3c tags a generated resource carries. The mix is deliberate: every case the engine must handle appears —
 * prio 0 (never touch), ordinary prios, an unparsable prio (counts as 0), resources with no ot3c tags at all
 * (untagged spend), shared `ot3c_group` values, owners (handles on ECS, addresses elsewhere), and a few
 * `ot3c_instance` values.
 */
import type { Rng } from "./random.ts";
import { GROUPS, OWNER_HANDLES, OWNERS } from "./catalog.ts";

const HANDLE_OF = new Map(Object.entries(OWNER_HANDLES).map(([handle, address]) => [address, handle]));

/** The same tags as an ECS can store them: the owner address replaced by its handle. */
export function withOwnerHandle(tags: Record<string, string>): Record<string, string> {
  const handle = tags.ot3c_owner === undefined ? undefined : HANDLE_OF.get(tags.ot3c_owner);
  return handle === undefined ? tags : { ...tags, ot3c_owner: handle };
}

export interface TagMix {
  /** Share of resources without any ot3c tag. */
  untaggedShare: number;
  /** Share of tagged resources in an `ot3c_group`. */
  groupShare: number;
  /** Share of tagged resources with an `ot3c_instance` tag. */
  instanceShare: number;
}

const PRIOS: ReadonlyArray<readonly [string | null, number]> = [
  ["0", 8],
  ["1", 8],
  ["5", 12],
  ["10", 18],
  ["50", 16],
  ["100", 16],
  ["1000", 10],
  ["2147483647", 2],
  ["high", 2], // unparsable → treated as 0 by the engine
  ["-3", 1], // out of range → treated as 0
  [null, 4], // owner/group but no prio
];

export function ot3cTags(rng: Rng, mix: TagMix): Record<string, string> {
  if (rng.chance(mix.untaggedShare)) return {};
  const tags: Record<string, string> = {};
  const prio = rng.weighted(PRIOS);
  if (prio !== null) tags.ot3c_prio = prio;
  if (rng.chance(mix.groupShare)) tags.ot3c_group = rng.pick(GROUPS);
  if (rng.chance(0.85)) tags.ot3c_owner = rng.pick(OWNERS);
  if (rng.chance(mix.instanceShare)) tags.ot3c_instance = rng.chance(0.7) ? "prod" : "other-team";
  return tags;
}

/** ECS v1 list form: `"key=value"` strings, with OTC's `_sys_` entries mixed in as the real API does. */
export function ecsTagStrings(tags: Record<string, string>, withSys: boolean): string[] {
  const out = Object.entries(tags).map(([k, v]) => `${k}=${v}`);
  if (withSys) out.push("_sys_enterprise_project_id=0");
  return out;
}
