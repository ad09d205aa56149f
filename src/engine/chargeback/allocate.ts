/**
 * The allocator: billing rows × objects × usage → pieces, pure and deterministic.
 *
 * Each row is cut into hours (hours.ts), each hour is divided by its rule (rules.ts), and the pieces are summed
 * per (row, day, principal, cost type, reason) for the ledger — or per (hour, principal, line type, env, cost type)
 * for the exporter. Both views come from the same hourly pieces, so they agree to the micro-unit.
 *
 * Speed: hours whose split is the same object (interned even splits) and whose amount is the same are computed once
 * and multiplied, which turns 24 identical even splits of a day into one.
 */
import { segmentsForDay, segmentRow, type RowDaySegment } from "./hours.ts";
import { splitByWeights, splitEven } from "./money.ts";
import { ObjectsIndex } from "./objects-index.ts";
import { Rules, type Share, type Split } from "./rules.ts";
import type { AllocationPiece, BillingRow, ChargebackObjects, CostType, HourlyPiece, ReasonCode, UsageSample } from "./types.ts";
import { UsageIndex } from "./usage-index.ts";

interface Part {
  principal: string;
  costType: CostType;
  reason: ReasonCode;
  micros: number;
}

/** Divides one hour's amount by a split; the parts sum exactly to `amount`. */
export function applySplit(split: Split, amount: number): Part[] {
  const out: Part[] = [];
  const portions = split.parts.length === 1 ? [amount] : splitByWeights(amount, split.parts.map((p) => p.weight));
  for (let i = 0; i < split.parts.length; i++) {
    const { share } = split.parts[i]!;
    const portion = portions[i]!;
    if (portion === 0) continue;
    const amounts = share.weights ? splitByWeights(portion, share.weights as number[]) : splitEven(portion, share.ids.length);
    for (let j = 0; j < share.ids.length; j++) {
      if (amounts[j] !== 0) out.push({ principal: share.ids[j]!, costType: share.costType, reason: share.reason, micros: amounts[j]! });
    }
  }
  return out;
}

export interface AllocatorOptions {
  ckuUsageRatio?: number;
}

/** Holds the indexes for one allocation run (objects and usage are shared by all rows of the run). */
export class Allocator {
  readonly objects: ObjectsIndex;
  readonly usage: UsageIndex;
  private readonly rules: Rules;
  private readonly memo = new WeakMap<Split, Map<number, Part[]>>();

  constructor(objects: ChargebackObjects | ObjectsIndex, usage: Iterable<UsageSample> | UsageIndex, options: AllocatorOptions = {}) {
    this.objects = objects instanceof ObjectsIndex ? objects : new ObjectsIndex(objects);
    this.usage = usage instanceof UsageIndex ? usage : new UsageIndex(usage, this.objects);
    this.rules = new Rules(this.objects, this.usage, options.ckuUsageRatio ?? 0.7);
  }

  private parts(split: Split, amount: number): Part[] {
    let byAmount = this.memo.get(split);
    if (!byAmount) this.memo.set(split, (byAmount = new Map()));
    let parts = byAmount.get(amount);
    if (!parts) byAmount.set(amount, (parts = applySplit(split, amount)));
    return parts;
  }

  private envOf(row: BillingRow): string {
    return row.envId || this.objects.envOf(row.resourceId) || "";
  }

  /** Adds `count` hours of `amount` divided by `split` into per-share, per-id accumulators. */
  private accumulate(split: Split, amount: number, count: number, acc: Map<Share, number[]>): void {
    const portions = split.parts.length === 1 ? [amount] : splitByWeights(amount, split.parts.map((p) => p.weight));
    for (let i = 0; i < split.parts.length; i++) {
      const portion = portions[i]!;
      if (portion === 0) continue;
      const share = split.parts[i]!.share;
      const n = share.ids.length;
      let arr = acc.get(share);
      if (!arr) acc.set(share, (arr = new Array<number>(n).fill(0)));
      if (share.weights) {
        const a = splitByWeights(portion, share.weights as number[]);
        for (let j = 0; j < n; j++) arr[j]! += a[j]! * count;
      } else {
        // splitEven inlined: the hot path of every shared line type.
        const sign = portion < 0 ? -1 : 1;
        const abs = Math.abs(portion);
        const base = Math.floor(abs / n);
        const rest = abs - base * n;
        for (let j = 0; j < n; j++) arr[j]! += sign * (base + (j < rest ? 1 : 0)) * count;
      }
    }
  }

