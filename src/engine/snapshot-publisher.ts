/**
 * How the engine hands out snapshots: built lazily when something changed (`markDirty`), pushed to subscribers at
 * a bounded rate (a burst of changes — an execution, a replan, a sync — makes one push, not a storm of frames), and
 * frozen once the engine stops, because the store closes right after and a late reader or timer must not touch it.
 */
import type { EngineSnapshot } from "./types.ts";

export interface BuiltSnapshot {
  snapshot: EngineSnapshot;
  /** The store could not be read: this snapshot shows the last known items, build again at the next read. */
  retry: boolean;
}

export class SnapshotPublisher {
  private listeners = new Set<(s: EngineSnapshot) => void>();
  private snapshot?: EngineSnapshot;
  private dirty = true;
  private lastEmit = 0;
  private emitTimer?: ReturnType<typeof setTimeout>;
  private stopped = false;

  constructor(
    private readonly build: () => BuiltSnapshot,
    private readonly minGapMs: number,
  ) {}

  get(): EngineSnapshot {
    // Stopped: the last snapshot stands; a late reader (socket request, scrape, TUI frame) must not touch a store
    // that closes right after stop() — "Cannot use a closed database" crashed the daemon on SIGTERM.
    if (this.stopped && this.snapshot) return this.snapshot;
    if (this.dirty || !this.snapshot) {
      this.dirty = false;
      const built = this.build();
      this.snapshot = built.snapshot;
      if (built.retry) this.dirty = true;
    }
    return this.snapshot;
  }

  subscribe(listener: (snapshot: EngineSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something changed: rebuild lazily, and push to subscribers at a bounded rate. */
  markDirty(): void {
    this.dirty = true;
    // Stopped: no more pushes — the store closes right after, and a late timer would read a closed database.
    if (this.stopped || this.listeners.size === 0 || this.emitTimer) return;
    const wait = Math.max(0, this.lastEmit + this.minGapMs - performance.now());
    this.emitTimer = setTimeout(() => {
      this.emitTimer = undefined;
      this.lastEmit = performance.now();
      const snap = this.get();
      for (const l of this.listeners) l(snap);
    }, wait);
  }

  stop(): void {
    this.stopped = true;
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.emitTimer = undefined;
  }
}
