/**
 * Termination planning: `classic` (the seed's greedy algorithm, classic.ts) or `optimal` (least harm,
 * optimal.ts). Both take the same input and return a TerminationPlan; plan-file.ts reads and writes plans.
 */
import type { TerminationPlan } from "../types.ts";
import { planClassic } from "./classic.ts";
import { planOptimal } from "./optimal.ts";
import type { PlannerInput } from "./units.ts";

export function planTerminations(input: PlannerInput): TerminationPlan {
  return input.mode === "classic" ? planClassic(input) : planOptimal(input);
}

export { planClassic } from "./classic.ts";
export { planOptimal } from "./optimal.ts";
export { compareHarm, harmOf, type Harm } from "./harm.ts";
export { canStop, costFrom, isPlannable, restDays, stopDays, type PlannerInput, type PlannerMode } from "./units.ts";
