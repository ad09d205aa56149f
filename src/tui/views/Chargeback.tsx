/**
 * Chargeback: the ledger summary as principals × products, with the exporter's hour cursor and the share that
 * could not be attributed to anyone (UNALLOCATED). Money arrives as integer micro-units.
 */
import { memo, useMemo } from "react";
import { Box } from "ink";
import type { ChargebackSummary } from "../../engine/types.ts";
import { amount, cell, money, percent, zonedTime } from "../format.ts";
import { CONFLUENT_CURRENCY } from "../../format/index.ts";
import { Line, Plain, useTheme, windowStart } from "../components/Line.tsx";

export interface ChargebackMatrix {
  products: string[];
  rows: Array<{ principal: string; byProduct: Map<string, number>; total: number }>;
}

export function chargebackMatrix(cb: ChargebackSummary): ChargebackMatrix {
  const productTotals = new Map<string, number>();
  const byPrincipal = new Map<string, Map<string, number>>();
  for (const { principal, product, micros } of cb.byPrincipal) {
    productTotals.set(product, (productTotals.get(product) ?? 0) + micros);
    const m = byPrincipal.get(principal) ?? new Map<string, number>();
    m.set(product, (m.get(product) ?? 0) + micros);
    byPrincipal.set(principal, m);
  }
  const products = [...productTotals].sort((a, b) => b[1] - a[1]).map(([p]) => p);
  const rows = [...byPrincipal].map(([principal, byProduct]) => ({
    principal,
    byProduct,
    total: [...byProduct.values()].reduce((s, v) => s + v, 0),
  }));
  rows.sort((a, b) => b.total - a.total || a.principal.localeCompare(b.principal));
  return { products, rows };
}

/** Ledger micro-units as cents, like every other amount; the header names the currency (Confluent bills USD). */
const micro = (m: number) => amount(m / 1e6);

/** Principals matching the `/` filter. */
export function filterChargeback<T extends { principal: string }>(rows: T[], filter: string): T[] {
  const f = filter.trim().toLowerCase();
  return f ? rows.filter((r) => r.principal.toLowerCase().includes(f)) : rows;
}

export const Chargeback = memo(function Chargeback({
  cb,
  cursor,
  width,
  height,
  filter,
}: {
  cb: ChargebackSummary | undefined;
  cursor: number;
  width: number;
  height: number;
  filter: string;
}) {
  const theme = useTheme();
  const full = useMemo(() => (cb ? chargebackMatrix(cb) : undefined), [cb]);
  const matrix = useMemo(() => (full ? { ...full, rows: filterChargeback(full.rows, filter) } : undefined), [full, filter]);
  if (!cb || !matrix) {
    return (
      <Box flexDirection="column" flexShrink={0}>
        <Plain text="Chargeback is not configured or has no ledger yet (chargeback: in ot3c.yaml)." token="dim" />
      </Box>
    );
  }
  const colW = 11;
  const principalW = Math.max(14, Math.min(40, width - 2 - 3 * colW - 8));
  const fit = Math.max(1, Math.floor((width - 2 - principalW - colW - 7) / colW));
  const shown = matrix.products.slice(0, matrix.products.length > fit ? fit - 1 : fit);
  const hasOther = shown.length < matrix.products.length;
  const listH = Math.max(1, height - 4);
  const start = windowStart(cursor, listH, matrix.rows.length);
  const lag = cb.cursorHour !== undefined && cb.newestHour !== undefined ? Math.round((cb.newestHour - cb.cursorHour) / 3_600_000) : undefined;
  const unallocShare = percent(cb.unallocatedMicros, cb.totalMicros);
  const head =
    "  " + cell(`principal (${CONFLUENT_CURRENCY})${filter ? ` "${filter}"` : ""}`, principalW) + shown.map((p) => cell(p, colW, "right")).join("") + (hasOther ? cell("other", colW, "right") : "") + cell("total", colW, "right") + cell("share", 7, "right");
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Plain
        text={
          `hour cursor ${cb.cursorHour !== undefined ? zonedTime(cb.cursorHour, "UTC") : "—"}` +
          `  newest ${cb.newestHour !== undefined ? zonedTime(cb.newestHour, "UTC") : "—"}` +
          (lag !== undefined ? `  (${lag}h behind)` : "")
        }
      />
      <Line
        segs={[
          { text: `total ${money(cb.totalMicros / 1e6, CONFLUENT_CURRENCY)}  ` },
          { text: `UNALLOCATED ${money(cb.unallocatedMicros / 1e6, CONFLUENT_CURRENCY)} (${unallocShare})`, token: cb.unallocatedMicros > 0 ? "warn" : "ok", bold: true },
          { text: `  ${matrix.rows.length} principals × ${matrix.products.length} products`, token: "dim" },
        ]}
      />
      <Plain text={head} bold />
      {matrix.rows.slice(start, start + listH).map((r, i) => {
        const other = hasOther ? matrix.products.slice(shown.length).reduce((s, p) => s + (r.byProduct.get(p) ?? 0), 0) : 0;
        const selected = start + i === cursor;
        const text =
          cell(r.principal, principalW, "left", theme.glyphs.ellipsis) +
          shown.map((p) => cell(r.byProduct.has(p) ? micro(r.byProduct.get(p)!) : "·", colW, "right")).join("") +
          (hasOther ? cell(micro(other), colW, "right") : "") +
          cell(micro(r.total), colW, "right") +
          cell(percent(r.total, cb.totalMicros), 7, "right");
        return (
          <Line
            key={r.principal}
            segs={[
              selected ? { text: theme.glyphs.cursor + " ", token: "accent" } : { text: "  " },
              { text, inverse: selected, token: r.principal === "UNALLOCATED" ? "warn" : undefined },
            ]}
          />
        );
      })}
    </Box>
  );
});
