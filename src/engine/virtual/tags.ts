/**
 * Reading the seed's resource tags (`ot3c_prio`, `ot3c_group`, `ot3c_owner`, `ot3c_instance`) and classifying
 * products for stop savings. Pure functions, no inventory knowledge.
 */
import type { CostRecord } from "../types.ts";

export const TAG_PRIO = "ot3c_prio";
export const TAG_GROUP = "ot3c_group";
export const TAG_OWNER = "ot3c_owner";
export const TAG_INSTANCE = "ot3c_instance";

export const MAX_PRIO = 2_147_483_647;

export interface ParsedPrio {
  /** False when the resource carries no `ot3c_prio` tag at all: ot3c does not manage it. */
  managed: boolean;
  prio: number;
  /** Set when the tag exists but is not a usable priority. */
  note?: string;
}

/**
 * `ot3c_prio`: an integer 0…2147483647, lower = more important, 0 = never terminated. Anything else (text,
 * negative, fractional, out of range) is treated as 0 — the safe reading of a tag someone meant to set — and the
 * reason is kept so `list` can show it.
 */
export function parsePrio(tags: Record<string, string>): ParsedPrio {
  if (!Object.prototype.hasOwnProperty.call(tags, TAG_PRIO)) {
    return { managed: false, prio: 0, note: "no ot3c_prio tag: unmanaged, its spend is baseline" };
  }
  const raw = String(tags[TAG_PRIO]).trim();
  if (!/^\d+$/.test(raw) || Number(raw) > MAX_PRIO) {
    return {
      managed: true,
      prio: 0,
      note: `ot3c_prio ${JSON.stringify(tags[TAG_PRIO])} is not an integer 0..${MAX_PRIO}: treated as 0 (never terminated)`,
    };
  }
  return { managed: true, prio: Number(raw) };
}

/** A non-empty `ot3c_group` value, else undefined. */
export function groupTag(tags: Record<string, string>): string | undefined {
  const g = tags[TAG_GROUP];
  return g !== undefined && String(g).trim() !== "" ? String(g) : undefined;
}

export function ownerTag(tags: Record<string, string>): string | undefined {
  const o = tags[TAG_OWNER];
  return o !== undefined && String(o).trim() !== "" ? String(o).trim() : undefined;
}

/**
 * Products that keep billing while a server or database is stopped: volumes, RDS storage, backups, snapshots.
 * OTC product codes look like `OTC_EVS_SSD`, `OTC_RDS_ST_SSD`, `OTC_CBR_…`.
 */
const STORAGE_PRODUCT = /(^|_)(ST|EVS|VOLUME|VOL|DISK|STORAGE|BACKUP|BKP|SNAP|SNAPSHOT|CBR|CSBS|VBS|OBS)(_|$)/i;

export function isStorageProduct(product: string): boolean {
  return STORAGE_PRODUCT.test(product);
}

/**
 * Fraction of a resource's cost that a stop ends: the non-storage share of its records (by amount). With no
 * records we assume everything is compute (nothing to stop anyway: the forecast is zero).
 */
export function computeShare(records: CostRecord[] | undefined): number {
  if (!records || records.length === 0) return 1;
  let total = 0;
  let storage = 0;
  for (const r of records) {
    total += r.amount;
    if (isStorageProduct(r.product)) storage += r.amount;
  }
  return shareFromTotals(total, storage);
}

/** The share of `total` that is not storage, in 0..1; 1 (all of it) when nothing was spent. */
export function shareFromTotals(total: number, storage: number): number {
  if (total <= 0) return 1;
  return Math.max(0, Math.min(1, (total - storage) / total));
}

/**
 * The seed's ghost product token: the 2nd `_`-separated token of the product (`OTC_D24XL8_LI` → `D24XL8`). The
 * seed panicked on products without `_`; we use the whole product then (and `UNKNOWN` for an empty one).
 */
export function ghostProductToken(product: string): string {
  const parts = product.split("_");
  if (parts.length >= 2 && parts[1] !== "") return parts[1];
  return product !== "" ? product : "UNKNOWN";
}
