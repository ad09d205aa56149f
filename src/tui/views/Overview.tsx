/** Overview: alerts, burn against budget, the daily cost chart with the forecast band, and the top spenders. */
import { memo, useMemo } from "react";
import { Box } from "ink";
import type { EngineSnapshot } from "../../engine/types.ts";
import { burnBar, dailyChart } from "../chart.ts";
import { amount, cell, money, percent, unitsOf, wrapText } from "../format.ts";
import { Line, Plain, useTheme } from "../components/Line.tsx";
import { Rollup } from "../scope/Rollup.tsx";
import type { ScopedSnapshot } from "../scope/index.ts";

const OUTCOME_TEXT: Record<string, string> = {
  NOT_NEEDED: "no plan needed",
  OK: "plan reaches the budget",
  END_OF_MANAGEABLE_LIST: "End of manageable Resource list (partial plan)",
  BASELINE_EXCEEDS_BUDGET: "baseline alone exceeds the budget",
};

export const Overview = memo(function Overview({ snap, width, height, filter }: { snap: EngineSnapshot & Pick<ScopedSnapshot, "scopeView">; width: number; height: number; filter: string }) {
  const theme = useTheme();
  const { currency: cur } = unitsOf(snap);
  const g = theme.glyphs;
  const b = snap.budget;

  const spenders = useMemo(() => {
    return snap.resources
      .map((vr) => ({ vr, f: snap.forecasts[vr.id] }))
      .filter((x) => x.f)
      .filter((x) => !filter || `${x.vr.id} ${x.vr.name} ${x.vr.owner ?? ""} ${x.vr.kind}`.toLowerCase().includes(filter.toLowerCase()))
      .sort((a, b) => b.f!.monthEnd.p50 - a.f!.monthEnd.p50);
  }, [snap.resources, snap.forecasts, filter]);

  if (!b) {
    return (
      <Box flexDirection="column" flexShrink={0}>
        <Plain text="No budget yet: waiting for the first successful sync." token="dim" />
        {snap.sync.error ? <Plain text={`${g.warn} ${snap.sync.error}`} token="warn" /> : null}
      </Box>
    );
  }

  // DEGRADED reasons are cut short in the header at 80 columns; the overview has room for them.
  const degraded = snap.sync.state === "DEGRADED" && snap.sync.error ? [`sync DEGRADED: ${snap.sync.error}`] : [];
  // Alerts are safety text: wrapped, never cut (at most two alerts shown here; all are in `ot3c status`).
  const alerts = [...degraded, ...snap.alerts].slice(0, 2).flatMap((a) => wrapText(`${g.warn} ${a}`, width));
  const legend = [
    { text: `${g.barFull} spent ${money(b.spendSoFar, cur)}  `, token: "actual" as const },
    { text: `${g.shades[1]} P50 ${money(b.forecast.p50, cur)}  `, token: "forecast" as const },
    { text: `${g.shades[2]} P90 ${money(b.forecast.p90, cur)}  `, token: "band" as const },
    { text: `${g.barMarker} budget ${money(b.target, cur)}`, token: "budget" as const },
  ];
  const scope = snap.scopeView;
  // The plan outcome is the whole bill's: not shown over one scope's figures.
  const outcome = snap.planOutcome && !scope ? OUTCOME_TEXT[snap.planOutcome] ?? snap.planOutcome : undefined;
  const legendW = legend.reduce((n, x) => n + Array.from(x.text).length, 0);
  // The legend's figures and the plan outcome wrap onto a second line rather than being cut.
  const legendLines = legendW + (outcome ? 9 + outcome.length : 0) <= width ? 1 : legendW <= width ? 2 : 3;
  // Scoped (budgets:, or a project picked with b/B): a title line, and the roll-up of every budget.
  const budgets = snap.budgets ?? [];
  const title = scope || budgets.length > 0 ? wrapText(scopeTitle(snap, cur), width).slice(0, 2) : [];
  const rollupWanted = budgets.length > 0 ? budgets.length + 1 : 0;
  // A scope with its own daily series gets its own chart; the room the chart and what follows it share.
  const room = height - alerts.length - title.length - 1 - legendLines - 3;
  const scopeChart = !!scope?.daily && room >= 4;
  // A small terminal has no room for the daily chart next to the roll-up: the roll-up wins (for `all`; a scope's
  // own chart is what selecting it asks for, so there the chart wins and the roll-up takes what is left).
  const compact = budgets.length > 0 && !scope && height - alerts.length - title.length - 1 - legendLines - 3 < 8;
  // Alerts, title, burn bar and legend: the same in both layouts.
  const head = (showLegend: boolean) => (
    <>
      {alerts.map((a, i) => (
        <Plain key={i} text={a} token="warn" bold />
      ))}
      {title.map((t, i) => (
        <Plain key={`t${i}`} text={t} token="accent" bold />
      ))}
      <Line segs={[{ text: "burn " }, ...burnBar(b, Math.max(10, width - 6), g)]} />
      {!showLegend ? null : legendLines === 3 ? (
        <>
          <Line segs={legend.slice(0, 2)} />
          <Line segs={legend.slice(2)} />
        </>
      ) : (
        <Line segs={legend} />
      )}
    </>
  );
  const spenderRows = (label: string, n: number, nameW: number) => (
    <>
      {n > 0 ? <Plain text={`${cell(label, 8 + nameW)}${cell("owner", 14)}${cell(`so far ${cur}`, 12, "right")}${cell(`P50 ${cur}`, 12, "right")}${cell("share", 6, "right")}`} bold /> : null}
      {spenders.slice(0, n).map(({ vr, f }) => (
        <Plain
          key={vr.id}
          text={`${cell(vr.kind, 7)} ${cell(vr.name || vr.id, nameW)}${cell(vr.owner ?? "-", 14)}${cell(amount(f!.costSoFar), 12, "right")}${cell(amount(f!.monthEnd.p50), 12, "right")}${cell(percent(f!.monthEnd.p50, b.forecast.p50), 6, "right")}`}
        />
      ))}
    </>
  );
  const selected = scope ? (scope.kind === "budget" ? scope.name : undefined) : "all";
  if ((scope && !scopeChart) || compact) {
    // No chart (a scope without its own series, or no room): roll-up first, then the burn bar, the legend and the top spenders as room allows.
    const legendRows = legendLines === 3 ? 2 : 1;
    const avail = height - alerts.length - title.length - 1;
    const rollupRows = Math.max(0, Math.min(rollupWanted, avail));
    const showLegend = avail - rollupRows >= legendRows;
    const rest = avail - rollupRows - (showLegend ? legendRows : 0);
    const top = Math.max(0, Math.min(5, spenders.length, rest - 1));
    const nameW = Math.max(8, width - 52);
    return (
      <Box flexDirection="column" flexShrink={0}>
        {head(showLegend)}
        <Rollup budgets={budgets} selected={selected} width={width} rows={rollupRows} currency={cur} />
        {spenderRows(scope ? "Top spenders in scope" : "Top spenders", top, nameW)}
      </Box>
    );
  }
  let rollupRows: number;
  let topN: number;
  let chartH: number;
  if (scopeChart) {
    // One scope: its chart at least 6 rows high when there is room, then the roll-up, then its top spenders.
    const chartMin = Math.min(6, room);
    rollupRows = Math.min(rollupWanted, Math.max(0, room - chartMin));
    topN = Math.max(0, Math.min(5, spenders.length, room - chartMin - rollupRows - 1));
    chartH = Math.max(2, room - rollupRows - (topN > 0 ? topN + 1 : 0));
  } else {
    rollupRows = Math.min(rollupWanted, Math.max(0, Math.floor((height - alerts.length - 1 - legendLines - 3 - 4) / 2)));
    const fixed = alerts.length + title.length + 1 /* bar */ + legendLines + 1 /* chart title */ + 2 /* axis+legend */ + rollupRows;
    topN = Math.max(0, Math.min(5, spenders.length, height - fixed - 4 - 1));
    chartH = Math.max(2, height - fixed - (topN > 0 ? topN + 1 : 0));
  }
  // A project has no target of its own: no budget-per-day line over its bars.
  const ownTarget = scope?.kind !== "project";
  const chart = dailyChart(b, snap.period.days, width, chartH, g, ownTarget);

  const nameW = Math.max(8, width - 8 - 14 - 12 - 12 - 6);
  return (
    <Box flexDirection="column" flexShrink={0}>
      {head(true)}
      {outcome ? (
        legendLines === 1 ? null : <Plain text={`plan: ${outcome}`} token="dim" />
      ) : null}
      <Plain text={`Daily cost ${cur}, ${snap.period.startDate} ${g.arrow} ${snap.period.endDate}${outcome && legendLines === 1 ? `   plan: ${outcome}` : ""}`} bold />
      {chart.map((segs, i) => (
        <Line key={i} segs={segs} />
      ))}
      <Line
        segs={[
          { text: `${g.eighths[8]} actual  `, token: "actual" },
          { text: `${g.shades[0]}${g.shades[1]} forecast to P10/P50  `, token: "forecast" },
          { text: `${g.shades[2]} band to P90  `, token: "band" },
          ownTarget ? { text: `${g.budgetLine} budget per day`, token: "budget" } : { text: "no target of its own", token: "dim" },
        ]}
      />
      <Rollup budgets={budgets} width={width} rows={rollupRows} currency={cur} selected={selected} />
      {spenderRows(filter ? `Top spenders "${filter}"` : scope ? "Top spenders in scope" : "Top spenders", topN, nameW)}
    </Box>
  );
});

/** "budget team-x: 812.30 of 900.00 EUR at P50 · OVER" — which scope the Overview shows, and that b/B change it. */
function scopeTitle(snap: EngineSnapshot & Pick<ScopedSnapshot, "scopeView">, cur: string): string {
  const s = snap.scopeView;
  const keys = "[b/B]";
  if (!s) return `${keys} scope: all (target-budget)`;
  if (s.kind === "project") return `${keys} scope: project ${s.name} · ${snap.resources.length} resources`;
  const st = s.state;
  const tail = st?.baselineExceedsBudget ? " · baseline alone over target: reported, not planned" : st && st.uncovered > 0 ? ` · ${amount(st.uncovered)} ${cur} not covered` : "";
  return `${keys} scope: budget ${s.name}${st ? ` · ${st.status}${tail}` : ""}`;
}
