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
import { Rules, type Split } from "./rules.ts";
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
    const acc = new Map<string, AllocationPiece>();
    const row = seg.row;
    const envId = this.envOf(row);
    for (const [split, byAmount] of groups) {
      for (const [amount, count] of byAmount) {
        for (const p of this.parts(split, amount)) {
          const key = `${p.principal}\u0001${p.costType}\u0001${p.reason}`;
          const piece = acc.get(key);
          if (piece) piece.micros += p.micros * count;
          else
            acc.set(key, {
              rowKey: row.key,
              day: seg.day,
              principal: p.principal,
              costType: p.costType,
              reason: p.reason,
              lineType: row.lineType,
              product: row.product,
              envId,
              resourceId: row.resourceId,
              micros: p.micros * count,
            });
        }
      }
    }
    return [...acc.values()];
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
