/**
 * Crash-safety scenario shared by test/e2e/crash.test.ts (≥ 20 kills) and scripts/soak/crash-soak.ts (100 kills):
 * the real ot3c daemon with `enforce: true` against the simulator, SIGKILLed at random points while it executes
 * terminations, and restarted. Afterwards it reports what an operator would care about:
 * - double calls: any stop/delete the simulator received twice for one resource;
 * - vetoes: vetoed items still VETOED and their resources never touched;
 * - approvals: approved items never fell back to PENDING and kept who approved them;
 * - deadlines: every item's deadline as first seen, unchanged to the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSim } from "../../src/sim/server.ts";
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { Store } from "../../src/store/store.ts";
import { applyCommand } from "../../src/engine/lifecycle.ts";
import { ControlSocketClient } from "../../src/daemon/socket-client.ts";
import { spawnOt3c, type Proc } from "../../test/daemon/process-helpers.ts";
import type { EngineSnapshot } from "../../src/engine/types.ts";
import { mulberry32 } from "../../src/util/random.ts";

export interface CrashOptions {
  kills: number;
  seed?: number;
  log?: (line: string) => void;
  /** Keep the work directory (state, config) for inspection. */
  keep?: boolean;
}

export interface CrashReport {
  kills: number;
  killsWhileExecuting: number;
  doubleCalls: string[];
  vetoed: string[];
  vetoViolations: string[];
  approved: string[];
  approvalViolations: string[];
  deadlineViolations: string[];
  items: Record<string, number>;
  /** Why items FAILED (API errors the simulator injects, or "outcome unknown" after a kill mid-call). */
  failures: string[];
  deleteCalls: number;
  cleanExitCode: number | null;
  durationMs: number;
}

/** Deterministic so a failing seed can be replayed. */
const rng = mulberry32;

