/**
 * One chargeback sync: costs → objects → (only for new or changed days) usage → allocation → ledger.
 *
 * Incremental: each day keeps a hash of the billing rows that touch it. Days older than `cutoff-days` that are
 * already stored are final and not fetched again; younger days (the API restates up to 72 h late) are fetched on
 * every sync and recomputed only when their hash changed. `full` refetches the whole lookback.
 */
import { createHash } from "node:crypto";
import { Allocator } from "../../engine/chargeback/allocate.ts";
import { addDays, dayOf, daysBetween, rowPeriod, segmentsForDay } from "../../engine/chargeback/hours.ts";
import { ObjectsIndex } from "../../engine/chargeback/objects-index.ts";
import type { BillingRow, ChargebackObjects, UsageSample } from "../../engine/chargeback/types.ts";
import { DAY_MS } from "../../engine/chargeback/types.ts";
import type { Ledger } from "./ledger.ts";

/** Where the data comes from (Confluent + Prometheus in production, the simulator in tests). */
export interface ChargebackSource {
  /** Cost rows whose start_date is in [fromDay, toDay). */
  costs(fromDay: string, toDay: string): Promise<BillingRow[]>;
  objects(): Promise<ChargebackObjects>;
  /** Hourly usage for hours in [fromMs, toMs). */
  usage(fromMs: number, toMs: number): Promise<UsageSample[]>;
}

export interface SyncOptions {
  now: number;
  lookbackDays: number;
  cutoffDays: number;
  ckuUsageRatio: number;
  full?: boolean;
  /** Days allocated per batch (bounds memory: usage of one batch is held at a time). */
  batchDays?: number;
  /** Force a full garbage collection after a batch when RSS is above this (default 256 MiB). */
  gcAboveBytes?: number;
  log?: (msg: string) => void;
}

export interface SyncResult {
  fetchedFrom: string;
  fetchedTo: string;
  rowsFetched: number;
  daysChecked: number;
  daysRecomputed: string[];
  piecesWritten: number;
  usageSamples: number;
  /** Where the time went (ms). */
  timings: { costsAndObjects: number; usage: number; allocate: number; write: number; gc: number };
}

const yieldToIo = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Two rows with the same key (no API `id` and the same identifying fields, or a repeated id) are both real charges:
 * the later ones get `#2`, `#3`, … in response order instead of being dropped as duplicates.
 */
export function uniqueKeys(rows: BillingRow[]): BillingRow[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const n = (seen.get(r.key) ?? 0) + 1;
    seen.set(r.key, n);
    return n === 1 ? r : { ...r, key: `${r.key}#${n}` };
  });
}

