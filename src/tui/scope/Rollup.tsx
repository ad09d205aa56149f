/** The roll-up of every budget (issue #18): spent, P50, target, status — one line each, the selected one marked and shown. */
import { memo } from "react";
import { Box } from "ink";
import type { BudgetScopeState } from "../../engine/types.ts";
import { amount, cell } from "../format.ts";
import { Line, Plain, useTheme, type Seg } from "../components/Line.tsx";

const STATUS_TOKEN = { OK: "ok", AT_RISK: "warn", OVER: "danger" } as const;

export function rollupLayout(width: number): { name: number; money: number; status: number } {
  const money = width >= 100 ? 12 : 10;
  const status = width >= 100 ? 24 : 8;
  return { name: Math.max(8, width - 2 - 3 * (money + 1) - status - 1), money, status };
}

export const Rollup = memo(function Rollup({ budgets, selected, width, rows, currency }: { budgets: BudgetScopeState[]; selected?: string; width: number; rows: number; currency: string }) {
  const theme = useTheme();
  if (rows < 2 || budgets.length === 0) return null;
  const l = rollupLayout(width);
  // The selected budget is always among the rows shown: the list scrolls to it when it lies below them.
  const at = budgets.findIndex((b) => b.name === selected);
  const start = at >= rows - 1 ? at - (rows - 2) : 0;
  const shown = budgets.slice(start, start + rows - 1);
  const hidden = budgets.length - shown.length;
  const head = `  ${cell(hidden > 0 ? `budget (+${hidden} more)` : "budget", l.name)} ${cell(`spent ${currency}`, l.money, "right")} ${cell(`P50 ${currency}`, l.money, "right")} ${cell(`target ${currency}`, l.money, "right")} ${cell("status", l.status)}`;
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Plain text={head} bold />
      {shown.map((b) => {
        const mark = b.name === selected;
        const indent = b.within && b.within.length > 0 ? "  ".repeat(Math.min(2, b.within.length)) : "";
        const status = l.status >= 20 && b.baselineExceedsBudget ? `${b.status} baseline>target` : l.status >= 20 && b.uncovered > 0 ? `${b.status} ${amount(b.uncovered)} open` : b.status;
        const segs: Seg[] = [
          { text: mark ? `${theme.glyphs.cursor} ` : "  ", token: "accent", bold: mark },
          { text: `${cell(indent + b.name, l.name, "left", theme.glyphs.ellipsis)} ${cell(amount(b.spent), l.money, "right")} ${cell(amount(b.forecast.p50), l.money, "right")} ${cell(amount(b.target), l.money, "right")} `, bold: mark },
          { text: cell(status, l.status), token: STATUS_TOKEN[b.status] },
        ];
        return <Line key={b.name} segs={segs} />;
      })}
    </Box>
  );
});
