/**
 * A 1 Hz clock for the countdown and "last sync" cells. One timer at the root sets one piece of state per tick,
 * so every ticking cell updates in a single React commit (and a single Ink frame); memoised rows that do not
 * read the clock are skipped by context propagation, which keeps idle CPU low.
 */
import { createContext, createElement, useContext, useEffect, useState, type ReactNode } from "react";
import type { Clock } from "../engine/types.ts";

const NowContext = createContext<number | null>(null);

export function NowProvider({ clock, tickMs = 1000, children }: { clock: Clock; tickMs?: number; children: ReactNode }) {
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    const timer = setInterval(() => {
      const t = clock.now();
      // Re-render only when the displayed second changes (or the clock was set back).
      setNow((prev) => (Math.floor(t / 1000) === Math.floor(prev / 1000) && t >= prev ? prev : t));
    }, tickMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }, [clock, tickMs]);
  return createElement(NowContext.Provider, { value: now }, children);
}

export function useNow(): number {
  const now = useContext(NowContext);
  if (now === null) throw new Error("useNow outside <NowProvider>");
  return now;
}
