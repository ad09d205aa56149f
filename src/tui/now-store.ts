/**
 * The 1 Hz clock behind countdowns and "last sync" ages. Cells subscribe with the *text they display* as their
 * snapshot (`useTicking`), so a tick re-renders only the cells whose text changed, and a tick that changes no text
 * costs no React commit and no Ink frame at all. Countdowns show seconds only in their final hour and ages only in
 * their first minute, so most seconds change nothing: less CPU and, over ssh, no redraw traffic.
 */
import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from "react";
import type { Clock } from "../engine/types.ts";

export class NowStore {
  private current: number;
  private readonly listeners = new Set<() => void>();

  constructor(readonly clock: Clock) {
    this.current = clock.now();
  }

  now = (): number => this.current;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  tick(): void {
    this.current = this.clock.now();
    for (const l of [...this.listeners]) l();
  }
}

const NowContext = createContext<NowStore | null>(null);

export function NowProvider({ clock, tickMs = 1000, children }: { clock: Clock; tickMs?: number; children: ReactNode }) {
  const store = useMemo(() => new NowStore(clock), [clock]);
  useEffect(() => {
    const timer = setInterval(() => store.tick(), tickMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }, [store, tickMs]);
  return createElement(NowContext.Provider, { value: store }, children);
}

/** Re-renders the caller only when `format(now)` changes. `format` must be pure in `now`. */
export function useTicking(format: (now: number) => string): string {
  const store = useContext(NowContext);
  if (!store) throw new Error("useTicking outside <NowProvider>");
  const get = useCallback(() => format(store.now()), [store, format]);
  return useSyncExternalStore(store.subscribe, get);
}
