/**
 * `bun scripts/soak/failover-soak.ts [kills] [daemons] [leaseMs]`: the failover scenario of test/e2e/failover.test.ts
 * at soak length (default 50 leader kills, 2 daemons, the production lease of 12 s is slow to soak: 2 s), printing
 * the report with failover-time percentiles.
 */
import { runFailoverScenario } from "./failover-harness.ts";

const kills = Number(process.argv[2]) || 50;
const daemons = Number(process.argv[3]) || 2;
const leaseMs = Number(process.argv[4]) || 2000;
const callTimeoutMs = Math.max(300, Math.floor(leaseMs * 0.3));
const r = await runFailoverScenario({ daemons, kills, leaseMs, callTimeoutMs, seed: Date.now() % 1_000_000, log: (l) => console.error(l) });
const sorted = [...r.failoverMs].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
console.log(JSON.stringify({ ...r, failoverMs: undefined, failover: { leaseMs, p50: pct(50), p95: pct(95), max: sorted.at(-1) } }, null, 2));
process.exit(r.doubleCalls.length || r.vetoViolations.length || r.approvalViolations.length ? 1 : 0);
