/**
 * Text charts for the Overview, as rows of styled segments: the burn-against-budget bar and the daily cost bars
 * with the forecast band to period end. Shades carry the meaning (actual █, forecast ▓▒░), colour only adds to it.
 */
import type { BudgetSummary, Quantiles } from "../engine/types.ts";
import type { Seg } from "./components/Line.tsx";
import type { GlyphSet, Token } from "./theme.ts";
import { amount, amountShort } from "./format.ts";

/** Merge adjacent characters with the same token into one segment. */
function runs(cells: Array<{ ch: string; token?: Token }>): Seg[] {
  const out: Seg[] = [];
  for (const c of cells) {
    const last = out[out.length - 1];
    if (last && last.token === c.token) last.text += c.ch;
    else out.push({ text: c.ch, token: c.token });
  }
  return out;
}

/**
 * `spent ███████▒▒▒▒░░░│    ` — spend so far, forecast to P50, band to P90, and the budget marker. The scale is
 * the larger of budget and P90 so an overrun is visible as bar beyond the marker.
 */
export function burnBar(b: BudgetSummary, width: number, g: GlyphSet): Seg[] {
  const max = Math.max(b.target, b.forecast.p90, b.spendSoFar, 1e-9);
  const at = (v: number) => Math.max(0, Math.min(width, Math.round((v / max) * width)));
  const spent = at(b.spendSoFar);
  const p50 = Math.max(spent, at(b.forecast.p50));
  const p90 = Math.max(p50, at(b.forecast.p90));
  const budget = Math.min(width - 1, at(b.target));
  const cells: Array<{ ch: string; token?: Token }> = [];
  for (let i = 0; i < width; i++) {
    if (i === budget) cells.push({ ch: g.barMarker, token: "budget" });
    else if (i < spent) cells.push({ ch: g.barFull, token: "actual" });
    else if (i < p50) cells.push({ ch: g.shades[1], token: "forecast" });
    else if (i < p90) cells.push({ ch: g.shades[2], token: "band" });
    else cells.push({ ch: " " });
  }
  return runs(cells);
}

interface DayColumn {
  day: string;
  actual?: number;
  band?: Quantiles;
}

export function dayColumns(b: BudgetSummary): DayColumn[] {
  const cols: DayColumn[] = b.dailyTotals.map((d) => ({ day: d.date, actual: d.amount }));
  const seen = new Set(cols.map((c) => c.day));
  for (const f of b.forecastBand) if (!seen.has(f.date)) cols.push({ day: f.date, band: { p10: f.p10, p50: f.p50, p90: f.p90 } });
  return cols.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/**
 * Daily bars, `height` rows plus one axis row. Actual days use eighth blocks for resolution; forecast days show
 * up to P10 ▓, up to P50 ▒, up to P90 ░. The daily share of the budget is a dotted line (`target` false: none,
 * for a scope without a target of its own).
 */
export function dailyChart(b: BudgetSummary, days: number, width: number, height: number, g: GlyphSet, target = true): Seg[][] {
  const cols = dayColumns(b);
  const labelW = 8;
  const colW = Math.max(1, Math.min(3, Math.floor((width - labelW) / Math.max(1, cols.length))));
  const budgetPerDay = target ? b.target / Math.max(1, days) : -1;
  const max = Math.max(budgetPerDay, ...cols.map((c) => Math.max(c.actual ?? 0, c.band?.p90 ?? 0)), 1e-9);
  const rows: Seg[][] = [];
  for (let r = 0; r < height; r++) {
    const lo = (max * (height - 1 - r)) / height;
    const hi = (max * (height - r)) / height;
    const label = r === 0 ? (amount(max).length < labelW ? amount(max) : amountShort(max)) : r === height - 1 ? "0" : "";
    const cells: Array<{ ch: string; token?: Token }> = [];
    for (const c of cols) {
      let ch = " ";
      let token: Token | undefined;
      if (c.actual !== undefined) {
        if (c.actual >= hi) ch = g.eighths[8];
        else if (c.actual > lo) ch = g.eighths[Math.max(1, Math.round(((c.actual - lo) / (hi - lo)) * 8))];
        token = "actual";
      } else if (c.band) {
        const mid = (lo + hi) / 2;
        if (c.band.p10 >= mid) ch = g.shades[0];
        else if (c.band.p50 >= mid) ch = g.shades[1];
        else if (c.band.p90 >= mid) ch = g.shades[2];
        token = ch === g.shades[2] ? "band" : "forecast";
      }
      if (ch === " " && budgetPerDay >= lo && budgetPerDay < hi) {
        ch = g.budgetLine;
        token = "budget";
      }
      const fill = colW > 1 ? ch.repeat(colW - 1) + (ch === g.budgetLine ? ch : " ") : ch;
      cells.push({ ch: fill, token: ch === " " ? undefined : token });
    }
    rows.push([{ text: label.padStart(labelW - 1) + " ", token: "dim" }, ...runs(cells)]);
  }
  // Axis: day-of-month every 5 days.
  let axis = " ".repeat(labelW);
  cols.forEach((c, i) => {
    const dom = Number(c.day.slice(8, 10));
    const mark = i === 0 || dom % 5 === 0 ? String(dom) : "";
    const pos = labelW + i * colW;
    if (mark && axis.length <= pos) axis = axis.padEnd(pos) + mark;
  });
  rows.push([{ text: axis, token: "dim" }]);
  return rows;
}
