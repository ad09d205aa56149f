/**
 * Who is told about a resource: its `ot3c_owner` tag resolved to exactly one mail address.
 *
 * Why handles: an ECS tag value holds at most 43 letters, digits, `-` and `_` (no `@`, no `.`), so
 * `ot3c_owner=alice@example.com` cannot be stored on a server. The tag is therefore either
 *   - one address (where the service allows it: EVS, RDS, CCE), used as is, or
 *   - a handle (`alice`, `platform-team`), resolved through `owners:` in ot3c.yaml (handle → address), then
 *     `notify.owner-domain` (`alice@<domain>`), then `notify.default-owner`.
 * Anything else — a list, commas, angle brackets, spaces, CR/LF — is never a recipient: the message goes to
 * `notify.default-owner` and the caller records the note (the tag value comes from the cloud, so the note shows it
 * escaped and cut short, never raw).
 */

/** One plain address: local part and domain of the usual characters, nothing that could add a second recipient or a header. */
export const SINGLE_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
/** A handle: what an ECS tag value can hold, plus `.` for services that allow it. */
export const OWNER_HANDLE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A mail domain for `notify.owner-domain`. */
export const OWNER_DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export interface OwnerDirectory {
  /** `owners:` in ot3c.yaml: handle → address. */
  owners?: Record<string, string>;
  /** `notify.owner-domain`: a handle without an `owners:` entry becomes handle@domain. */
  ownerDomain?: string;
  /** `notify.default-owner`: the fallback for everything else. */
  defaultOwner?: string;
}

export type OwnerSource = "address" | "owners-map" | "owner-domain" | "default-owner" | "none";

export interface ResolvedOwner {
  /** The one recipient, or undefined when nobody can be told. */
  to?: string;
  source: OwnerSource;
  /** Why the tag itself was not used (unusable value, unknown handle); for the audit and the log. */
  note?: string;
}

export const isSingleAddress = (s: string): boolean => s.length <= 254 && SINGLE_ADDRESS.test(s);

/** A cloud-supplied value made safe for one log line: control characters escaped, quoted, cut to 80 characters. */
export function quoteForLog(value: string): string {
  const cut = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(cut).replace(/[\u0080-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function fallback(dir: OwnerDirectory, note?: string): ResolvedOwner {
  // default-owner comes from ot3c.yaml, but it is held to the same one-address rule as a tag.
  if (dir.defaultOwner && !isSingleAddress(dir.defaultOwner)) {
    const bad = `notify.default-owner ${quoteForLog(dir.defaultOwner)} is not one plain address`;
    return { source: "none", note: note ? `${note}; ${bad}` : bad };
  }
  const base = dir.defaultOwner ? { to: dir.defaultOwner, source: "default-owner" as const } : { source: "none" as const };
  return note ? { ...base, note } : base;
}

export function resolveOwner(tag: string | undefined, dir: OwnerDirectory): ResolvedOwner {
  if (tag === undefined || tag === "") return fallback(dir);
  if (isSingleAddress(tag)) return { to: tag, source: "address" };
  if (OWNER_HANDLE.test(tag)) {
    const mapped = dir.owners?.[tag];
    if (mapped !== undefined && isSingleAddress(mapped)) return { to: mapped, source: "owners-map" };
    if (dir.ownerDomain && OWNER_DOMAIN.test(dir.ownerDomain)) {
      const address = `${tag}@${dir.ownerDomain}`;
      if (isSingleAddress(address)) return { to: address, source: "owner-domain" };
    }
    return fallback(dir, `ot3c_owner handle ${quoteForLog(tag)} has no entry in owners: and notify.owner-domain is not set`);
  }
  return fallback(dir, `ot3c_owner ${quoteForLog(tag)} is neither one address nor a handle; not used as a recipient`);
}