  /** Ledger pieces of one segment (one row's hours in one day). */
  allocateSegment(seg: RowDaySegment): AllocationPiece[] {
    const groups = new Map<Split, Map<number, number>>();
    for (let i = 0; i < seg.hours.length; i++) {
      const amount = seg.amounts[i]!;
      if (amount === 0) continue;
      const split = this.rules.splitFor(seg, seg.hours[i]!);
      let byAmount = groups.get(split);
      if (!byAmount) groups.set(split, (byAmount = new Map()));
      byAmount.set(amount, (byAmount.get(amount) ?? 0) + 1);
    }
    const acc = new Map<Share, number[]>();
    for (const [split, byAmount] of groups) for (const [amount, count] of byAmount) this.accumulate(split, amount, count, acc);

    const row = seg.row;
    const envId = this.envOf(row);
    const piece = (principal: string, costType: CostType, reason: ReasonCode, micros: number): AllocationPiece => ({
      rowKey: row.key, day: seg.day, principal, costType, reason, lineType: row.lineType, product: row.product, envId, resourceId: row.resourceId, micros,
    });
    const out: AllocationPiece[] = [];
    if (acc.size === 1) {
      const [share, arr] = acc.entries().next().value!;
      for (let j = 0; j < arr.length; j++) if (arr[j] !== 0) out.push(piece(share.ids[j]!, share.costType, share.reason, arr[j]!));
      return out;
    }
    // Several shares (hour-by-hour usage, a set that changed mid-day, CKU's usage + shared parts): merge per
    // (cost type, reason, principal) without building a string key per contribution.
    const merged = new Map<string, { costType: CostType; reason: ReasonCode; byPrincipal: Map<string, number> }>();
    for (const [share, arr] of acc) {
      const tag = `${share.costType}|${share.reason}`;
      let m = merged.get(tag);
      if (!m) merged.set(tag, (m = { costType: share.costType, reason: share.reason, byPrincipal: new Map() }));
      for (let j = 0; j < arr.length; j++) {
        if (arr[j] === 0) continue;
        const id = share.ids[j]!;
        m.byPrincipal.set(id, (m.byPrincipal.get(id) ?? 0) + arr[j]!);
      }
    }
    for (const m of merged.values()) for (const [principal, micros] of m.byPrincipal) if (micros !== 0) out.push(piece(principal, m.costType, m.reason, micros));
    return out;
  }

  /** Exporter series of one segment, added into `into` (keyed by hour|principal|lineType|env|costType). */
  hourlySegment(seg: RowDaySegment, into: Map<string, HourlyPiece>): void {
    const row = seg.row;
    const envId = this.envOf(row);
    for (let i = 0; i < seg.hours.length; i++) {
      const amount = seg.amounts[i]!;
      if (amount === 0) continue;
      const hour = seg.hours[i]!;
      for (const p of this.parts(this.rules.splitFor(seg, hour), amount)) {
        const key = `${hour}\u0001${p.principal}\u0001${row.lineType}\u0001${envId}\u0001${p.costType}`;
        const cur = into.get(key);
        if (cur) cur.micros += p.micros;
        else into.set(key, { hour, principal: p.principal, lineType: row.lineType, envId, costType: p.costType, micros: p.micros });
      }
    }
  }

  /** All ledger pieces for the rows' hours that fall in `day`. */
  allocateDay(rows: BillingRow[], day: string): AllocationPiece[] {
    const out: AllocationPiece[] = [];
    for (const seg of segmentsForDay(rows, day)) out.push(...this.allocateSegment(seg));
    return out;
  }

  /** Hourly exporter series for `day`. */
  hourlyDay(rows: BillingRow[], day: string): HourlyPiece[] {
    const into = new Map<string, HourlyPiece>();
    for (const seg of segmentsForDay(rows, day)) this.hourlySegment(seg, into);
    return [...into.values()].filter((p) => p.micros !== 0);
  }

  /** Every piece of every row, over all of each row's days (used by tests and one-shot exports). */
  allocateRows(rows: BillingRow[]): AllocationPiece[] {
    const out: AllocationPiece[] = [];
    for (const row of rows) for (const seg of segmentRow(row)) out.push(...this.allocateSegment(seg));
    return out;
  }
}
