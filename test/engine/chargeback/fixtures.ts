/** Small builders for chargeback engine tests. */
import type { BillingRow, ChargebackObjects } from "../../../src/engine/chargeback/types.ts";

export const T0 = Date.parse("2026-03-10T00:00:00Z");
export const H = 3_600_000;

export function row(partial: Partial<BillingRow> & { lineType: string; amountMicros: number }): BillingRow {
  return {
    key: partial.key ?? `${partial.lineType}-${partial.resourceId ?? "lkc-1"}-${partial.startDate ?? "2026-03-10"}`,
    startDate: "2026-03-10",
    endDate: "2026-03-11",
    product: "KAFKA",
    resourceId: "lkc-1",
    resourceName: "cluster one",
    envId: "env-1",
    originalAmountMicros: partial.amountMicros,
    discountMicros: 0,
    quantity: 1,
    price: 0,
    unit: "Hour",
    ...partial,
  };
}

export function objects(partial: Partial<ChargebackObjects> = {}): ChargebackObjects {
  return {
    environments: [{ id: "env-1", envId: "env-1" }],
    clusters: [{ id: "lkc-1", envId: "env-1", displayName: "cluster one" }],
    identities: [
      { id: "sa-a", kind: "service-account", displayName: "a" },
      { id: "sa-b", kind: "service-account", displayName: "b" },
      { id: "u-c", kind: "user", displayName: "c" },
    ],
    apiKeys: [
      { id: "KEYA", ownerId: "sa-a", resourceId: "lkc-1" },
      { id: "KEYB", ownerId: "sa-b", resourceId: "lkc-1" },
    ],
    connectors: [],
    ksqlClusters: [],
    schemaRegistries: [],
    flinkPools: [],
    ...partial,
  };
}

export function sumBy<T>(items: T[], key: (t: T) => string, value: (t: T) => number): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + value(i));
  return m;
}
