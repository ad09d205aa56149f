import type { EngineSnapshot, PlanItem } from "../../src/engine/types.ts";

const DAY = 86_400_000;

export function planItem(over: Partial<PlanItem> = {}): PlanItem {
  const now = Date.UTC(2026, 10, 20, 12);
  return {
    id: "p1",
    vrId: "ECS_a",
    action: "stop",
    prio: 50,
    owner: "team@example.com",
    tdate: now + DAY,
    tsave: 10,
    tasap: false,
    reason: "test",
    state: "PENDING",
    deadline: now + 3_600_000,
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

export function snapshot(over: Partial<EngineSnapshot> = {}): EngineSnapshot {
  const at = Date.UTC(2026, 10, 20, 12);
  return {
    seq: 1,
    at,
    project: { name: "eu-de_test", region: "eu-de" },
    mode: "DRY-RUN",
    approval: "none",
    period: { start: Date.UTC(2026, 9, 31, 23), end: Date.UTC(2026, 10, 30, 23), startDate: "2026-11-01", endDate: "2026-12-01", days: 30 },
    budget: {
      target: 1000,
      spendSoFar: 700,
      forecast: { p10: 1050, p50: 1100, p90: 1180 },
      baseline: { spendSoFar: 300, monthEnd: 450 },
      gap: 100,
      quantile: "p50",
      status: "OVER",
      baselineExceedsBudget: false,
      burnPerHour: 1.5,
      burnPerDay: 36,
      dailyTotals: [],
      forecastBand: [],
    },
    resources: [],
    forecasts: {},
    plan: [planItem(), planItem({ id: "p2", state: "VETOED", deadline: at - 1000 })],
    sync: { state: "OK", lastSuccessAt: at - 60_000, lastAttemptAt: at - 60_000, durationMs: 2500 },
    api: [{ endpoint: "ecs", requests: 12, errors: 1, retries: 1 }],
    events: [],
    alerts: [],
    counters: { terminationsExecuted: 3, terminationsFailed: 1, syncs: 10, syncFailures: 2 },
    ...over,
  };
}
