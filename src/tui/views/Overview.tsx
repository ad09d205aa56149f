/** Overview: alerts, burn against budget, the daily cost chart with the forecast band, and the top spenders. */
import { memo, useMemo } from "react";
import { Box } from "ink";
import type { EngineSnapshot } from "../../engine/types.ts";
import { burnBar, dailyChart } from "../chart.ts";
import { amount, cell, money, percent, unitsOf, wrapText } from "../format.ts";
import { Line, Plain, useTheme } from "../components/Line.tsx";

const OUTCOME_TEXT: Record<string, string> = {
  NOT_NEEDED: "no plan needed",
  OK: "plan reaches the budget",
  END_OF_MANAGEABLE_LIST: "End of manageable Resource list (partial plan)",
  BASELINE_EXCEEDS_BUDGET: "baseline alone exceeds the budget",
};

export const Overview = memo(function Overview({ snap, width, height, filter }: { snap: EngineSnapshot; width: number; height: number; filter: string }) {
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
  const outcome = snap.planOutcome ? OUTCOME_TEXT[snap.planOutcome] ?? snap.planOutcome : undefined;
  const legendW = legend.reduce((n, x) => n + Array.from(x.text).length, 0);
  // The legend's figures and the plan outcome wrap onto a second line rather than being cut.
  const legendLines = legendW + (outcome ? 9 + outcome.length : 0) <= width ? 1 : legendW <= width ? 2 : 3;
  const fixed = alerts.length + 1 /* bar */ + legendLines + 1 /* chart title */ + 2 /* axis+legend */;
  const topN = Math.max(0, Math.min(5, spenders.length, height - fixed - 4 - 1));
  const chartH = Math.max(2, height - fixed - (topN > 0 ? topN + 1 : 0));
  const chart = dailyChart(b, snap.period.days, width, chartH, g);

  const nameW = Math.max(8, width - 8 - 14 - 12 - 12 - 6);
  return (
    <Box flexDirection="column" flexShrink={0}>
      {alerts.map((a, i) => (
        <Plain key={i} text={a} token="warn" bold />
      ))}
      <Line segs={[{ text: "burn " }, ...burnBar(b, Math.max(10, width - 6), g)]} />
      {legendLines === 3 ? (
        <>
          <Line segs={legend.slice(0, 2)} />
          <Line segs={legend.slice(2)} />
        </>
      ) : (
        <Line segs={legend} />
      )}
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
          { text: `${g.budgetLine} budget per day`, token: "budget" },
        ]}
      />
      {topN > 0 ? (
        <Plain
          text={`${cell(filter ? `Top spenders "${filter}"` : "Top spenders", 8 + nameW)}${cell("owner", 14)}${cell(`so far ${cur}`, 12, "right")}${cell(`P50 ${cur}`, 12, "right")}${cell("share", 6, "right")}`}
          bold
        />
      ) : null}
      {spenders.slice(0, topN).map(({ vr, f }) => (
        <Plain
          key={vr.id}
          text={`${cell(vr.kind, 7)} ${cell(vr.name || vr.id, nameW)}${cell(vr.owner ?? "-", 14)}${cell(amount(f!.costSoFar), 12, "right")}${cell(amount(f!.monthEnd.p50), 12, "right")}${cell(percent(f!.monthEnd.p50, b.forecast.p50), 6, "right")}`}
        />
      ))}
    </Box>
  );
});
