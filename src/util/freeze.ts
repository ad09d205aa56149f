/**
 * Freezes an object graph in place, so a snapshot handed to renderers can never be changed under them.
 *
 * Empty arrays are replaced by one shared frozen empty array first: JavaScriptCore keeps a frozen array's elements
 * in a per-array attribute map (~120 bytes even when empty, ~250 with one element), and a snapshot of 100,000
 * resources holds hundreds of thousands of small arrays — a leaf's `members`, a volume without attachments — which
 * made ~100 MB of a daemon's resident memory (issue #18). Same content, so nothing a reader sees changes.
 */
const EMPTY: readonly unknown[] = Object.freeze([]);

export function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    const fields = o as Record<string, unknown>;
    const keys = Object.keys(fields);
    for (const k of keys) {
      const v = fields[k];
      if (Array.isArray(v) && v.length === 0 && v !== EMPTY) fields[k] = EMPTY;
    }
    // Frozen before its children are visited, so a cycle ends at an object already frozen.
    Object.freeze(o);
    for (const k of keys) deepFreeze(fields[k]);
  }
  return o;
}
