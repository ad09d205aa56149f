/**
 * /readyz: ready only when the configuration is loaded, the last sync succeeded and is fresh, and the state
 * directory is writable. Each failing check says why, so `curl /readyz` answers "why is it not ready?".
 */
import { accessSync, constants } from "node:fs";
import type { EngineSnapshot } from "../engine/types.ts";
import type { ReadinessCheck } from "./server.ts";

export interface ReadinessInput {
  configLoaded: boolean;
  getSnapshot: () => EngineSnapshot | undefined;
  staleAfterMs: number;
  stateDir?: string;
  now?: () => number;
}

export function engineReadiness(input: ReadinessInput): () => ReadinessCheck[] {
  return () => {
    const now = input.now?.() ?? Date.now();
    const snap = input.getSnapshot();
    const checks: ReadinessCheck[] = [
      { name: "config", ok: input.configLoaded, detail: input.configLoaded ? "loaded" : "not loaded" },
    ];
    const last = snap?.sync.lastSuccessAt;
    if (last === undefined) {
      checks.push({ name: "sync", ok: false, detail: snap?.sync.error ? `no successful sync yet: ${snap.sync.error}` : "no successful sync yet" });
    } else {
      const age = now - last;
      const fresh = age <= input.staleAfterMs;
      const degraded = snap?.sync.state === "DEGRADED";
      checks.push({
        name: "sync",
        ok: fresh && !degraded,
        detail: degraded
          ? `last sync failed: ${snap?.sync.error ?? "unknown error"}`
          : `last success ${Math.round(age / 1000)}s ago${fresh ? "" : ` (stale after ${Math.round(input.staleAfterMs / 1000)}s)`}`,
      });
    }
    if (input.stateDir) {
      let writable = true;
      try {
        accessSync(input.stateDir, constants.W_OK);
      } catch {
        writable = false;
      }
      checks.push({ name: "state", ok: writable, detail: writable ? `${input.stateDir} writable` : `${input.stateDir} not writable` });
    }
    return checks;
  };
}
