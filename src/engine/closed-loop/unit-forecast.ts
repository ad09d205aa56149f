/**
 * The per-unit forecasts one settle hands the budget and the planner. A unit's per-day `rest` (`{ date, amount }`
 * per remaining day) is made only when something reads it: with 100,000 resources a settle has ~140,000 units, the
 * planner reads the days of the few thousand it considers, and making them all was ~2 million objects per settle —
 * after every approve, veto or execution (issue #18).
 */
import type { DailyCost, ForecastSummary, IsoDate, Quantiles, ResourceForecast } from "../types.ts";
import type { FigureOverlay } from "./effects.ts";
import type { ForecastState } from "./state.ts";

class UnitForecast implements ResourceForecast {
  private days?: DailyCost[];

  constructor(
    readonly vrId: string,
    readonly costSoFar: number,
    readonly monthEnd: Quantiles,
    private readonly path: Float64Array,
    private readonly dates: readonly IsoDate[],
  ) {}

  get rest(): DailyCost[] {
    if (this.days === undefined) {
      const days: DailyCost[] = new Array(this.dates.length);
      for (let k = 0; k < this.dates.length; k++) days[k] = { date: this.dates[k]!, amount: this.path[k]! };
      this.days = days;
    }
    return this.days;
  }
}

/** Per-unit forecasts (with the per-day path the planner reads) from the adjusted figures. */
export function buildForecasts(state: ForecastState, overlay: FigureOverlay): Record<string, ResourceForecast> {
  const out: Record<string, ResourceForecast> = {};
  for (const id of state.units.keys()) {
    const f = overlay.get(id)!;
    out[id] = new UnitForecast(id, f.soFar, f.monthEnd, f.path, state.dates);
  }
  return out;
}

/** The figures an evaluation keeps (snapshots, `list`): plain objects, without the path. */
export function summaries(forecasts: Record<string, ResourceForecast>): Record<string, ForecastSummary> {
  const out: Record<string, ForecastSummary> = {};
  for (const id in forecasts) {
    const f = forecasts[id]!;
    out[id] = { vrId: f.vrId, costSoFar: f.costSoFar, monthEnd: f.monthEnd };
  }
  return out;
}
