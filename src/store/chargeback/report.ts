/**
 * `chargeback show`: ledger totals per principal, per Kafka cluster and per product for a day range. The shape is
 * the documented `--output json|yaml` form; money appears both as integer micros and as a decimal string.
 */
import { formatMicros } from "../../engine/chargeback/money.ts";
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

const money = (micros: number): Money => ({ micros, amount: formatMicros(micros) });

export function chargebackReport(ledger: Ledger, from?: string, to?: string): ChargebackReport {
  const total = ledger.totals([], from, to)[0]?.micros ?? 0;
  const byPrincipalType = ledger.totals(["principal", "cost_type"], from, to);
  const principals = new Map<string, { usage: number; shared: number }>();
  for (const r of byPrincipalType) {
    const e = principals.get(r.principal!) ?? { usage: 0, shared: 0 };
    if (r.cost_type === "USAGE") e.usage += r.micros;
    else e.shared += r.micros;
    principals.set(r.principal!, e);
  }
  // Costs billed on connectors, ksqlDB and Schema Registry belong to a Kafka cluster too (v1's billing_details map).
  const idx = new ObjectsIndex(ledger.objects());
  const clusters = new Map<string, number>();
  for (const r of ledger.totals(["resource_id", "env_id"], from, to)) {
    const id = r.resource_id!;
    const cluster = id.startsWith("lcc-")
      ? (idx.connectors.get(id)?.clusterId ?? id)
      : id.startsWith("lksql")
        ? (idx.ksql.get(id)?.kafkaClusterId ?? id)
        : id || r.env_id || UNALLOCATED;
    clusters.set(cluster, (clusters.get(cluster) ?? 0) + r.micros);
  }
  const days = ledger.days().filter((d) => (!from || d.day >= from) && (!to || d.day < to)).length;
  return {
    from,
    to,
    days,
    total: money(total),
    unallocated: money(principals.get(UNALLOCATED) ? principals.get(UNALLOCATED)!.usage + principals.get(UNALLOCATED)!.shared : 0),
    byPrincipal: [...principals]
      .map(([principal, e]) => ({ principal, usage: money(e.usage), shared: money(e.shared), total: money(e.usage + e.shared) }))
      .sort((a, b) => b.total.micros - a.total.micros || a.principal.localeCompare(b.principal)),
    byCluster: [...clusters].map(([cluster, m]) => ({ cluster, total: money(m) })).sort((a, b) => b.total.micros - a.total.micros || a.cluster.localeCompare(b.cluster)),
    byProduct: ledger
      .totals(["product", "line_type"], from, to)
      .map((r) => ({ product: r.product!, lineType: r.line_type!, total: money(r.micros) })),
  };
}

export function reportText(r: ChargebackReport, by: "principal" | "cluster" | "product" | "all" = "all"): string {
  const lines: string[] = [];
  const range = `${r.from ?? "first day"} … ${r.to ?? "last day"} (end exclusive), ${r.days} day(s)`;
  lines.push(`Confluent Cloud chargeback ${range}`);
  lines.push(`total ${r.total.amount}   unallocated ${r.unallocated.amount}`);
  const table = (title: string, head: string[], rows: string[][]) => {
    lines.push("", title);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const fmt = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
    lines.push(fmt(head), ...rows.map(fmt));
  };
  if (by === "all" || by === "principal")
    table("By principal", ["principal", "usage", "shared", "total"], r.byPrincipal.map((p) => [p.principal, p.usage.amount, p.shared.amount, p.total.amount]));
  if (by === "all" || by === "cluster") table("By Kafka cluster / resource", ["cluster", "total"], r.byCluster.map((c) => [c.cluster, c.total.amount]));
  if (by === "all" || by === "product")
    table("By product", ["product", "line type", "total"], r.byProduct.map((p) => [p.product, p.lineType, p.total.amount]));
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
