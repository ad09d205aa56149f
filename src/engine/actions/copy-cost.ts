/**
 * What a safety copy costs while it exists, as a share of the storage cost of what it copies — the forecast and
 * the planner count it against a `snapshot-delete`'s saving. One place for the numbers:
 * - an RDS manual backup holds about 40 % of the instance's storage GB (compressed data; the simulator's figure);
 * - backup storage costs 0.03 EUR per GB-month (assumption: OTC publishes no separate price we could read; the
 *   simulator's `BACKUP_PRICE`), instance storage 0.16 EUR per GB-month (OTC price list, SSD / ultra-high I/O).
 * So a backup costs 0.4 × 0.03 / 0.16 = 7.5 % of the instance's daily storage cost, every day until it is removed
 * (ot3c never removes a copy; the retention listing tells people).
 */
export const BACKUP_SIZE_SHARE = 0.4;
export const BACKUP_PRICE_PER_GB_MONTH = 0.03;
export const RDS_STORAGE_PRICE_PER_GB_MONTH = 0.16;
export const COPY_COST_OF_STORAGE = (BACKUP_SIZE_SHARE * BACKUP_PRICE_PER_GB_MONTH) / RDS_STORAGE_PRICE_PER_GB_MONTH;