export function hashRows(rows: BillingRow[]): string {
  const h = createHash("sha256");
  for (const r of [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) h.update(JSON.stringify(r)).update("\n");
  return h.digest("hex");
}

/** Contiguous runs of days, e.g. ["d1","d2","d5"] → [["d1","d2"],["d5"]], cut at `max` days. */
function runs(days: string[], max: number): string[][] {
  const out: string[][] = [];
  for (const d of [...days].sort()) {
    const last = out[out.length - 1];
    if (last && last.length < max && addDays(last[last.length - 1]!, 1) === d) last.push(d);
    else out.push([d]);
  }
  return out;
}

export async function syncChargeback(ledger: Ledger, source: ChargebackSource, o: SyncOptions): Promise<SyncResult> {
  const log = o.log ?? (() => {});
  const today = dayOf(o.now);
  // The Costs API serves at most one year back; asking for more would fail the first request.
  const lookback = Math.min(o.lookbackDays, 365);
  if (lookback < o.lookbackDays) log(`lookback-days ${o.lookbackDays} exceeds the Costs API's one year; using 365`);
  const windowStart = addDays(today, -lookback);
  const finalBefore = addDays(today, -o.cutoffDays);
  const stored = new Map(ledger.days().map((d) => [d.day, d]));

  // Fetch from the first day that is not final and stored.
  let fetchFrom = today;
  for (const d of daysBetween(windowStart, today)) {
    if (o.full || !stored.has(d) || d >= finalBefore) {
      fetchFrom = d;
      break;
    }
  }
  const timings = { costsAndObjects: 0, usage: 0, allocate: 0, write: 0, gc: 0 };
  const result: SyncResult = { fetchedFrom: fetchFrom, fetchedTo: today, rowsFetched: 0, daysChecked: 0, daysRecomputed: [], piecesWritten: 0, usageSamples: 0, timings };
  let t = performance.now();
  const lap = (k: keyof typeof timings) => {
    const n = performance.now();
    timings[k] += n - t;
    t = n;
  };
  if (fetchFrom >= today) return result;

  const [raw, objects] = await Promise.all([source.costs(fetchFrom, today), source.objects()]);
  const fetched = uniqueKeys(raw);
  result.rowsFetched = fetched.length;
  ledger.mergeObjects(objects, o.now);
  lap("costsAndObjects");
  log(`fetched ${fetched.length} cost rows for ${fetchFrom}..${today}`);

  // Rows per day (a multi-day row under each of its days). Rows that started before the fetch window cannot have
  // been restated by this fetch, so the stored ones are carried over.
  // Only rows are kept per day (segments are cut again when the day is allocated: holding 24-hour arrays for every
  // row of a 200-day lookback costs more memory than recomputing them).
  const byDay = new Map<string, Map<string, BillingRow>>();
  const add = (row: BillingRow) => {
    const { start, end } = rowPeriod(row);
    // From the midnight of the first day: a row starting at 23:00 also covers the hours of the next day.
    for (let t = Math.floor(Math.max(start, Date.parse(`${fetchFrom}T00:00:00Z`)) / DAY_MS) * DAY_MS; t < end; t += DAY_MS) {
      const day = dayOf(t);
      if (day >= today) break;
      let m = byDay.get(day);
      if (!m) byDay.set(day, (m = new Map()));
      if (!m.has(row.key)) m.set(row.key, row);
    }
  };
  for (const row of fetched) add(row);
  for (const d of daysBetween(fetchFrom, today)) {
    for (const row of ledger.rowsForDay(d)) if (row.startDate < fetchFrom) add(row);
  }

  log(`grouped rows into ${byDay.size} day(s)`);
  const changed: string[] = [];
  const hashes = new Map<string, string>();
  for (const d of daysBetween(fetchFrom, today)) {
    result.daysChecked++;
    const rows = [...(byDay.get(d)?.values() ?? [])];
    const hash = hashRows(rows);
    hashes.set(d, hash);
    // An empty recent day may simply not be billed yet; it is stored once it is final.
    if (rows.length === 0 && d >= finalBefore) continue;
    if (stored.get(d)?.hash !== hash) changed.push(d);
  }
  if (changed.length === 0) return result;

  const objectsIndex = new ObjectsIndex(ledger.objects());
  const batches = runs(changed, o.batchDays ?? 7);
  // Usage of the next batch is fetched while this one is allocated (the wait is on the network, not on us).
  const fetchUsage = (batch: string[]) => {
    const from = Date.parse(`${batch[0]}T00:00:00Z`);
    const to = Date.parse(`${batch[batch.length - 1]}T00:00:00Z`) + DAY_MS;
    const p = source.usage(from, to);
    p.catch(() => {}); // observed when awaited below; never an unhandled rejection meanwhile
    return p;
  };
  lap("allocate");
  let pending = batches.length > 0 ? fetchUsage(batches[0]!) : undefined;
  for (let bi = 0; bi < batches.length; bi++) {
    const batch = batches[bi]!;
    const usage = await pending!;
    pending = bi + 1 < batches.length ? fetchUsage(batches[bi + 1]!) : undefined;
    lap("usage");
    await yieldToIo(); // lets the prefetch's request go out before the CPU-bound allocation starts
    result.usageSamples += usage.length;
    log(`fetched ${usage.length} usage samples for ${batch[0]}..${batch[batch.length - 1]}`);
    const allocator = new Allocator(objectsIndex, usage, { ckuUsageRatio: o.ckuUsageRatio });
    const usageByDay = new Map<string, UsageSample[]>();
    for (const u of usage) {
      const d = dayOf(u.hour);
      let list = usageByDay.get(d);
      if (!list) usageByDay.set(d, (list = []));
      list.push(u);
    }
    for (const d of batch) {
      const segments = segmentsForDay([...(byDay.get(d)?.values() ?? [])], d);
      const allocated = segments.map((seg) => ({
        row: seg.row,
        segmentMicros: seg.amounts.reduce((a, b) => a + b, 0),
        pieces: allocator.allocateSegment(seg),
      }));
      lap("allocate");
      ledger.replaceDay(d, hashes.get(d)!, allocated, usageByDay.get(d) ?? [], o.now);
      lap("write");
      for (const a of allocated) result.piecesWritten += a.pieces.length;
      result.daysRecomputed.push(d);
      await yieldToIo();
    }
    log(`allocated ${batch[0]}..${batch[batch.length - 1]}`);
    // A batch leaves tens of MB of short-lived objects behind and the collector is lazy about returning them; a full
    // collection (only when the process has grown) keeps peak RSS flat over long lookbacks without paying every time.
    if (typeof Bun !== "undefined" && process.memoryUsage().rss > (o.gcAboveBytes ?? 256 * 1024 * 1024)) Bun.gc(true);
    lap("gc");
  }
  return result;
}