export async function runCrashScenario(opts: CrashOptions): Promise<CrashReport> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const random = rng(opts.seed ?? Date.now());
  // The default scenario (~300 resources) gives enough terminations for every kill to land in one; jobs that need
  // a few polls keep each call in flight long enough for kills to land before, during and after it.
  const scenario = presetScenario("default", { seed: 1 });
  const sim = startSim({ world: scenario.world, targetBudget: scenario.targetBudget, otc: { pollsUntilDone: 4 } });
  const dir = mkdtempSync(join(tmpdir(), "ot3c-crash-"));
  const stateDir = join(dir, "state");
  const cfg = join(dir, "ot3c.yaml");
  const yaml = sim
    .configYaml()
    .replace(/^enforce:.*$/m, "")
    .replace(/^target-budget:.*$/m, `target-budget: ${Math.round(scenario.targetBudget * 0.9)}`);
  writeFileSync(
    cfg,
    `${yaml}\nenforce: true\ntermination-grace: 2s\nplanner: {mode: classic}\nmax-terminations-per-run: 1000\n` +
      `sync-interval: 1h\nstale-after: 2h\nstate-dir: ${stateDir}\nlog-level: info\n` +
      // Enforcing without approval and without a channel is refused unless said to be intended (src/notify/guard.ts).
      "notify: {none: true}\n",
    { mode: 0o600 },
  );
  const env = { OT3C_JOB_POLL_MS: "25", OT3C_TICK_MS: "100" };
  const firstDeadline = new Map<string, number>();
  const approvedBy = new Map<string, string>();
  const vetoed = new Set<string>();
  const report: CrashReport = {
    kills: 0,
    killsWhileExecuting: 0,
    doubleCalls: [],
    vetoed: [],
    vetoViolations: [],
    approved: [],
    approvalViolations: [],
    deadlineViolations: [],
    items: {},
    failures: [],
    deleteCalls: 0,
    cleanExitCode: null,
    durationMs: 0,
  };

  const observe = () => {
    const store = Store.open(stateDir);
    try {
      for (const item of store.listItems()) {
        const first = firstDeadline.get(item.id);
        if (first === undefined) firstDeadline.set(item.id, item.deadline);
        else if (first !== item.deadline) report.deadlineViolations.push(`${item.id}: ${first} → ${item.deadline}`);
        if (approvedBy.has(item.id) && (item.state === "PENDING" || item.approvedBy !== approvedBy.get(item.id))) {
          report.approvalViolations.push(`${item.id}: ${item.state}, approvedBy ${item.approvedBy}`);
        }
        if (vetoed.has(item.id) && item.state !== "VETOED") report.vetoViolations.push(`${item.id}: ${item.state}`);
      }
    } finally {
      store.close();
    }
  };

  let d: Proc | undefined;
  try {
    // First start: let it plan, then an operator vetoes and approves some items over the control socket.
    d = spawnOt3c(["daemon", "--config", cfg], env);
    await d.waitFor(/plan reconciled/);
    const client = await ControlSocketClient.connect(join(stateDir, "ot3c.sock"));
    const snap = ((await client.request({ cmd: "snapshot" })) as { snapshot?: EngineSnapshot }).snapshot!;
    const pending = snap.plan.filter((i) => i.state === "PENDING");
    const toVeto = pending.slice(0, 3).map((i) => i.id);
    const toApprove = pending.slice(3, 5).map((i) => i.id);
    const rv = await client.send({ type: "veto", ids: toVeto, reason: "crash test: keep", actor: "tester", source: "cli" });
    const ra = await client.send({ type: "approve", ids: toApprove, actor: "approver", source: "cli" });
    client.close();
    for (const r of rv.results) if (r.ok) vetoed.add(r.id);
    for (const r of ra.results) if (r.ok) approvedBy.set(r.id, "approver");
    log(`planned ${pending.length}; vetoed ${[...vetoed].join(",")}; approved ${[...approvedBy.keys()].join(",")}`);

    for (let k = 0; k < opts.kills; k++) {
      if (!d) {
        d = spawnOt3c(["daemon", "--config", cfg], env);
        await d.waitFor(/engine started/);
      }
      // Kill at a random point after execution starts (or after a while when there is nothing to execute).
      const executing = await Promise.race([d.waitFor(/"msg":"(delete|stop) /, 3000).then(() => true), Bun.sleep(3000).then(() => false)]).catch(() => false);
      await Bun.sleep(Math.floor(random() * (executing ? 500 : 50)));
      d.proc.kill("SIGKILL");
      await d.proc.exited;
      d = undefined;
      report.kills++;
      if (executing) report.killsWhileExecuting++;
      observe();
      if (k === 4) {
        // While the daemon is down, an operator vetoes one more pending item straight on the state database.
        const store = Store.open(stateDir);
        const next = store.listItems({ states: ["PENDING"] })[0];
        if (next) {
          const r = applyCommand(store, { type: "veto", ids: [next.id], reason: "vetoed while down", actor: "tester", source: "cli" }, Date.now());
          if (r.ok) vetoed.add(next.id);
        }
        store.close();
      }
    }

    // Final run without kills: everything due finishes; then a clean SIGTERM.
    d = spawnOt3c(["daemon", "--config", cfg], env);
    await d.waitFor(/engine started/);
    for (let i = 0; i < 300; i++) {
      const store = Store.open(stateDir);
      const open = store.listItems({ states: ["PENDING", "APPROVED", "EXECUTING"] }).filter((x) => x.deadline <= Date.now());
      store.close();
      if (open.length === 0) break;
      await Bun.sleep(100);
    }
    d.proc.kill("SIGTERM");
    report.cleanExitCode = await d.proc.exited;
    d = undefined;
    observe();

    const store = Store.open(stateDir);
    const items = store.listItems();
    for (const i of items) report.items[i.state] = (report.items[i.state] ?? 0) + 1;
    for (const i of items) if (i.state === "FAILED") report.failures.push(`${i.id} ${i.vrId.slice(0, 40)}: ${(i.error ?? "").slice(0, 400)}`);
    for (const id of vetoed) {
      const item = store.getItem(id)!;
      for (const r of item.resources) {
        for (const [key, n] of sim.world.mutations.calls) if (key.endsWith(`:${r.id}`) && n > 0) report.vetoViolations.push(`${id}: ${key} × ${n}`);
      }
    }
    store.close();
    for (const [key, n] of sim.world.mutations.calls) {
      if (/\.(delete|stop):/.test(key)) report.deleteCalls += n;
      if (n > 1) report.doubleCalls.push(`${key} × ${n}`);
    }
    report.vetoed = [...vetoed];
    report.approved = [...approvedBy.keys()];
  } finally {
    d?.proc.kill("SIGKILL");
    await sim.stop();
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else log(`work directory kept: ${dir}`);
  }
  report.durationMs = Math.round(performance.now() - started);
  return report;
}
