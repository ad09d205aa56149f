/**
 * Realistic engine snapshots for renderer tests and the TUI bench, plus a small in-memory EngineHandle that
 * applies approve/veto/postpone to its plan items and appends audit events, as the real engine does. It is a
 * renderer harness (the TUI only ever sees the EngineHandle contract), not a stand-in for the engine's logic.
 */
import type {
  AuditEvent,
  BudgetSummary,
  CommandResult,
  DailyCost,
  EngineCommand,
  EngineHandle,
  EngineSnapshot,
  PlanItem,
  ResourceForecast,
  ResourceUnit,
} from "../../src/engine/types.ts";

export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0); // 2026-11-22 12:00Z, day 22 of 30
const DAY = 86_400_000;
const HOUR = 3_600_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function history(rand: () => number, base: number, days = 21): DailyCost[] {
  const out: DailyCost[] = [];
  for (let d = 0; d < days; d++) out.push({ date: iso(Date.UTC(2026, 10, 1) + d * DAY), amount: +(base * (0.8 + rand() * 0.4)).toFixed(2) });
  return out;
}

/** A unit with its history as `{ date, amount }` entries (the fixture sums and shows them). */
interface FixtureUnit extends ResourceUnit {
  members: FixtureUnit[];
  daily: DailyCost[];
}

function leaf(kind: "ECS" | "EVS" | "CCE" | "RDS", n: number, rand: () => number, prio: number, owner?: string): FixtureUnit {
  const id = `${n.toString(16).padStart(8, "0")}-4b1c-9e2d-${(n * 7919).toString(16).padStart(12, "0")}`;
  const base = kind === "ECS" ? 1.2 : kind === "EVS" ? 0.3 : kind === "RDS" ? 2.5 : 3;
  return {
    id: `${kind}_${id}`,
    kind,
    name: `${kind.toLowerCase()}-${["web", "db", "batch", "ci", "cache"][n % 5]}-${n}`,
    prio,
    owner,
    tags: { ot3c_prio: String(prio), ...(owner ? { ot3c_owner: owner } : {}) },
    members: [],
    resource: { kind, id, name: `${kind.toLowerCase()}-${n}`, status: kind === "EVS" ? "in-use" : "ACTIVE", tags: {} },
    daily: history(rand, base),
  };
}

function sumDaily(members: FixtureUnit[]): DailyCost[] {
  const m = new Map<string, number>();
  for (const r of members) for (const d of r.daily) m.set(d.date, (m.get(d.date) ?? 0) + d.amount);
  return [...m].sort().map(([date, amount]) => ({ date, amount: +amount.toFixed(2) }));
}

export interface FixtureOptions {
  /** Number of root resources (about a third are ECS+EVS groups). */
  resources?: number;
  status?: "OK" | "AT_RISK" | "OVER";
  pending?: number;
  at?: number;
  syncState?: "OK" | "DEGRADED" | "NEVER";
  mode?: "DRY-RUN" | "ENFORCE";
  chargeback?: boolean;
  seed?: number;
}

