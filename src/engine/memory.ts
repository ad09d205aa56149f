/**
 * Forced garbage collections around a large sync. A daemon sits idle between syncs, so without them the heap of
 * one sync (hundreds of thousands of cost records, the forecast's scratch) stays until the next automatic
 * collection, and the allocator keeps the pages of that peak. Measured with 10,000 resources
 * (`scripts/bench/daemon-rss.ts`): steady RSS 313 → ~130 MB together with keeping only figures after evaluation.
 *
 * Only Bun has these calls; elsewhere (and for small inputs, i.e. tests and small projects) they do nothing.
 */

/** Inputs at least this large (a daemon's sync with thousands of resources) are worth a collection. */
export const LARGE_INPUT_RECORDS = 100_000;

interface BunMemory {
  gc(force: boolean): void;
  shrink?(): void;
}

const bun = (globalThis as { Bun?: BunMemory }).Bun;

/** A full collection now. What is still referenced (including from the caller's stack) stays. */
export function collectNow(): void {
  bun?.gc(true);
}

/** Between the stages of one evaluation: the finished stage's garbage is freed so the next one reuses its memory. */
export function collectIfLarge(records: number): void {
  if (records >= LARGE_INPUT_RECORDS) collectNow();
}

/**
 * After a sync, once its stack frame is gone (the collector scans the stack conservatively, so collecting inside
 * the frame keeps the records `costs` still points to). For a large sync a second pass follows a second later:
 * a stale stack word pinned the records through the first in about one sync in four (~190 instead of ~125 MB
 * until the next sync). `Bun.shrink` clears the stale stack, collects, and returns free pages and JIT code to the
 * system (the next sync recompiles, ~0.1 s).
 */
export function collectAfterSync(records: number): void {
  // Small syncs leave little behind, and a full collection costs ~0.1 s whatever the input: `ot3c replay` syncs a
  // month in seconds and would spend most of them here.
  if (records < LARGE_INPUT_RECORDS) return;
  setTimeout(collectNow, 0);
  setTimeout(() => (typeof bun?.shrink === "function" ? bun.shrink() : collectNow()), 1000).unref?.();
}
