/**
 * `ot3c replay` at scale: (1) a 31-day replay of 1,000 resources with the compiled binary, as an operator runs it
 * (target ≤ 5 s); (2) the closed loop's properties over many seeded months and both planners (BENCH_SEEDS, default
 * 500; the suite runs 50): month-end spend against the budget, the excess cut against the last unit's saving,
 * terminations against the fewest that would have done, violations. Prints every figure; ends with the JSON line.
 */
import { join } from "node:path";
import { replayScenario, type ReplayReport } from "../../src/replay/index.ts";
import { check, report } from "./report.ts";

const root = join(import.meta.dir, "../..");
const seeds = Number(process.env.BENCH_SEEDS ?? 500);

// 1. The binary, as a user runs it (December: 31 days).
const t0 = performance.now();
const proc = Bun.spawnSync([join(root, "dist/ot3c"), "replay", "--resources", "1000", "--month", "2026-12", "--seed", "3", "--max-terminations", "1000", "--output", "json"], {
  cwd: root,
  stdout: "pipe",
  stderr: "pipe",
  env: { ...process.env, NO_COLOR: "1" },
});
const wall = (performance.now() - t0) / 1000;
const big = JSON.parse(proc.stdout.toString()).replay as ReplayReport;
console.log(`1,000 resources, 31 days: ${wall.toFixed(2)} s wall (${big.resources} resources, ${big.days.length} days, ${big.calls} calls, month-end ${big.monthEnd} vs budget ${big.budget})`);

// 2. Properties over many months.
const small = { ecs: 14, evs: 22, cceClusters: 1, cceNodePools: 2, rds: 2, untaggedExtras: 2 };
interface Tally {
  runs: number;
  reachable: number;
  metStrict: number;
  metWithin: number;
  excessOk: number;
  violations: number;
  maxOverPct: number;
  excessPct: number[];
  unitsOverFewest: number[];
}
const tallies: Record<string, Tally> = {};
for (const planner of ["optimal", "classic"] as const) {
  const t: Tally = { runs: 0, reachable: 0, metStrict: 0, metWithin: 0, excessOk: 0, violations: 0, maxOverPct: 0, excessPct: [], unitsOverFewest: [] };
  for (let seed = 1; seed <= seeds; seed++) {
    const r = await replayScenario({
      scenario: "default", month: "2026-11", seed, cut: seed % 2 === 0 ? 0.25 : 0.15, noise: 0.03, lagHours: 24, syncEveryHours: 24,
      vetoShare: seed % 5 === 0 ? 0.2 : 0, maxTerminationsPerRun: 1000, scenarioOverrides: small,
      options: { quantile: "p50", model: "ensemble", plannerMode: planner, graceMs: 24 * 3_600_000, billingBeginDay: 1, currency: "EUR" },
    });
    t.runs++;
    t.violations += r.violations.length;
    if (!r.reachable || seed % 5 === 0) continue; // vetoed runs check safety only
    t.reachable++;
    if (r.monthEnd <= r.budget) t.metStrict++;
    if (r.monthEnd <= r.budget * 1.005) t.metWithin++;
    if (r.excessCut <= r.lastItemSaving + r.budget * 0.001) t.excessOk++;
    t.maxOverPct = Math.max(t.maxOverPct, (100 * r.overBudget) / r.budget);
    t.excessPct.push((100 * r.excessCut) / r.budget);
    if (r.fewest) t.unitsOverFewest.push(r.terminations.units / r.fewest);
  }
  tallies[planner] = t;
  const q = (a: number[], p: number) => (a.length ? a.slice().sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))] : 0);
  const mean = (a: number[]) => (a.length ? a.reduce((s, x) => s + x, 0) / a.length : 0);
  console.log(
    `${planner}: ${t.runs} months (${t.reachable} reachable without vetoes): budget met ${t.metStrict}/${t.reachable} exactly, ` +
      `${t.metWithin}/${t.reachable} within 0.5 % (worst ${t.maxOverPct.toFixed(2)} % over); excess cut median ${q(t.excessPct, 0.5).toFixed(2)} %, ` +
      `p95 ${q(t.excessPct, 0.95).toFixed(2)} %, max ${q(t.excessPct, 1).toFixed(2)} % of the budget, ≤ the last unit's saving in ${t.excessOk}/${t.reachable}; ` +
      `units acted on ÷ fewest (hindsight, same priority order) mean ${mean(t.unitsOverFewest).toFixed(2)}; violations ${t.violations}`,
  );
}

const o = tallies.optimal!;
const c = tallies.classic!;
report(
  "replay",
  [
    check("31-day replay, 1,000 resources (binary)", wall, "s", "<=", 5),
    check("violations (prio 0/untagged/prepaid/vetoed/double call)", o.violations + c.violations, "", "<=", 0),
    check("optimal: months within 0.5 % of budget", (100 * o.metWithin) / Math.max(1, o.reachable), "%", ">=", 100),
    check("classic: months within 0.5 % of budget", (100 * c.metWithin) / Math.max(1, c.reachable), "%", ">=", 100),
    check("optimal: excess cut ≤ last unit's saving", (100 * o.excessOk) / Math.max(1, o.reachable), "%", ">=", 100),
    check("classic: excess cut ≤ last unit's saving", (100 * c.excessOk) / Math.max(1, c.reachable), "%", ">=", 100),
  ],
  { seeds, wall, tallies: Object.fromEntries(Object.entries(tallies).map(([k, t]) => [k, { ...t, excessPct: undefined, unitsOverFewest: undefined }])) },
);
