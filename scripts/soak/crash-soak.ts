/**
 * Crash soak: the crash scenario of test/e2e/crash.test.ts until 100 SIGKILLs (or `--kills N`) have landed, in
 * rounds of 20 on fresh simulators (one scenario has work for about 20 kills), printing the figures. Exit 1 when
 * any double call, lost veto/approval or moved deadline was seen. The simulated cloud runs with the real job timing
 * (INIT hold, jobs finish by themselves) and drops the answer to a share of accepted mutations (502 / reset).
 *
 *   bun scripts/soak/crash-soak.ts [--kills 100] [--seed N]
 */
import { runCrashScenario, type CrashReport } from "./crash-harness.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const total = Number(arg("--kills") ?? 100);
const seed = Number(arg("--seed") ?? Date.now() % 1_000_000);
console.log(`crash soak: ${total} SIGKILLs in rounds of 20, seed ${seed}`);
const rounds: CrashReport[] = [];
for (let done = 0, round = 0; done < total; round++) {
  const kills = Math.min(20, total - done);
  const r = await runCrashScenario({ kills, seed: seed + round });
  rounds.push(r);
  done += r.kills;
  console.log(
    `round ${round + 1}: ${r.kills} kills (${r.killsWhileExecuting} while executing), ${r.deleteCalls} calls, ` +
      `${r.lostAnswers} answers lost, ${r.ambiguous} ambiguous, ${r.resolvedByObservation} resolved by observation, ${r.resentAfterProof} re-sent after proof, ` +
      `double ${r.doubleCalls.length}, veto violations ${r.vetoViolations.length}, lost approvals ${r.approvalViolations.length}, ` +
      `moved deadlines ${r.deadlineViolations.length}, items ${Object.entries(r.items).map(([k, v]) => `${k} ${v}`).join(" ")}, ` +
      `exit ${r.cleanExitCode}, ${(r.durationMs / 1000).toFixed(1)} s`,
  );
  for (const d of [...r.doubleCalls, ...r.vetoViolations, ...r.approvalViolations, ...r.deadlineViolations]) console.log(`  ! ${d}`);
  for (const f of r.failures) console.log(`  FAILED ${f}`);
  for (const x of r.stuck) console.log(`  STILL EXECUTING ${x}`);
}
const sum = (f: (r: CrashReport) => number) => rounds.reduce((a, r) => a + f(r), 0);
const bad = sum((r) => r.doubleCalls.length + r.vetoViolations.length + r.approvalViolations.length + r.deadlineViolations.length + (r.cleanExitCode === 0 ? 0 : 1));
console.log(
  `total: ${sum((r) => r.kills)} kills (${sum((r) => r.killsWhileExecuting)} while executing), ${sum((r) => r.deleteCalls)} stop/delete calls, ` +
    `${sum((r) => r.doubleCalls.length)} double calls, ${sum((r) => r.lostAnswers)} answers lost after acceptance (502/reset), ` +
    `${sum((r) => r.ambiguous)} ambiguous outcomes, ${sum((r) => r.resolvedByObservation)} resolved by observation, ` +
    `${sum((r) => r.resentAfterProof)} re-sent after proof, ${sum((r) => r.vetoViolations.length)} veto violations, ` +
    `${sum((r) => r.approvalViolations.length)} lost approvals, ${sum((r) => r.deadlineViolations.length)} moved deadlines, ` +
    `${sum((r) => r.failures.filter((f) => f.includes("outcome unknown")).length)} items failed as "outcome unknown" (left for an operator), ` +
    `${sum((r) => r.failures.filter((f) => !f.includes("outcome unknown")).length)} failed otherwise (an API error, or a volume still attached to a server outside the item), ${(sum((r) => r.durationMs) / 1000).toFixed(1)} s`,
);
process.exitCode = bad === 0 ? 0 : 1;
