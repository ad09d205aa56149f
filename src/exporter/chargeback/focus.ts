/**
 * FOCUS 1.2 CSV of the ledger: one line per allocated piece (billing row × day × principal × cost type × reason),
 * with the mandatory FOCUS columns and `x_`-prefixed extras for the allocation (principal, cost type, reason).
 * The Costs API carries no currency; Confluent Cloud bills in USD, so BillingCurrency is USD.
 */
import { formatMicros } from "../../engine/chargeback/money.ts";
import { addDays } from "../../engine/chargeback/hours.ts";
import type { AllocationPiece, BillingRow } from "../../engine/chargeback/types.ts";
import type { Ledger } from "../../store/chargeback/ledger.ts";

export const FOCUS_COLUMNS = [
  "BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity", "PricingUnit", "ConsumedQuantity", "ConsumedUnit",
  "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodStart", "BillingPeriodEnd",
  "ChargePeriodStart", "ChargePeriodEnd", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
  "InvoiceIssuerName", "ProviderName", "PublisherName", "ServiceName", "ServiceCategory",
  "ResourceId", "ResourceName", "ResourceType", "SubAccountId", "SubAccountName", "SkuId", "Tags",
  "x_Principal", "x_CostType", "x_AllocationReason", "x_LineType", "x_Product", "x_BillingRowId",
] as const;

const SERVICE_CATEGORY: Record<string, string> = {
  KAFKA: "Integration", CONNECT: "Integration", CUSTOM_CONNECT: "Integration", CLUSTER_LINK: "Integration",
  KSQL: "Analytics", FLINK: "Analytics", TABLEFLOW: "Analytics",
  STREAM_GOVERNANCE: "Management and Governance", AUDIT_LOG: "Management and Governance", SUPPORT: "Other",
};

const RESOURCE_TYPE: Array<[string, string]> = [
  ["lkc-", "Kafka Cluster"], ["lcc-", "Connector"], ["lksqlc-", "ksqlDB Cluster"], ["lsrc-", "Schema Registry"],
  ["lfcp-", "Flink Compute Pool"], ["env-", "Environment"],
];

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** piece × part / whole without floats (for ListCost and quantities). */
function proRata(whole: number, piece: number, amount: number): number {
  if (amount === 0) return 0;
  return Number((BigInt(whole) * BigInt(piece)) / BigInt(amount));
}

function monthBounds(day: string): [string, string] {
  const start = `${day.slice(0, 7)}-01`;
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return [`${start}T00:00:00Z`, `${d.toISOString().slice(0, 10)}T00:00:00Z`];
}

export function focusLine(p: AllocationPiece, row: BillingRow | undefined): string {
  const [bpStart, bpEnd] = monthBounds(p.day);
  const amount = row?.amountMicros ?? p.micros;
  const quantity = row ? (row.quantity * p.micros) / (amount || 1) : 0;
  const resourceType = RESOURCE_TYPE.find(([prefix]) => p.resourceId.startsWith(prefix))?.[1] ?? "";
  const fields = [
    formatMicros(p.micros),
    formatMicros(p.micros),
    formatMicros(row ? proRata(row.originalAmountMicros, p.micros, amount) : p.micros),
    formatMicros(p.micros),
    quantity.toFixed(6),
    row?.unit ?? "",
    quantity.toFixed(6),
    row?.unit ?? "",
    "confluent-cloud",
    "Confluent Cloud",
    "USD",
    bpStart,
    bpEnd,
    `${p.day}T00:00:00Z`,
    `${addDays(p.day, 1)}T00:00:00Z`,
    p.micros < 0 ? "Credit" : "Usage",
    "",
    `${p.product} ${p.lineType}`,
    "Usage-Based",
    "Confluent",
    "Confluent",
    "Confluent",
    p.product,
    SERVICE_CATEGORY[p.product] ?? "Other",
    p.resourceId,
    row?.resourceName ?? "",
    resourceType,
    p.envId,
    p.envId,
    p.lineType,
    JSON.stringify({ principal: p.principal }),
    p.principal,
    p.costType,
    p.reason,
    p.lineType,
    p.product,
    p.rowKey,
  ];
  return fields.map((f) => csvField(String(f))).join(",") + "\n";
}

/** Writes the CSV for [fromDay, toDay) through `write`; returns the number of data lines. */
export function writeFocusCsv(ledger: Ledger, fromDay: string | undefined, toDay: string | undefined, write: (chunk: string) => void): number {
  write(FOCUS_COLUMNS.join(",") + "\n");
  let n = 0;
  let currentDay = "";
  let rows = new Map<string, BillingRow>();
  let chunk = "";
  for (const p of ledger.pieces(fromDay, toDay)) {
    if (p.day !== currentDay) {
      currentDay = p.day;
      rows = new Map(ledger.rowsForDay(p.day).map((r) => [r.key, r]));
    }
    chunk += focusLine(p, rows.get(p.rowKey));
    n++;
    if (chunk.length > 1 << 20) {
      write(chunk);
      chunk = "";
    }
  }
  if (chunk) write(chunk);
  return n;
}
