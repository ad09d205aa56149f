/**
 * `ot3c replay`: what enforcement would do over one billing period, before anyone turns `enforce` on. The real
 * engine (sync → evaluate → closed loop → lifecycle → executor) runs against the replay cloud (src/sim/replay) on
 * a virtual clock — an hour per step, no sleeping — from the period's first day to its end, with cost data that
 * lags as the Financial Dashboard's does and costs that respond to every stop and delete. Optionally an operator
 * vetoes a share of the new items (seeded), so the run also shows that vetoes hold.
 *
 * The figures come from the cloud's side: month-end spend is what the cloud billed, calls are what reached it.
 */
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../engine/engine.ts";
import { evaluate, type EvaluateOptions } from "../engine/pipeline.ts";
import { addDays, billingPeriod, dayStart, isoDay } from "../engine/period.ts";
import { ManualClock, type CloudResource, type CostRecord } from "../engine/types.ts";
import { Store } from "../store/store.ts";
import { ReplayCloud } from "../sim/replay/cloud.ts";
import { hindsight } from "./hindsight.ts";
import { harmOf } from "./harm.ts";
import { parkedItems } from "../engine/parking/index.ts";
import type { ReplayDay, ReplayReport } from "./report.ts";
import { resolveTargets, scopeReports, type ReplayBudget } from "./scopes.ts";
import type { HomeProject } from "../engine/budgets/index.ts";

export interface ReplayInput {
  resources: CloudResource[];
  /** Cost records before the period (and any inside it up to the start; the process continues from them). */
  history: CostRecord[];
  /** Any instant inside the period to replay. */
  periodOf: number;
  options: Omit<EvaluateOptions, "targetBudget"> & { targetBudget?: number };
  /** Budget as a cut below the untouched month-end (0.15 = 15 % under); used when `targetBudget` is absent. */
  cut?: number;
  /** null: no brake. */
  maxTerminationsPerRun: number | null;
  brakeFrom?: "config" | "flag" | "none";
  lagHours: number;
  syncEveryHours: number;
  /** Share of new items the simulated operator vetoes (0 = none). */
  vetoShare: number;
  seed: number;
  noise: number;
  label: string;
  /** Named budgets (issue #18): planned together with the whole budget, and reported one by one. */
  budgets?: ReplayBudget[];
  /** The project of resources without project fields (default: the replay's label, region eu-de). */
  home?: HomeProject;
}