export function buildSnapshot(o: FixtureOptions = {}): EngineSnapshot {
  const rand = rng(o.seed ?? 7);
  const at = o.at ?? T0;
  const owners = ["alice@example.com", "bob@example.com", "ops@example.com", undefined];
  const resources: FixtureUnit[] = [];
  const count = o.resources ?? 12;
  for (let i = 0; i < count; i++) {
    const prio = i % 7 === 6 ? 0 : 10 + ((count - i) % 50) * 10;
    const owner = owners[i % owners.length];
    if (i % 3 === 0) {
      const ecs = leaf("ECS", i * 10 + 1, rand, prio, owner);
      const evs = leaf("EVS", i * 10 + 2, rand, prio + 5, owner);
      resources.push({
        id: `GR_[${ecs.id},${evs.id}]`,
        kind: "GROUP",
        name: `app-${i}`,
        prio,
        owner,
        group: `app-${i}`,
        tags: {},
        members: [ecs, evs],
        daily: sumDaily([ecs, evs]),
      });
    } else {
      resources.push(leaf((["ECS", "EVS", "CCE", "RDS"] as const)[i % 4], i * 10 + 3, rand, prio, owner));
    }
  }
  resources.push({ id: "GH_OBS_4711", kind: "GHOST", name: "deleted bucket", prio: 0, tags: {}, members: [], daily: history(rand, 0.4) });
  // Engine order: most expendable first (prio descending, 0 last).
  resources.sort((a, b) => (a.prio === 0 ? 1 : 0) - (b.prio === 0 ? 1 : 0) || b.prio - a.prio);

  const forecasts: Record<string, ResourceForecast> = {};
  const addForecast = (vr: FixtureUnit) => {
    const soFar = vr.daily.reduce((s, d) => s + d.amount, 0);
    const perDay = soFar / Math.max(1, vr.daily.length);
    const p50 = soFar + perDay * 9;
    forecasts[vr.id] = {
      vrId: vr.id,
      costSoFar: +soFar.toFixed(2),
      rest: [],
      monthEnd: { p10: +(p50 * 0.95).toFixed(2), p50: +p50.toFixed(2), p90: +(p50 * 1.07).toFixed(2) },
    };
    vr.members.forEach(addForecast);
  };
  resources.forEach(addForecast);

  const dailyTotals = sumDaily(resources);
  const spendSoFar = dailyTotals.reduce((s, d) => s + d.amount, 0);
  const perDay = spendSoFar / dailyTotals.length;
  const p50 = spendSoFar + perDay * 9;
  const factor = { OK: 1.3, AT_RISK: 0.97, OVER: 0.8 }[o.status ?? "AT_RISK"];
  const target = +(p50 * factor).toFixed(2);
  const forecastBand = Array.from({ length: 9 }, (_, k) => ({
    date: iso(Date.UTC(2026, 10, 22) + k * DAY),
    p10: +(perDay * 0.85).toFixed(2),
    p50: +perDay.toFixed(2),
    p90: +(perDay * 1.2).toFixed(2),
  }));
  const budget: BudgetSummary = {
    target,
    spendSoFar: +spendSoFar.toFixed(2),
    forecast: { p10: +(p50 * 0.96).toFixed(2), p50: +p50.toFixed(2), p90: +(p50 * 1.06).toFixed(2) },
    baseline: { spendSoFar: 12, monthEnd: 17 },
    gap: +(p50 - target).toFixed(2),
    quantile: "p50",
    status: o.status ?? "AT_RISK",
    baselineExceedsBudget: false,
    burnPerHour: +(perDay / 24).toFixed(2),
    burnPerDay: +perDay.toFixed(2),
    dailyTotals,
    forecastBand,
    lastCompleteDay: "2026-11-21",
  };

  const plan: PlanItem[] = [];
  const expendable = resources.filter((r) => r.prio > 0);
  const nPending = o.pending ?? 3;
  for (let k = 0; k < nPending && k < expendable.length; k++) {
    const vr = expendable[k];
    plan.push({
      id: `p-${101 + k}`,
      vrId: vr.id,
      action: vr.kind === "ECS" || vr.kind === "GROUP" ? "stop" : "delete",
      prio: vr.prio,
      owner: vr.owner,
      tdate: at + (k + 1) * 5 * HOUR,
      tsave: +(forecasts[vr.id].monthEnd.p50 - forecasts[vr.id].costSoFar).toFixed(2),
      tasap: k === 0,
      reason: "forecast P50 over budget",
      state: "PENDING",
      deadline: at + (k + 1) * 5 * HOUR + 59 * 60_000 + 3_000,
      createdAt: at - HOUR,
      updatedAt: at - HOUR,
    });
  }
  if (expendable.length > nPending) {
    const vr = expendable[nPending];
    plan.push({
      id: "p-099",
      vrId: vr.id,
      action: "delete",
      prio: vr.prio,
      owner: vr.owner,
      tdate: at - DAY,
      tsave: 3.5,
      tasap: false,
      reason: "forecast P50 over budget",
      state: "VETOED",
      vetoReason: "release freeze",
      deadline: at - DAY,
      createdAt: at - 2 * DAY,
      updatedAt: at - DAY,
    });
  }

  const events: AuditEvent[] = plan.map((p, i) => ({
    id: i + 1,
    at: p.createdAt,
    actor: "engine",
    source: "engine",
    action: "item.created",
    itemId: p.id,
    vrId: p.vrId,
  }));

  return {
    seq: 1,
    at,
    project: { name: "eu-de_ot3c-demo", region: "eu-de", id: "0123456789abcdef" },
    mode: o.mode ?? "DRY-RUN",
    approval: "none",
    period: { start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 11, 1), startDate: "2026-11-01", endDate: "2026-12-01", days: 30 },
    budget,
    resources,
    forecasts,
    plan,
    planOutcome: "OK",
    sync: {
      state: o.syncState ?? "OK",
      lastAttemptAt: at - 12_000,
      lastSuccessAt: o.syncState === "NEVER" ? undefined : at - (o.syncState === "DEGRADED" ? 7 * 60_000 : 12_000),
      error: o.syncState === "DEGRADED" ? "dashboard 503 after 4 retries" : undefined,
    },
    api: [],
    events,
    alerts: [],
    chargeback:
      o.chargeback === false
        ? undefined
        : {
            cursorHour: Date.UTC(2026, 10, 22, 9),
            newestHour: Date.UTC(2026, 10, 22, 11),
            totalMicros: 100_000_000,
            unallocatedMicros: 7_500_000,
            byPrincipal: [
              { principal: "sa-orders", product: "KAFKA_NUM_CKU", micros: 40_000_000 },
              { principal: "sa-orders", product: "KAFKA_NETWORK_READ", micros: 12_500_000 },
              { principal: "u-alice", product: "KAFKA_NUM_CKU", micros: 20_000_000 },
              { principal: "sa-billing", product: "CONNECT_CAPACITY", micros: 20_000_000 },
              { principal: "UNALLOCATED", product: "KAFKA_NUM_CKU", micros: 7_500_000 },
            ],
          },
  };
}

