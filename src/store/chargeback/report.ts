/**
 * `chargeback show`: ledger totals per principal, per Kafka cluster and per product for a day range. The shape is
 * the documented `--output json|yaml` form; money appears both as integer micros and as a decimal string.
 */
import { CONFLUENT_CURRENCY, amount, money as fmtMoney } from "../../format/index.ts";
import { formatMicros } from "../../engine/chargeback/money.ts";
import { addDays } from "../../engine/chargeback/hours.ts";
import { ObjectsIndex } from "../../engine/chargeback/objects-index.ts";
import { UNALLOCATED } from "../../engine/chargeback/types.ts";
import type { ChargebackSummary } from "../../engine/types.ts";
import { HOUR_MS } from "../../engine/chargeback/types.ts";
import type { Ledger } from "./ledger.ts";

export interface Money {
  micros: number;
  amount: string;
}

export interface ChargebackReport {
  from?: string;
  /** Exclusive. */
  to?: string;
  days: number;
  total: Money;
  unallocated: Money;
  byPrincipal: Array<{ principal: string; usage: Money; shared: Money; total: Money }>;
  byCluster: Array<{ cluster: string; total: Money }>;
  byProduct: Array<{ product: string; lineType: string; total: Money }>;
}

/** byCluster key for org-wide rows (AUDIT_LOG, SUPPORT) that name no resource and no environment. */
export const ORG_WIDE = "(org-wide)";

const money = (micros: number): Money => ({ micros, amount: formatMicros(micros) });

export function chargebackReport(ledger: Ledger, from?: string, to?: string): ChargebackReport {
  // One pass over the stored rows (each holds its pieces as compact JSON): far cheaper than one SQL scan of the
  // json_each view per table when the ledger holds millions of pieces.
  const idx = new ObjectsIndex(ledger.objects());
  const principals = new Map<string, { usage: number; shared: number }>();
  const clusters = new Map<string, number>();
  const products = new Map<string, { product: string; lineType: string; micros: number }>();
  let total = 0;
  const rows = ledger.db
    .query("SELECT line_type, product, env_id, resource_id, amount_micros, pieces FROM billing_row WHERE day >= ? AND day < ?")
    .all(from ?? "0000-00-00", to ?? "9999-99-99") as Array<{ line_type: string; product: string; env_id: string; resource_id: string; amount_micros: number; pieces: string }>;
  for (const r of rows) {
    let rowTotal = 0;
    for (const [principal, costType, , micros] of JSON.parse(r.pieces) as Array<[string, string, string, number]>) {
      let e = principals.get(principal);
      if (!e) principals.set(principal, (e = { usage: 0, shared: 0 }));
      if (costType === "USAGE") e.usage += micros;
      else e.shared += micros;
      rowTotal += micros;
    }
    total += rowTotal;
    // Costs billed on connectors and ksqlDB belong to their Kafka cluster (v1's billing_details map).
    const id = r.resource_id;
    const cluster = id.startsWith("lcc-")
      ? (idx.connectors.get(id)?.clusterId ?? id)
      : id.startsWith("lksql")
        ? (idx.ksql.get(id)?.kafkaClusterId ?? id)
        : id || r.env_id || ORG_WIDE;
    clusters.set(cluster, (clusters.get(cluster) ?? 0) + rowTotal);
    const pk = `${r.product}|${r.line_type}`;
    const p = products.get(pk);
    if (p) p.micros += rowTotal;
    else products.set(pk, { product: r.product, lineType: r.line_type, micros: rowTotal });
  }
  const inRange = ledger.days().filter((d) => (!from || d.day >= from) && (!to || d.day < to));
  const un = principals.get(UNALLOCATED);
  return {
    from: from ?? inRange[0]?.day,
    to: to ?? (inRange.length ? addDays(inRange[inRange.length - 1]!.day, 1) : undefined),
    days: inRange.length,
    total: money(total),
    unallocated: money(un ? un.usage + un.shared : 0),
    byPrincipal: [...principals]
      .map(([principal, e]) => ({ principal, usage: money(e.usage), shared: money(e.shared), total: money(e.usage + e.shared) }))
      .sort((a, b) => b.total.micros - a.total.micros || a.principal.localeCompare(b.principal)),
    byCluster: [...clusters].map(([cluster, m]) => ({ cluster, total: money(m) })).sort((a, b) => b.total.micros - a.total.micros || a.cluster.localeCompare(b.cluster)),
    byProduct: [...products.values()]
      .map((p) => ({ product: p.product, lineType: p.lineType, total: money(p.micros) }))
      .sort((a, b) => b.total.micros - a.total.micros || a.lineType.localeCompare(b.lineType)),
  };
}

/**
 * People read cents with the currency, like every other amount (README "Time and money"); the exact micro-units stay
 * in the JSON/YAML document.
 */
export function reportText(r: ChargebackReport, by: "principal" | "cluster" | "product" | "all" = "all"): string {
  const c = (m: Money) => amount(m.micros / 1e6);
  const lines: string[] = [];
  const range = `${r.from ?? "?"} … ${r.to ?? "?"} (end exclusive), ${r.days} day(s)`;
  lines.push(`Confluent Cloud chargeback ${range}, amounts in ${CONFLUENT_CURRENCY}`);
  lines.push(`total ${fmtMoney(r.total.micros / 1e6, CONFLUENT_CURRENCY)}   unallocated ${fmtMoney(r.unallocated.micros / 1e6, CONFLUENT_CURRENCY)}`);
  // Text columns left-aligned, money right-aligned (the last `money` columns).
  const table = (title: string, head: string[], rows: string[][], money = 1) => {
    lines.push("", title);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const fmt = (row: string[]) => row.map((c, i) => (i < head.length - money ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
    lines.push(fmt(head), ...rows.map(fmt));
  };
  if (by === "all" || by === "principal")
    table("By principal", ["principal", "usage USD", "shared USD", "total USD"], r.byPrincipal.map((p) => [p.principal, c(p.usage), c(p.shared), c(p.total)]), 3);
  if (by === "all" || by === "cluster") table("By Kafka cluster / resource", ["cluster", "total USD"], r.byCluster.map((k) => [k.cluster, c(k.total)]));
  if (by === "all" || by === "product")
    table("By product", ["product", "line type", "total USD"], r.byProduct.map((p) => [p.product, p.lineType, c(p.total)]));
  return lines.join("\n") + "\n";
}

/** The engine snapshot's chargeback block (TUI, metrics): totals, UNALLOCATED, top principals × product. */
export function chargebackSummary(ledger: Ledger, top = 20): ChargebackSummary {
  const days = ledger.days();
  const cursor = ledger.cursor("metrics");
  const byPrincipal = ledger
    .totals(["principal", "product"])
    .slice(0, top)
    .map((r) => ({ principal: r.principal!, product: r.product!, micros: r.micros }));
  const unallocated = ledger.db.query("SELECT COALESCE(SUM(micros), 0) AS m FROM allocation WHERE principal = ?").get(UNALLOCATED) as { m: number };
  return {
    cursorHour: cursor?.hour,
    newestHour: days.length ? Date.parse(`${days[days.length - 1]!.day}T00:00:00Z`) + 24 * HOUR_MS - HOUR_MS : undefined,
    totalMicros: ledger.totals([])[0]?.micros ?? 0,
    unallocatedMicros: unallocated.m,
    byPrincipal,
  };
}
