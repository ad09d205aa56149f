/**
 * Resources: the priority tree as a windowed table. Only the visible rows are rendered, and each row is memoised
 * on (row object, selected, layout), so a cursor move re-renders two rows, not ten thousand.
 */
import { memo, useMemo } from "react";
import { Box } from "ink";
import type { TreeRow, SortOrder } from "../tree.ts";
import { cell, moneyShort } from "../format.ts";
import { planStateLook, type Theme } from "../theme.ts";
import { Line, Plain, useTheme, windowStart, type Seg } from "../components/Line.tsx";

export interface TreeLayout {
  id: number;
  type: number;
  name: number;
  prio: number;
  owner: number;
  cost: number;
  forecast: number;
  state: number;
}

export function treeLayout(width: number): TreeLayout {
  const fixed = { type: 5, prio: 5, cost: 8, forecast: 8, state: 11 };
  const spaces = 7 + 2;
  const flex = Math.max(24, width - spaces - fixed.type - fixed.prio - fixed.cost - fixed.forecast - fixed.state);
  const id = Math.min(44, Math.floor(flex * 0.4));
  const owner = Math.min(30, Math.floor(flex * 0.27));
  return { ...fixed, id, owner, name: flex - id - owner };
}

export function prioText(p: number): string {
  if (p >= 1e9) return `${(p / 1e9).toFixed(1)}G`;
  if (p >= 1e6) return `${Math.round(p / 1e6)}M`;
  if (p >= 1e5) return `${Math.round(p / 1e3)}k`;
  return String(p);
}

function rowSegs(row: TreeRow, selected: boolean, l: TreeLayout, theme: Theme): Seg[] {
  const g = theme.glyphs;
  const expander = row.isGroup ? (row.expanded ? g.expanded : g.collapsed) : g.leaf;
  const indent = "  ".repeat(row.depth);
  const look = row.state ? planStateLook(theme, row.state) : undefined;
  const main =
    `${cell(indent + expander + " " + row.vr.id, l.id, "left", g.ellipsis)} ` +
    `${cell(row.vr.kind, l.type)} ` +
    `${cell(row.vr.name, l.name, "left", g.ellipsis)} ` +
    `${cell(prioText(row.vr.prio), l.prio, "right")} ` +
    `${cell(row.vr.owner ?? "-", l.owner, "left", g.ellipsis)} ` +
    `${cell(moneyShort(row.cost), l.cost, "right")} ` +
    `${cell(moneyShort(row.forecast), l.forecast, "right")} `;
  return [
    selected ? { text: g.cursor + " ", token: "accent", bold: true } : { text: "  " },
    { text: main, inverse: selected, bold: row.isGroup },
    { text: cell(look ? `${look.glyph} ${look.word}` : "-", l.state), token: look?.token, inverse: selected },
  ];
}

const TreeRowLine = memo(function TreeRowLine({ row, selected, layout }: { row: TreeRow; selected: boolean; layout: TreeLayout }) {
  const theme = useTheme();
  return <Line segs={rowSegs(row, selected, layout, theme)} />;
});

export const Resources = memo(function Resources({
  rows,
  cursor,
  width,
  height,
  filter,
  sort,
  total,
}: {
  rows: TreeRow[];
  cursor: number;
  width: number;
  height: number;
  filter: string;
  sort: SortOrder;
  total: number;
}) {
  const theme = useTheme();
  const layout = useMemo(() => treeLayout(width), [width]);
  const listH = Math.max(1, height - 2);
  const start = windowStart(cursor, listH, rows.length);
  const visible = rows.slice(start, start + listH);
  const arrow = sort.reverse ? (theme.ascii ? "^" : "↑") : theme.ascii ? "v" : "↓";
  const mark = (key: string, text: string, w: number, align: "left" | "right" = "left") =>
    cell(sort.key === key ? `${text}${arrow}` : text, w, align);
  const head =
    "  " +
    `${cell("id", layout.id)} ${cell("type", layout.type)} ${mark("name", "name", layout.name)} ` +
    `${mark("prio", "prio", layout.prio, "right")} ${cell("owner", layout.owner)} ${mark("cost", "cost", layout.cost, "right")} ` +
    `${mark("forecast", "P50", layout.forecast, "right")} ${cell("state", layout.state)}`;
  const info =
    `${rows.length === 0 ? 0 : start + 1}${theme.ascii ? "-" : "–"}${start + visible.length} of ${rows.length} rows (${total} resources)` +
    (filter ? `  filter: "${filter}"` : "") +
    `  sort: ${sort.key}${sort.reverse ? " reversed" : ""}`;
  return (
    <Box flexDirection="column" height={height}>
      <Plain text={info} token="dim" />
      <Plain text={head} bold />
      {visible.length === 0 ? <Plain text={filter ? "  nothing matches the filter (Esc clears it)" : "  no resources"} token="dim" /> : null}
      {visible.map((r, i) => (
        <TreeRowLine key={r.id + ":" + r.depth} row={r} selected={start + i === cursor} layout={layout} />
      ))}
    </Box>
  );
});
