/**
 * Scoped budgets benchmark (issue #18): one evaluation of a generated project of about N resources spread over 10
 * projects and 10 teams, without `budgets:` and with 21 budgets (a region, 10 projects, 10 teams; most of them over),
 * then the closed loop's re-settle (what every approve, veto or execution costs) with and without them. The
 * forecast (the heavy half) is shared; the budgets add membership, figures and one planner call per over budget.
 *
 *   bun scripts/bench/budgets.ts [--n 10000]
 *
 * Targets: re-settle with 21 budgets ≤ 3 s at 10,000 resources; ends with one JSON line (report.ts).
 */
import { evaluate, type EvaluateOptions } from "../../src/engine/pipeline.ts";
import { emptyLedger } from "../../src/engine/closed-loop/index.ts";
import { billingPeriod } from "../../src/engine/period.ts";
import type { BudgetScope } from "../../src/engine/budgets/index.ts";
import { generateScenario } from "../../src/sim/scenario/index.ts";
import { costsOfWorld, resourcesOfWorld } from "../../src/sim/replay/from-scenario.ts";
import { check, peakRssMB, report } from "./report.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const N = arg("n", 10_000);
const k = N / 268;
const now = Date.parse("2026-11-12T09:00:00Z");
const sc = generateScenario({ seed: 7, now, days: 70, ecs: Math.round(90 * k), evs: Math.round(160 * k), cceClusters: Math.max(1, Math.round(2 * k)), cceNodePools: Math.round(8 * k), rds: Math.round(10 * k), untaggedExtras: Math.round(6 * k) });
const hash = (s: string) => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
};
const resources = resourcesOfWorld(sc.world).map((r) => ({ ...r, projectName: `eu-de_p${hash(`p${r.id}`) % 10}`, region: "eu-de", tags: { ...r.tags, team: `t${hash(`t${r.id}`) % 10}` } }));
const project = new Map(resources.map((r) => [r.id, r.projectName]));
const costs = costsOfWorld(sc.world).map((c) => (project.has(c.resourceId) ? { ...c, projectName: project.get(c.resourceId) } : c));

const base: EvaluateOptions = { targetBudget: sc.targetBudget, quantile: "p50", model: "ensemble", plannerMode: "optimal", graceMs: 24 * 3_600_000, billingBeginDay: 1 };
const single = evaluate({ resources, costs, options: base, now });
const p50 = single.budget.forecast.p50;
const scopes: BudgetScope[] = [
  { name: "eu-de", target: p50 * 0.9, regions: ["eu-de"] },
  ...Array.from({ length: 10 }, (_, i) => ({ name: `p${i}`, target: (p50 / 10) * 0.85, projects: [`eu-de_p${i}`] })),
  ...Array.from({ length: 10 }, (_, i) => ({ name: `t${i}`, target: (p50 / 10) * 0.8, tags: { team: `t${i}` } })),
];
const options: EvaluateOptions = { ...base, budgets: { scopes, home: { name: "eu-de_p0", region: "eu-de" } } };

const time = (f: () => unknown) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
const ledger = emptyLedger(billingPeriod(now).start);
const evalPlain = time(() => evaluate({ resources, costs, options: base, now }));
let scoped = single;
const evalScoped = time(() => (scoped = evaluate({ resources, costs, options, now })));
const settlePlain = time(() => single.resettle(ledger, now));
const settleScoped = time(() => scoped.resettle(ledger, now));
const over = scoped.budgets!.states.filter((s) => s.gap > 0).length;
console.log(`${resources.length} resources, ${costs.length} cost records, all + ${scopes.length} budgets (${over} of them over), ${scoped.plan.items.length} items (single budget: ${single.plan.items.length})`);
console.log(`evaluate: ${evalPlain.toFixed(0)} ms without budgets, ${evalScoped.toFixed(0)} ms with; re-settle: ${settlePlain.toFixed(0)} ms without, ${settleScoped.toFixed(0)} ms with`);
report("budgets", [check(`re-settle with ${scopes.length} budgets, ${resources.length} resources`, settleScoped / 1000, "s", "<=", 3)], {
  resources: resources.length,
  budgets: scopes.length,
  over,
  evaluateMs: { plain: Math.round(evalPlain), scoped: Math.round(evalScoped) },
  resettleMs: { plain: Math.round(settlePlain), scoped: Math.round(settleScoped) },
  peakRssMB: Math.round(peakRssMB()),
});
