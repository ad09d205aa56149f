/** Scenario presets for `ot3c sim`, `ot3c demo` and the benchmarks; see generate.ts for every knob. */
import { generateScenario, type Scenario, type ScenarioOptions } from "./generate.ts";

export { generateScenario, DEFAULT_SCENARIO, type Scenario, type ScenarioOptions } from "./generate.ts";
export { berlinDate, berlinTimestamp, isoWeek } from "./calendar.ts";

export type ScenarioPreset = "default" | "demo" | "large";

export const SCENARIO_PRESETS: Record<ScenarioPreset, Partial<ScenarioOptions>> = {
  /** ~300 resources over ECS/EVS/CCE/RDS, 45 days, a budget the forecast slightly overruns. */
  default: {},
  /** Small enough to read in the TUI; spend clearly overruns the stated budget, but the cuttable part can fix it. */
  demo: { ecs: 24, evs: 40, cceClusters: 1, cceNodePools: 3, rds: 4, untaggedExtras: 3, overrun: 1.35, days: 40 },
  /** The inventory benchmark: 20,000 ECS, 40,000 EVS, 30 days (~1.8 M cost records). */
  large: { ecs: 20_000, evs: 40_000, days: 30, deletedShare: 0.02, stoppedShare: 0.02, rcShare: 0.02, untaggedExtras: 40 },
};

export function presetScenario(preset: ScenarioPreset, overrides: Partial<ScenarioOptions> = {}): Scenario {
  const base = SCENARIO_PRESETS[preset];
  if (!base) throw new Error(`unknown scenario "${preset}" (default, demo, large)`);
  return generateScenario({ ...base, ...overrides });
}