/** In-memory EngineHandle for renderer tests: applies commands to its plan and publishes a new snapshot. */
export class FakeEngine implements EngineHandle {
  readonly commands: EngineCommand[] = [];
  private listeners = new Set<(s: EngineSnapshot) => void>();
  /** When set, `send` waits for this promise before answering (tests of in-flight actions). */
  hold?: Promise<void>;

  constructor(
    private snap: EngineSnapshot | undefined,
    readonly connection = "in-process",
    private readonly now: () => number = () => T0,
  ) {}

  getSnapshot(): EngineSnapshot | undefined {
    return this.snap;
  }

  subscribe(listener: (s: EngineSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(next: EngineSnapshot): void {
    this.snap = next;
    for (const l of this.listeners) l(next);
  }

  async send(command: EngineCommand): Promise<CommandResult> {
    this.commands.push(command);
    if (this.hold) await this.hold;
    const snap = this.snap!;
    if (command.type === "refresh") return { ok: true, results: [] };
    if (command.type === "resume") return { ok: false, results: command.ids.map((id) => ({ id, ok: false, message: "no parked item" })) };
    const results: CommandResult["results"] = [];
    const events = [...snap.events];
    const plan = snap.plan.map((item) => {
      if (!command.ids.includes(item.id)) return item;
      const at = this.now();
      const allowed = command.type === "approve" ? item.state === "PENDING" : item.state === "PENDING" || item.state === "APPROVED";
      if (!allowed) {
        results.push({ id: item.id, ok: false, message: `not allowed in state ${item.state}` });
        return item;
      }
      const next: PlanItem =
        command.type === "approve"
          ? { ...item, state: "APPROVED", approvedBy: command.actor, updatedAt: at }
          : command.type === "veto"
            ? { ...item, state: "VETOED", vetoReason: command.reason, updatedAt: at }
            : { ...item, deadline: item.deadline + command.byMs, updatedAt: at };
      const action = command.type === "approve" ? "item.approved" : command.type === "veto" ? "item.vetoed" : "item.postponed";
      events.push({ id: events.length + 1, at, actor: command.actor, source: command.source, action, itemId: item.id, vrId: item.vrId });
      results.push({ id: item.id, ok: true, message: action });
      return next;
    });
    for (const id of command.ids) if (!results.some((r) => r.id === id)) results.push({ id, ok: false, message: "unknown id" });
    this.publish({ ...snap, seq: snap.seq + 1, plan, events });
    return { ok: results.every((r) => r.ok), results };
  }
}
