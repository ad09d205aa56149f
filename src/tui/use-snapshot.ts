/**
 * One subscription to the engine at the root. Snapshots may arrive in bursts (sync, plan, events); the UI applies
 * at most one per `minIntervalMs` (≤ 4 Hz by default) and always the newest, so a burst costs one frame.
 * Every snapshot passes through `safeSnapshot` here, the TUI's one entry point for cloud-derived text.
 */
import { useEffect, useState } from "react";
import type { EngineHandle, EngineSnapshot } from "../engine/types.ts";
import { safeSnapshot } from "./safe-snapshot.ts";

export function useCoalescedSnapshot(handle: EngineHandle, minIntervalMs = 250): EngineSnapshot | undefined {
  const [snap, setSnap] = useState<EngineSnapshot | undefined>(() => safeSnapshot(handle.getSnapshot()));
  useEffect(() => {
    let latest: EngineSnapshot | undefined;
    let lastApplied = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const apply = () => {
      timer = undefined;
      lastApplied = Date.now();
      if (latest) setSnap(safeSnapshot(latest));
    };
    const unsubscribe = handle.subscribe((s) => {
      latest = s;
      if (timer) return;
      const wait = lastApplied + minIntervalMs - Date.now();
      if (wait <= 0) apply();
      else timer = setTimeout(apply, wait);
    });
    // A snapshot may have landed between the initial getSnapshot and subscribe.
    const now = handle.getSnapshot();
    if (now) setSnap((prev) => (prev && prev.seq >= now.seq ? prev : safeSnapshot(now)));
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [handle, minIntervalMs]);
  return snap;
}
