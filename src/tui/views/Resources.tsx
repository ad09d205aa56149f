/**
 * Resources: the priority tree as a windowed table. Only the visible rows are rendered, and each row is memoised
 * on (row object, selected, layout), so a cursor move re-renders two rows, not ten thousand.
 */
import { memo, useMemo } from "react";
import { Box } from "ink";
import type { TreeRow, SortOrder } from "../tree.ts";
import { amount, cell } from "../format.ts";
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

/**
 * Column widths: figures are never cut (prio as wide as the widest prio, money up to 9999999.99), so on narrow
 * terminals whole columns go instead — first the id, then the owner and the cost so far.
 */
export function treeLayout(width: number, prioWidth = 5): TreeLayout {
  const narrow = width < 80;
  const fixed = { type: 5, prio: Math.max(5, prioWidth), cost: narrow ? 0 : 10, forecast: 10, state: 11 };
  const spaces = 2 + 7 - (narrow ? 2 : 0);
  const flex = Math.max(16, width - spaces - fixed.type - fixed.prio - fixed.cost - fixed.forecast - fixed.state);
  const id = narrow ? 0 : Math.min(44, Math.floor(flex * 0.4));
  const owner = narrow ? 0 : Math.min(30, Math.floor(flex * 0.27));
  return { ...fixed, id, owner, name: flex - id - owner };
}

/** Widest prio label among the rows, so the column shows every prio (or "untagged") whole. */
export function prioWidth(rows: TreeRow[]): number {
  let max = 0;
  for (const r of rows) if (r.prioLabel.length > max) max = r.prioLabel.length;
  return max;
}

function rowSegs(row: TreeRow, selected: boolean, l: TreeLayout, theme: Theme): Seg[] {
  const g = theme.glyphs;
  const expander = row.isGroup ? (row.expanded ? g.expanded : g.collapsed) : g.leaf;
  const indent = "  ".repeat(row.depth);
  const look = row.state ? planStateLook(theme, row.state) : undefined;
  const lead = indent + expander + " ";
  const main =
    (l.id ? `${cell(lead + row.vr.id, l.id, "left", g.ellipsis)} ` : "") +
    `${cell(row.vr.kind, l.type)} ` +
    `${cell((l.id ? "" : lead) + (row.vr.name || row.vr.id), l.name, "left", g.ellipsis)} ` +
    `${cell(row.prioLabel, l.prio, "right")} ` +
    (l.owner ? `${cell(row.vr.owner ?? "-", l.owner, "left", g.ellipsis)} ` : "") +
    (l.cost ? `${cell(amount(row.cost), l.cost, "right")} ` : "") +
    `${cell(amount(row.forecast), l.forecast, "right")} `;
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
  currency,
}: {
  rows: TreeRow[];
  cursor: number;
  width: number;
  height: number;
  filter: string;
  sort: SortOrder;
  total: number;
  currency: string;
}) {
  const theme = useTheme();
  const pw = useMemo(() => prioWidth(rows), [rows]);
  const layout = useMemo(() => treeLayout(width, pw), [width, pw]);
  const listH = Math.max(1, height - 2);
  const start = windowStart(cursor, listH, rows.length);
  const visible = rows.slice(start, start + listH);
  const arrow = sort.reverse ? (theme.ascii ? "^" : "↑") : theme.ascii ? "v" : "↓";
  const mark = (key: string, text: string, w: number, align: "left" | "right" = "left") =>
    cell(sort.key === key ? `${text}${arrow}` : text, w, align);
  const head =
    "  " +
    (layout.id ? `${cell("id", layout.id)} ` : "") +
    `${cell("type", layout.type)} ${mark("name", "name", layout.name)} ` +
    `${mark("prio", "prio", layout.prio, "right")} ` +
    (layout.owner ? `${cell("owner", layout.owner)} ` : "") +
    (layout.cost ? `${mark("cost", `cost ${currency}`, layout.cost, "right")} ` : "") +
    `${mark("forecast", `P50 ${currency}`, layout.forecast, "right")} ${cell("state", layout.state)}`;
  const info =
    `${rows.length === 0 ? 0 : start + 1}${theme.ascii ? "-" : "–"}${start + visible.length} of ${rows.length} rows (${total} resources)` +
    (filter ? `  filter: "${filter}"` : "") +
    `  sort: ${sort.key}${sort.reverse ? " reversed" : ""}`;
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Plain text={info} token="dim" />
      <Plain text={head} bold />
      {visible.length === 0 ? <Plain text={filter ? "  nothing matches the filter (Esc clears it)" : "  no resources"} token="dim" /> : null}
      {visible.map((r, i) => (
        <TreeRowLine key={r.id + ":" + r.depth} row={r} selected={start + i === cursor} layout={layout} />
      ))}
    </Box>
  );
});
