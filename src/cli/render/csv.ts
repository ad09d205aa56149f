/**
 * `ot3c dump-data`: cost records as CSV (RFC 4180 quoting: comma separator, lines end in `\n`, fields quoted when
 * they contain a comma, a quote or a line break, quotes doubled). The seed wrote no header; we write one so the
 * file is self-describing. Amounts are written at full precision (no rounding: the file is raw data).
 */
import type { CostRecord } from "../../engine/types.ts";

export const COST_CSV_COLUMNS = ["date", "resource_id", "product", "amount", "consumption_type", "project_id", "project_name", "region"] as const;

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return "";
  const s = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function costCsvLine(r: CostRecord): string {
  return [r.date, r.resourceId, r.product, r.amount, r.consumptionType, r.projectId, r.projectName, r.region].map(csvField).join(",");
}

/** Stable order: by date, then resource, then product. */
export function sortCostRecords(records: CostRecord[]): CostRecord[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return records.slice().sort((a, b) => cmp(a.date, b.date) || cmp(a.resourceId, b.resourceId) || cmp(a.product, b.product));
}

/**
 * Writes the header and one line per record through `write`, in chunks of about `chunkChars` characters, so a
 * dump of millions of records never becomes one giant string.
 */
export function writeCostsCsv(records: Iterable<CostRecord>, write: (chunk: string) => void, chunkChars = 1 << 16): number {
  let buf = COST_CSV_COLUMNS.join(",") + "\n";
  let n = 0;
  for (const r of records) {
    buf += costCsvLine(r) + "\n";
    n++;
    if (buf.length >= chunkChars) {
      write(buf);
      buf = "";
    }
  }
  if (buf.length > 0) write(buf);
  return n;
}
