/**
 * A 1 Hz clock for the countdown and "last sync" cells. Only components that read it (through `useNow`)
 * re-render on a tick; the rest of the frame is untouched, which keeps idle CPU low.
 */
import { createContext, useContext, useSyncExternalStore } from "react";
import type { Clock } from "../engine/types.ts";

export class NowStore {
  private current: number;
  private listeners = new Set<() => void>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly tickMs = 1000,
  ) {
    this.current = clock.now();
  }

  /** Bound so it can be handed to useSyncExternalStore directly. */
  getSnapshot = (): number => this.current;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref?.();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  };

  /** Read the clock now and notify when the displayed second changed. */
  tick(): void {
    const t = this.clock.now();
    if (Math.floor(t / 1000) === Math.floor(this.current / 1000) && t >= this.current) return;
    this.current = t;
    for (const l of this.listeners) l();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }
}

export const NowContext = createContext<NowStore | null>(null);

export function useNow(): number {
  const store = useContext(NowContext);
  if (!store) throw new Error("useNow outside <NowContext.Provider>");
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
