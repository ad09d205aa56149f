import type { ForecastModelName } from "../../types.ts";
import type { ForecastModel } from "../model.ts";
import { ensemble } from "./ensemble.ts";
import { holtWinters } from "./holt-winters.ts";
import { runRate } from "./run-rate.ts";
import { steadyState } from "./steady-state.ts";

export const MODELS: Record<ForecastModelName, ForecastModel> = {
  "steady-state": steadyState,
  "run-rate": runRate,
  "holt-winters": holtWinters,
  ensemble,
};

export const MODEL_NAMES = Object.keys(MODELS) as ForecastModelName[];

export function getModel(name: ForecastModelName): ForecastModel {
  const m = MODELS[name];
  if (!m) throw new Error(`unknown forecast model ${JSON.stringify(name)} (known: ${MODEL_NAMES.join(", ")})`);
  return m;
}
