/**
 * Failover scenario shared by test/e2e/failover*.test.ts and scripts/soak/failover-soak.ts: several real ot3c
 * daemons for one project on one store — a SQLite state directory, or with `postgresUrl` one PostgreSQL database
 * with a state directory per daemon as on separate hosts (`enforce: true`, the simulator behind them) — the leader
 * SIGKILLed again and again while it executes terminations, a replacement started each time. Reports what must
 * never happen — a stop/delete the simulator received twice, a veto or approval lost — and how long each
 * failover took (kill → another daemon logs that it leads).
 *
 * Each daemon gets its own OT3C_HOST_ID unless `sameHost`, so a takeover waits for the lease to run out, as it
 * would across hosts; on one host a dead holder's pid is noticed at once. With PostgreSQL, every other approval
 * or veto goes through a follower's control socket (the rest straight into the shared store, as `ot3c approve`
 * does when no daemon answers).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSim } from "../../src/sim/server.ts";
import { presetScenario } from "../../src/sim/scenario/index.ts";
import { Store, type StateTarget } from "../../src/store/store.ts";
import { applyCommand } from "../../src/engine/lifecycle.ts";
import { spawnOt3c, type Proc } from "../../test/daemon/process-helpers.ts";
import { ControlSocketClient } from "../../src/daemon/socket-client.ts";
import { mulberry32 } from "../../src/util/random.ts";

export interface FailoverOptions {
  daemons: number;
  kills: number;
  leaseMs: number;
  callTimeoutMs: number;
  sameHost?: boolean;
  /** One PostgreSQL database for all daemons (each with its own state directory, as on separate hosts). */
  postgresUrl?: string;
  seed?: number;
  log?: (line: string) => void;
}

export interface FailoverReport {
  kills: number;
  killsWhileExecuting: number;
  /** kill → the next "leader for" line of another daemon, ms. */
  failoverMs: number[];
  doubleCalls: string[];
  vetoed: number;
  vetoViolations: string[];
  approved: number;
  approvalViolations: string[];
  items: Record<string, number>;
  /** Why items FAILED, counted by reason ("outcome unknown" after a kill mid-call is the expected one). */
  failures: Record<string, number>;
  mutationCalls: number;
  /** Highest epoch reached (one per election). */
  epochs: number;
  exitCodes: number[];
  /** After all the kills (the first one took the socket's server), the control socket still answers a ping. */
  socketAnswers: boolean;
  /** Approvals and vetoes sent through a follower's control socket (PostgreSQL) that it accepted. */
  viaFollowerSocket: number;
  durationMs: number;
}

interface Daemon {
  proc: Proc;
  host: string;
  stateDir: string;
  /** Index into proc lines already scanned for role changes. */
  leaderSince?: number;
}

const LEADER_RE = /"msg":"leader for [^"]*\(epoch (\d+)\)/;

