/**
 * Crash-safety scenario shared by test/e2e/crash.test.ts (≥ 20 kills) and scripts/soak/crash-soak.ts (100 kills):
 * the real ot3c daemon with `enforce: true` against the simulator, SIGKILLed at random points while it executes
 * terminations, and restarted. Afterwards it reports what an operator would care about:
 * - double calls: any stop/delete the simulator received twice for one resource;
 * - vetoes: vetoed items still VETOED and their resources never touched;
 * - approvals: approved items never fell back to PENDING and kept who approved them;
 * - deadlines: every item's deadline as first seen, unchanged to the end.
 *
 * The simulated cloud has the real job timing and loses answers: an accepted job sits in INIT (resource unchanged,
 * ECS `task_state: null`) before it runs and then finishes by itself, and a share of mutations is accepted and then
 * answered with a gateway 502 or a connection reset. The daemon observes for OT3C_AMBIGUOUS_WAIT_MS (longer than
 * INIT + run) before it may call a resource untouched. The report counts ambiguous outcomes, those resolved by
 * observation, and re-sends after proof (audit events `terminate.ambiguous|resolved|resend-after-wait`).
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
import { FaultInjector } from "../../src/sim/faults.ts";

export interface CrashOptions {
  kills: number;
  seed?: number;
  log?: (line: string) => void;
  /** Keep the work directory (state, config) for inspection. */
  keep?: boolean;
  /** Share of mutations accepted and then answered with a 502 or a reset (default 0.15). */
  lostAnswerRate?: number;
  /** How long an accepted job sits in INIT with the resource unchanged (default 2 s: longer than a restart). */
  jobInitHoldMs?: number;
}

/** The simulator's job run time once a job leaves INIT, and the daemon's observation window (> hold + run). */
const JOB_RUN_MS = 400;
const waitFor = (holdMs: number) => 3 * (holdMs + JOB_RUN_MS);

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
  /** Items still EXECUTING at the end, with their journal and last audit events (for diagnosis). */
  stuck: string[];
  deleteCalls: number;
  /** Calls whose answer the simulator dropped after accepting them (502 / reset). */
  lostAnswers: number;
  /** Steps whose outcome was unknown (kill mid-call, reset, 5xx) — audit `terminate.ambiguous`. */
  ambiguous: number;
  /** Of those, resolved by observing the resource or the job — audit `terminate.resolved`. */
  resolvedByObservation: number;
  /** Re-sends after the resource stayed provably untouched for the whole wait — audit `terminate.resend-after-wait`. */
  resentAfterProof: number;
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
  const hold = opts.jobInitHoldMs ?? 2000;
  const lost = new FaultInjector({ rate: opts.lostAnswerRate ?? 0.15, kinds: ["accept-502", "accept-reset"], retryAfterSeconds: 0, slowMs: 0, seed: opts.seed ?? 1 });
  const sim = startSim({
    world: scenario.world,
    targetBudget: scenario.targetBudget,
    faults: lost,
    otc: { pollsUntilDone: 4, jobInitHoldMs: hold, jobRunMs: JOB_RUN_MS },
  });
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
  const env = { OT3C_JOB_POLL_MS: "25", OT3C_TICK_MS: "100", OT3C_AMBIGUOUS_WAIT_MS: String(waitFor(hold)) };
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
    stuck: [],
    deleteCalls: 0,
    lostAnswers: 0,
    ambiguous: 0,
    resolvedByObservation: 0,
    resentAfterProof: 0,
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
    // One tick runs every due item in turn, and each deletion now takes its INIT hold plus its run: allow 2 min.
    for (let i = 0; i < 1200; i++) {
      const store = Store.open(stateDir);
      const open = store.listItems({ states: ["PENDING", "APPROVED", "EXECUTING"] }).filter((x) => x.deadline <= Date.now());
      store.close();
      if (open.length === 0) break;
      await Bun.sleep(100);
    }
    d.proc.kill("SIGTERM");
    report.cleanExitCode = await d.proc.exited;
    const finalLog = [...d.out, ...d.err].filter((l) => !/"msg":"(plan reconciled|sync)/.test(l)).slice(-25);
    d = undefined;
    observe();

    const store = Store.open(stateDir);
    const items = store.listItems();
    for (const i of items) report.items[i.state] = (report.items[i.state] ?? 0) + 1;
    for (const i of items) if (i.state === "FAILED") report.failures.push(`${i.id} ${i.vrId.slice(0, 40)}: ${(i.error ?? "").slice(0, 400)}`);
    for (const i of items.filter((x) => x.state === "EXECUTING")) {
      const trail = store.auditEvents({ itemId: i.id, limit: 5 }).map((e) => `${e.action}: ${e.detail ?? ""}`);
      report.stuck.push(`${i.id} ${JSON.stringify(i.journal)} | ${trail.join(" | ")}`);
    }
    if (report.stuck.length > 0) report.stuck.push(`last lines of the final run:\n${finalLog.join("\n")}`);
    for (const e of store.auditEvents({ limit: 100_000 })) {
      if (e.action === "terminate.ambiguous") report.ambiguous++;
      else if (e.action === "terminate.resolved") report.resolvedByObservation++;
      else if (e.action === "terminate.resend-after-wait") report.resentAfterProof++;
    }
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
    report.lostAnswers = lost.injected["accept-502"] + lost.injected["accept-reset"];
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
