/**
 * The documented tag rules per service, which the simulated OTC enforces — a tag the real cloud cannot store must
 * never appear in a simulated world, or a client would be tested against data that cannot exist.
 *
 * ECS ("Adding Tags to an ECS in a Batch"): at most 10 tags; a key is 1–36 characters, a value 0–43, both only
 * letters, digits, `-` and `_` — so `ot3c_owner=alice@example.com` cannot be stored on a server (use a handle).
 * EVS: at most 10 tags; key ≤ 36 and value ≤ 43 characters (the EVS tag API does not restrict the characters as
 * tightly, so an owner address fits on a volume). System tags (`_sys_…`) are the cloud's own and not counted.
 */
import type { SimWorld } from "../world.ts";

export interface TagRules {
  service: string;
  maxTags: number;
  keyMax: number;
  valueMax: number;
  /** Allowed characters, when the service restricts them. */
  chars?: RegExp;
  charsText?: string;
}

export const ECS_TAG_RULES: TagRules = { service: "ECS", maxTags: 10, keyMax: 36, valueMax: 43, chars: /^[A-Za-z0-9_-]*$/, charsText: "letters, digits, - and _" };
export const EVS_TAG_RULES: TagRules = { service: "EVS", maxTags: 10, keyMax: 36, valueMax: 43 };

/** What is wrong with one resource's user tags under `rules`; empty when the cloud would store them. */
export function tagViolations(tags: Record<string, string>, rules: TagRules): string[] {
  const out: string[] = [];
  const user = Object.entries(tags).filter(([k]) => !k.startsWith("_sys_"));
  if (user.length > rules.maxTags) out.push(`${user.length} tags; ${rules.service} allows at most ${rules.maxTags}`);
  for (const [k, v] of user) {
    if (k.length === 0 || k.length > rules.keyMax) out.push(`key ${JSON.stringify(k)}: 1–${rules.keyMax} characters`);
    if (v.length > rules.valueMax) out.push(`value of ${k} (${v.length} characters): at most ${rules.valueMax}`);
    if (rules.chars && !rules.chars.test(k)) out.push(`key ${JSON.stringify(k)}: only ${rules.charsText}`);
    if (rules.chars && !rules.chars.test(v)) out.push(`value ${JSON.stringify(v)} of ${k}: only ${rules.charsText}`);
  }
  return out;
}

/** ECS list form (`"k=v"`, bare `"k"`) to a map, keeping `_sys_` entries out of the count. */
export function ecsTagMap(tags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) {
    const i = t.indexOf("=");
    out[i < 0 ? t : t.slice(0, i)] = i < 0 ? "" : t.slice(i + 1);
  }
  return out;
}

/** Every tag in the world the real services would refuse, as `"<service> <id>: <problem>"`. */
export function worldTagViolations(world: SimWorld): string[] {
  const out: string[] = [];
  for (const s of world.servers.values()) for (const p of tagViolations(ecsTagMap(s.tags), ECS_TAG_RULES)) out.push(`ECS ${s.id}: ${p}`);
  for (const v of world.volumes.values()) for (const p of tagViolations(v.tags, EVS_TAG_RULES)) out.push(`EVS ${v.id}: ${p}`);
  return out;
}

/** Throws when the world holds tags no real cloud could store (a scenario bug, not a client bug). */
export function assertStorableTags(world: SimWorld): void {
  const bad = worldTagViolations(world);
  if (bad.length > 0) throw new Error(`simulated world has tags the cloud cannot store:\n  ${bad.slice(0, 10).join("\n  ")}${bad.length > 10 ? `\n  … ${bad.length - 10} more` : ""}`);
}