export async function runFailoverScenario(o: FailoverOptions): Promise<FailoverReport> {
  const started = performance.now();
  const log = o.log ?? (() => {});
  const random = mulberry32(o.seed ?? 1);
  const scenario = presetScenario("default", { seed: 1 });
  // jobRunMs: a job finishes by itself, as OTC's do — a leader killed after its delete was accepted but before it
  // journaled the job id leaves a server "deleting" that only time (nobody polls that job) brings to an end.
  const sim = startSim({ world: scenario.world, targetBudget: scenario.targetBudget, otc: { pollsUntilDone: 6, jobRunMs: 500 } });
  const dir = mkdtempSync(join(tmpdir(), "ot3c-failover-"));
  const stateDir = join(dir, "state");
  const target: StateTarget | undefined = o.postgresUrl ? { kind: "postgres", url: o.postgresUrl } : undefined;
  const openStore = () => Store.open(stateDir, target);
  const cfg = join(dir, "ot3c.yaml");
  const yaml = sim
    .configYaml()
    .replace(/^enforce:.*$/m, "")
    .replace(/^target-budget:.*$/m, `target-budget: ${Math.round(scenario.targetBudget * 0.6)}`);
  writeFileSync(
    cfg,
    // approval: required — the harness approves one item before each kill, so every kill has an execution to hit
    // however many kills are asked for.
    `${yaml}\nenforce: true\napproval: required\ntermination-grace: 1s\nplanner: {mode: classic}\nmax-terminations-per-run: 1000\n` +
      `sync-interval: 1h\nstale-after: 2h\nstate-dir: ${stateDir}\nlog-level: info\n` +
      (o.postgresUrl ? `state: ${o.postgresUrl}\n` : ""),
    { mode: 0o600 },
  );
  const report: FailoverReport = {
    kills: 0, killsWhileExecuting: 0, failoverMs: [], doubleCalls: [], vetoed: 0, vetoViolations: [], approved: 0,
    approvalViolations: [], items: {}, failures: {}, mutationCalls: 0, epochs: 0, exitCodes: [], socketAnswers: false, viaFollowerSocket: 0, durationMs: 0,
  };
  const vetoed = new Set<string>();
  const approvedBy = new Map<string, string>();
  let hostSeq = 0;
  const daemons: Daemon[] = [];
  const everyDaemon: Daemon[] = [];
  const spawn = (): Daemon => {
    const host = o.sameHost ? "" : `host-${++hostSeq}`;
    // PostgreSQL: a state directory per "host" (socket, engine lock); the state itself is the shared database.
    const own = o.postgresUrl ? join(dir, `state-${host || hostSeq}`) : stateDir;
    const proc = spawnOt3c(["daemon", "--config", cfg, ...(o.postgresUrl ? ["--state-dir", own] : [])], {
      OT3C_JOB_POLL_MS: "25",
      OT3C_TICK_MS: "100",
      OT3C_LEASE_MS: String(o.leaseMs),
      OT3C_CALL_TIMEOUT_MS: String(o.callTimeoutMs),
      // A leader killed between its journal's "calling" and the request leaves the resource untouched: the next
      // leader observes it this long before it may re-send (production: 30 min), well above a call's lifetime.
      OT3C_AMBIGUOUS_WAIT_MS: String(Math.max(3000, 4 * o.callTimeoutMs)),
      ...(host ? { OT3C_HOST_ID: host } : {}),
    });
    const d: Daemon = { proc, host, stateDir: own };
    daemons.push(d);
    everyDaemon.push(d);
    return d;
  };
  const leaderOf = (): Daemon | undefined => {
    let best: { d: Daemon; epoch: number } | undefined;
    for (const d of daemons) {
      if (d.proc.proc.exitCode !== null || d.proc.proc.killed) continue;
      const lines = d.proc.out;
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i]!;
        if (line.includes('"msg":"no longer leader')) break;
        const m = LEADER_RE.exec(line);
        if (m) {
          if (!best || Number(m[1]) > best.epoch) best = { d, epoch: Number(m[1]) };
          break;
        }
      }
    }
    if (best) report.epochs = Math.max(report.epochs, best.epoch);
    return best?.d;
  };
  const waitLeader = async (ms: number, exclude?: Daemon): Promise<Daemon | undefined> => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const l = leaderOf();
      if (l && l !== exclude) return l;
      await Bun.sleep(20);
    }
    return undefined;
  };
  const observe = () => {
    const store = openStore();
    try {
      for (const item of store.listItems()) {
        if (approvedBy.has(item.id) && (item.state === "PENDING" || item.approvedBy !== approvedBy.get(item.id))) {
          report.approvalViolations.push(`${item.id}: ${item.state}, approvedBy ${item.approvedBy}`);
        }
        if (vetoed.has(item.id) && item.state !== "VETOED") report.vetoViolations.push(`${item.id}: ${item.state}`);
      }
    } finally {
      store.close();
    }
  };
  let operatorSeq = 0;
  /**
   * An operator acts while leaders come and go: into the shared store (what a follower's socket and `ot3c approve`
   * without a daemon do), or with PostgreSQL every other time through a follower's control socket.
   */
  const operator = async (kind: "veto" | "approve", leader: Daemon | undefined): Promise<boolean> => {
    const store = openStore();
    let next: { id: string } | undefined;
    try {
      const pending = store.listItems({ states: ["PENDING"] }).filter((i) => !vetoed.has(i.id) && !approvedBy.has(i.id));
      // Approve the first due item (it runs at the next tick), veto the last one.
      next = kind === "approve" ? pending[0] : pending.at(-1);
    } finally {
      store.close();
    }
    if (!next) return false;
    const cmd = kind === "veto"
      ? { type: "veto" as const, ids: [next.id], reason: "failover test: keep", actor: "tester", source: "cli" as const }
      : { type: "approve" as const, ids: [next.id], actor: "approver", source: "cli" as const };
    const follower = daemons.find((d) => d !== leader && d.proc.proc.exitCode === null);
    let ok = false;
    if (o.postgresUrl && follower && operatorSeq++ % 2 === 0) {
      const c = await ControlSocketClient.tryConnect(join(follower.stateDir, "ot3c.sock"), 2000);
      if (c) {
        try {
          ok = (await c.send(cmd)).ok;
          if (ok) report.viaFollowerSocket++;
        } catch {
          ok = false;
        } finally {
          c.close();
        }
      }
    }
    if (!ok) {
      const s = openStore();
      try {
        ok = applyCommand(s, cmd, Date.now()).ok;
      } finally {
        s.close();
      }
    }
    if (!ok) return false;
    if (kind === "veto") vetoed.add(next.id);
    else approvedBy.set(next.id, "approver");
    return true;
  };

  try {
    for (let i = 0; i < o.daemons; i++) spawn();
    let leader = await waitLeader(30_000);
    if (!leader) throw new Error("no daemon became leader");
    await leader.proc.waitFor(/plan reconciled/, 30_000);
    for (let k = 0; k < o.kills; k++) {
      if (k % 4 === 0) await operator("veto", leader);
      const since = leader.proc.out.length;
      await operator("approve", leader);
      // Kill while it executes: wait (≤ 3 s) for its next stop/delete log line, then a random moment into the call.
      let executing = false;
      for (let i = 0; i < 150 && !executing; i++) {
        executing = leader.proc.out.slice(since).some((l) => /"msg":"(delete|stop) /.test(l));
        if (!executing) await Bun.sleep(20);
      }
      await Bun.sleep(Math.floor(random() * (executing ? 300 : 30)));
      leader.proc.proc.kill("SIGKILL");
      const killedAt = performance.now();
      await leader.proc.proc.exited;
      report.kills++;
      if (executing) report.killsWhileExecuting++;
      daemons.splice(daemons.indexOf(leader), 1);
      const next = await waitLeader(o.leaseMs * 3 + 10_000);
      if (!next) throw new Error(`no failover after kill ${k + 1}`);
      report.failoverMs.push(Math.round(performance.now() - killedAt));
      log(`kill ${k + 1}: ${executing ? "during an execution" : "idle"}; new leader ${next.host || "pid " + next.proc.proc.pid} after ${report.failoverMs.at(-1)} ms`);
      // The replacement must be up (signal handlers installed) before the clean SIGTERM at the end.
      await spawn().proc.waitFor(/engine started/, 30_000);
      leader = next;
      observe();
    }
    // Let the last leader finish what was approved, then stop every daemon cleanly.
    for (let i = 0; i < 600; i++) {
      const store = openStore();
      const open = store.listItems({ states: ["APPROVED", "EXECUTING"] }).filter((x) => x.deadline <= Date.now());
      store.close();
      if (open.length === 0) break;
      await Bun.sleep(100);
    }
    for (let i = 0; i < 50 && !report.socketAnswers; i++) {
      const c = await ControlSocketClient.tryConnect(join(daemons[i % daemons.length]?.stateDir ?? stateDir, "ot3c.sock"), 1000);
      report.socketAnswers = (await c?.request({ cmd: "ping" }, 1000).catch(() => undefined))?.ok === true;
      c?.close();
      if (!report.socketAnswers) await Bun.sleep(100);
    }
    for (const d of daemons) d.proc.proc.kill("SIGTERM");
    for (const d of daemons) report.exitCodes.push(await d.proc.proc.exited);
    daemons.length = 0;
    observe();
    const store = openStore();
    const items = store.listItems();
    for (const i of items) report.items[i.state] = (report.items[i.state] ?? 0) + 1;
    for (const i of items) {
      if (i.state !== "FAILED") continue;
      const why = (i.error ?? "").replace(/[0-9a-f-]{36}/g, "…").replace(/127.0.0.1:\d+/g, "sim").slice(0, 200);
      report.failures[why] = (report.failures[why] ?? 0) + 1;
    }
    for (const id of vetoed) {
      for (const r of store.getItem(id)!.resources) {
        for (const [key, n] of sim.world.mutations.calls) if (key.endsWith(`:${r.id}`) && n > 0) report.vetoViolations.push(`${id}: ${key} × ${n}`);
      }
    }
    store.close();
    for (const [key, n] of sim.world.mutations.calls) {
      if (/\.(delete|stop):/.test(key)) report.mutationCalls += n;
      if (n > 1) report.doubleCalls.push(`${key} × ${n}`);
    }
    report.vetoed = vetoed.size;
    report.approved = approvedBy.size;
  } finally {
    for (const d of daemons) d.proc.proc.kill("SIGKILL");
    // OT3C_FAILOVER_LOGS=dir: every daemon's output, for a failure that needs reading.
    if (process.env.OT3C_FAILOVER_LOGS) {
      for (const [i, d] of everyDaemon.entries()) writeFileSync(join(process.env.OT3C_FAILOVER_LOGS, `daemon-${i + 1}-${d.host || d.proc.proc.pid}.log`), [...d.proc.out, "-- stderr --", ...d.proc.err].join("\n"));
    }
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  report.durationMs = Math.round(performance.now() - started);
  return report;
}