export async function runReplay(input: ReplayInput): Promise<ReplayReport> {
  const o = input.options;
  const tz = o.timeZone ?? "Europe/Berlin";
  const period = billingPeriod(input.periodOf, o.billingBeginDay, tz);
  const started = performance.now();
  const cloudInput = {
    resources: input.resources,
    history: input.history.filter((c) => c.date < period.startDate),
    start: period.start,
    lagHours: input.lagHours,
    noise: input.noise,
    seed: input.seed,
    periodStartDay: Number(period.startDate.slice(8, 10)),
    timeZone: tz,
  };
  const clock = new ManualClock(period.start);
  const untouched = new ReplayCloud(cloudInput, clock);
  const untouchedMonthEnd = sum(untouched.billedBetween(period.startDate, period.endDate));
  const target = o.targetBudget ?? round2(untouchedMonthEnd * (1 - (input.cut ?? 0.15)));
  const home: HomeProject = input.home ?? { name: input.label, region: "eu-de" };
  const yard = { resources: input.resources, period, graceMs: o.graceMs, instance: o.instance, home, timeZone: tz };
  const scopes = input.budgets && input.budgets.length > 0 ? resolveTargets(input.budgets, yard, untouched) : undefined;
  const options: EvaluateOptions = { ...o, targetBudget: target, ...(scopes ? { budgets: { scopes, home } } : {}) };

  const cloud = new ReplayCloud(cloudInput, clock);
  const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "ot3c-replay-"));
  const store = Store.open(dir);
  const syncMs = input.syncEveryHours * 3_600_000;
  const engine = new Engine({
    store,
    stateDir: dir,
    clock,
    inventory: cloud,
    terminator: cloud,
    evaluate: (i) => evaluate({ ...i, options }),
    settings: {
      enforce: true,
      approval: "none",
      maxTerminationsPerRun: input.maxTerminationsPerRun ?? Infinity,
      graceMs: o.graceMs,
      syncIntervalMs: syncMs,
      staleAfterMs: syncMs + 3_600_000,
      billingBeginDay: o.billingBeginDay,
      reminderBeforeMs: 0,
      ...(o.actions ? { schedules: o.actions.schedules, resumeMode: o.actions.resume } : {}),
    },
    project: { name: input.label, region: "replay" },
  });

  const days: ReplayDay[] = [];
  const daysUncovered = new Map<string, number>();
  const seenItems = new Set<string>();
  let vetoes = 0;
  let brakeTrips = 0;
  let parkedPastResume: string[] = [];
  try {
    for (let t = period.start; t < period.end; t += 3_600_000) {
      clock.set(t);
      await engine.step();
      // The simulated operator looks at every new item once.
      for (const item of store.listItems({ periodStart: period.start, states: ["PENDING"] })) {
        if (seenItems.has(item.id)) continue;
        seenItems.add(item.id);
        if (input.vetoShare > 0 && unit(`${input.seed}|veto|${item.vrId}`) < input.vetoShare) {
          const r = await engine.send({ type: "veto", ids: [item.id], reason: "replay: the operator keeps it", actor: "replay", source: "cli" });
          if (r.ok) {
            vetoes++;
            for (const res of item.resources) cloud.vetoedLeaves.add(`${res.kind}_${res.id}`);
          }
        }
      }
      const next = t + 3_600_000;
      if (isoDay(next, tz) !== isoDay(t, tz) || next >= period.end) {
        days.push(dayFigures(engine, store, cloud, isoDay(t, tz), period.start, tz));
        // A budget the engine said it could not close that day (uncovered, or its baseline alone over the target).
        for (const s of engine.budgetStates ?? []) if (s.uncovered > 0.005 || s.baselineExceedsBudget) daysUncovered.set(s.name, (daysUncovered.get(s.name) ?? 0) + 1);
      }
    }
    brakeTrips = store.auditEvents({ limit: 100_000 }).filter((e) => e.action === "brake.tripped").length;
    // One hour into the next period: what was parked must come back at the period start.
    clock.set(period.end + 3_600_000);
    await engine.step();
    parkedPastResume = parkedItems(store).filter((i) => i.periodStart === period.start && !i.dryRun).map((i) => i.id);
  } finally {
    await engine.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const monthEnd = sum(cloud.billedBetween(period.startDate, period.endDate));
  const h = hindsight({ cloud, untouched, resources: input.resources, period, options, target, untouchedMonthEnd, timeZone: tz });
  return {
    label: input.label,
    period: { start: period.startDate, end: period.endDate },
    planner: o.plannerMode,
    quantile: o.quantile,
    graceHours: o.graceMs / 3_600_000,
    lagHours: input.lagHours,
    currency: o.currency ?? "EUR",
    resources: input.resources.length,
    budget: target,
    untouchedMonthEnd: round2(untouchedMonthEnd),
    monthEnd: round2(monthEnd),
    ...h.summary(monthEnd),
    vetoes,
    brakeTrips,
    maxTerminationsPerRun: input.maxTerminationsPerRun,
    brakeFrom: input.brakeFrom ?? (input.maxTerminationsPerRun === null ? "none" : "flag"),
    days,
    violations: cloud.calls.filter((c) => c.violation).map((c) => ({ at: new Date(c.at).toISOString(), call: c.call, resource: `${c.kind} ${c.id}`, name: c.name, violation: c.violation! })),
    calls: cloud.calls.length,
    harm: harmOf(cloud, input.resources, period),
    parkedPastResume,
    ...(scopes ? { budgets: scopeReports(scopes, yard, cloud, untouched).map((b) => ({ ...b, daysUncovered: daysUncovered.get(b.name) ?? 0 })) } : {}),
    elapsedMs: Math.round(performance.now() - started),
  };
}

function dayFigures(engine: Engine, store: Store, cloud: ReplayCloud, date: string, periodStart: number, tz: string): ReplayDay {
  const b = engine.budget;
  const from = dayStart(date, tz);
  const to = dayStart(addDays(date, 1), tz);
  const items = store.listItems({ periodStart });
  const cov = b?.coverage;
  return {
    date,
    dataUntil: b?.lastCompleteDay ?? null,
    forecastP50: round2(b?.forecast.p50 ?? 0),
    gap: round2(b?.gap ?? 0),
    committed: round2(cov?.committed ?? 0),
    uncovered: round2(cov?.uncovered ?? 0),
    created: items.filter((i) => i.createdAt >= from && i.createdAt < to).length,
    cancelled: items.filter((i) => i.state === "CANCELLED" && i.updatedAt >= from && i.updatedAt < to).length,
    calls: cloud.calls.filter((c) => c.at >= from && c.at < to).length,
    open: items.filter((i) => i.state === "PENDING" || i.state === "APPROVED" || i.state === "EXECUTING").length,
  };
}

function sum(records: CostRecord[]): number {
  let s = 0;
  for (const r of records) s += r.amount;
  return s;
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function unit(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}
