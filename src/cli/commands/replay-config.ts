/** Helpers of `ot3c replay`: an optional configuration, the current month, scenario sizes. */
import type { GlobalOptions } from "../globals.ts";
import type { Config } from "../../config/types.ts";

/** The operator's ot3c.yaml when one is found; a replay of a scenario needs none. A broken one is still an error. */
export async function loadOptionalConfig(g: GlobalOptions): Promise<Config | undefined> {
  const { loadConfigFromGlobals } = await import("../../config/from-cli.ts");
  try {
    return await loadConfigFromGlobals(g);
  } catch (err) {
    if (!g.config && /no configuration file found/.test(String((err as Error)?.message))) return undefined;
    throw err;
  }
}

export function currentMonth(now = Date.now()): string {
  return new Date(now).toISOString().slice(0, 7);
}

/** Scenario knobs for about `n` resources, in the default scenario's proportions. */
export function scenarioSize(n: number): Record<string, number> {
  const k = n / 268;
  const r = (x: number, min = 1) => Math.max(min, Math.round(x * k));
  return { ecs: r(90), evs: r(160), cceClusters: r(2), cceNodePools: r(8), rds: r(10), untaggedExtras: r(6, 0) };
}
