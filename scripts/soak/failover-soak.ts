/**
 * `bun scripts/soak/failover-soak.ts [kills] [daemons] [leaseMs] [--postgres]`: the failover scenario of
 * test/e2e/failover*.test.ts at soak length (default 50 leader kills, 2 daemons, the production lease of 12 s is
 * slow to soak: 2 s), printing the report with failover-time percentiles. `--postgres`: the daemons share one
 * database of a throw-away PostgreSQL (test/store/pg-server.ts), each with its own state directory as on
 * separate hosts.
 */
import { runFailoverScenario } from "./failover-harness.ts";
import { startPg, type PgServer } from "../../test/store/pg-server.ts";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const postgres = process.argv.includes("--postgres");
const kills = Number(args[0]) || 50;
const daemons = Number(args[1]) || 2;
const leaseMs = Number(args[2]) || 2000;
const callTimeoutMs = Math.max(300, Math.floor(leaseMs * 0.3));
let pg: PgServer | undefined;
let r;
try {
  if (postgres) pg = await startPg();
  const postgresUrl = pg ? await pg.createDatabase() : undefined;
  r = await runFailoverScenario({ daemons, kills, leaseMs, callTimeoutMs, ...(postgresUrl ? { postgresUrl } : {}), seed: Date.now() % 1_000_000, log: (l) => console.error(l) });
} finally {
  await pg?.destroy();
}
const sorted = [...r.failoverMs].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
console.log(JSON.stringify({ store: postgres ? "postgres" : "sqlite", daemons, ...r, failoverMs: undefined, failover: { leaseMs, p50: pct(50), p95: pct(95), max: sorted.at(-1) } }, null, 2));
process.exit(r.doubleCalls.length || r.vetoViolations.length || r.approvalViolations.length || (r.items.EXECUTING ?? 0) > 0 ? 1 : 0);
