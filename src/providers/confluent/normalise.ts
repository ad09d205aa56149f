/**
 * Wire objects → chargeback engine shapes. Owner resolution for connectors follows v1 (reference §2): the auth mode
 * from `kafka.auth.mode` (or guessed from which property is present); an API key maps to its owner, a masked key
 * (all `*`) or an unknown key cannot be mapped; a service account id is the owner.
 */
import { createHash } from "node:crypto";
import { toMicros } from "../../engine/chargeback/money.ts";
import type { ApiKey, BillingRow, Connector } from "../../engine/chargeback/types.ts";
import type { ObjectMeta, WireConnectorExpanded, WireCost } from "./wire.ts";

export function parseTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

export function lifetime(meta: ObjectMeta | undefined): { createdAt?: number; deletedAt?: number } {
  return { createdAt: parseTime(meta?.created_at), deletedAt: parseTime(meta?.deleted_at) };
}

const DAY = 86_400_000;
const utcDay = (ms: number) => new Date(Math.floor(ms / DAY) * DAY).toISOString().slice(0, 10);

/**
 * `start_date`/`end_date` as UTC bounds. A plain date (or UTC midnight) stays a date; a value with a time of day or
 * an offset keeps its exact instant, and its date becomes the UTC day of that instant — never the string's prefix,
 * which for `2026-05-01T00:00:00+02:00` would be a day late.
 */
function rowBounds(startText: string, endText: string): Pick<BillingRow, "startDate" | "endDate" | "startMs" | "endMs"> {
  const start = Date.parse(startText);
  const end = Date.parse(endText);
  if (Number.isNaN(start) || Number.isNaN(end)) return { startDate: startText.slice(0, 10), endDate: endText.slice(0, 10) };
  const exact = start % DAY !== 0 || end % DAY !== 0;
  return {
    startDate: utcDay(start),
    // Exclusive: the day after the one holding the last instant of the row.
    endDate: end % DAY === 0 ? utcDay(end) : utcDay(end + DAY),
    ...(exact ? { startMs: start, endMs: end } : {}),
  };
}

/** A Costs row → BillingRow; missing fields get neutral defaults (never a crash, never a dropped row). */
export function costToRow(c: WireCost): BillingRow {
  const amountMicros = toMicros(c.amount);
  const originalAmountMicros = c.original_amount === undefined ? amountMicros : toMicros(c.original_amount);
  const row: Omit<BillingRow, "key"> = {
    ...rowBounds(String(c.start_date ?? ""), String(c.end_date ?? "")),
    product: c.product ?? "UNKNOWN",
    lineType: c.line_type ?? "UNKNOWN",
    resourceId: c.resource?.id ?? "",
    resourceName: c.resource?.display_name ?? "",
    envId: c.resource?.environment?.id ?? "",
    amountMicros,
    originalAmountMicros,
    discountMicros: c.discount_amount === undefined ? originalAmountMicros - amountMicros : toMicros(c.discount_amount),
    quantity: c.quantity ?? 1,
    price: c.price ?? 0,
    unit: c.unit ?? "",
    networkAccessType: c.network_access_type,
    description: c.description,
  };
  return { key: c.id ?? rowKey(row, c.tier_dimensions), ...row };
}

/** Rows without an `id` are keyed by what identifies them (not by amount, so a restatement replaces the row). */
function rowKey(r: Omit<BillingRow, "key">, tiers: unknown): string {
  const ident = [r.startMs ?? r.startDate, r.endMs ?? r.endDate, r.product, r.lineType, r.resourceId, r.envId, r.networkAccessType ?? "", r.unit, r.price, JSON.stringify(tiers ?? null)];
  return "h-" + createHash("sha1").update(ident.join("|")).digest("hex").slice(0, 20);
}

/** Resolves the principal a connector runs as (reference §2). */
export function connectorOwner(
  config: Record<string, string>,
  keys: Map<string, ApiKey>,
): { ownerId?: string; problem?: string } {
  let mode = (config["kafka.auth.mode"] ?? "").toUpperCase();
  if (!mode) mode = config["kafka.api.key"] ? "KAFKA_API_KEY" : config["kafka.service.account.id"] ? "SERVICE_ACCOUNT" : "";
  if (mode === "KAFKA_API_KEY") {
    const key = config["kafka.api.key"] ?? "";
    if (!key || /^\*+$/.test(key)) return { problem: "connector_api_key_masked" };
    const owner = keys.get(key)?.ownerId;
    return owner ? { ownerId: owner } : { problem: "connector_api_key_cannot_be_mapped" };
  }
  if (mode === "SERVICE_ACCOUNT") {
    const sa = config["kafka.service.account.id"];
    return sa ? { ownerId: sa } : { problem: "connector_service_account_missing" };
  }
  return { problem: "connector_auth_mode_unknown" };
}

export function connectorFrom(
  envId: string,
  clusterId: string,
  name: string,
  c: WireConnectorExpanded,
  keys: Map<string, ApiKey>,
): Connector {
  const { ownerId, problem } = connectorOwner(c.info?.config ?? {}, keys);
  return { id: c.id?.id ?? name, name: c.info?.name ?? name, envId, clusterId, ownerId, ownerProblem: problem };
}
