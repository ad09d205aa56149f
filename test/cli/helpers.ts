/**
 * Shared by the CLI command tests: a simulator on 127.0.0.1 with a small generated world, config files written
 * from its `configYaml()`, and `run()` — the CLI in-process through `runCli`, capturing what the command writes
 * to `process.stdout` / `process.stderr`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/program.ts";
import { setLogger } from "../../src/log/logger.ts";
import { clearSecrets } from "../../src/util/redact.ts";
import { generateScenario, type Scenario } from "../../src/sim/scenario/index.ts";
import { startSim, type RunningSim } from "../../src/sim/server.ts";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

const dirs: string[] = [];

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "ot3c-cli-"));
  dirs.push(d);
  return d;
}

export function cleanupTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/**
 * Runs `ot3c <args>` in-process (with `env` set for the run); stdout/stderr are captured, and the secrets registry and
 * logger start afresh.
 */
export async function run(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const savedEnv: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    savedEnv[k] = process.env[k];
    process.env[k] = v;
  }
  // runCli reports process.exitCode, which a previous in-process run may have left set.
  process.exitCode = 0;
  let out = "";
  let err = "";
  const origOut = process.stdout.write;
  const origErr = process.stderr.write;
  const origCwd = process.cwd();
  process.stdout.write = ((c: string | Uint8Array) => ((out += typeof c === "string" ? c : new TextDecoder().decode(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((err += typeof c === "string" ? c : new TextDecoder().decode(c)), true)) as typeof process.stderr.write;
  if (opts.cwd) process.chdir(opts.cwd);
  try {
    const code = await runCli(["bun", "ot3c", ...args]);
    return { code, out, err };
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
    if (opts.cwd) process.chdir(origCwd);
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.exitCode = 0;
    clearSecrets();
    setLogger(undefined);
  }
}

/** A small but complete world: every kind, groups, untagged, deleted (ghosts), other instances. */
export function smallScenario(seed = 11): Scenario {
  return generateScenario({ seed, now: Date.now(), ecs: 18, evs: 30, cceClusters: 1, cceNodePools: 3, rds: 4, untaggedExtras: 2, instanceShare: 0.15, days: 45 });
}

export interface SimFixture {
  sim: RunningSim;
  scenario: Scenario;
  dir: string;
  /** The simulator's own config file. */
  config: string;
  /** Writes a variant of the config (lines replaced or appended) and returns its path. */
  variant(edit: (yaml: string) => string, name?: string): string;
  stateDir: string;
  stop(): Promise<void>;
}

export function startSimFixture(scenario = smallScenario()): SimFixture {
  const sim = startSim({ world: scenario.world, port: 0, hostname: "127.0.0.1", targetBudget: scenario.targetBudget });
  const dir = tempDir();
  const stateDir = join(dir, "state");
  const config = join(dir, "ot3c.yaml");
  writeFileSync(config, sim.configYaml(), { mode: 0o600 });
  let n = 0;
  return {
    sim,
    scenario,
    dir,
    config,
    stateDir,
    variant(edit, name) {
      const file = join(dir, name ?? `variant-${++n}.yaml`);
      writeFileSync(file, edit(sim.configYaml()), { mode: 0o600 });
      return file;
    },
    stop: () => sim.stop(),
  };
}

/** `--config FILE --state-dir DIR` for a fixture. */
export function globals(f: SimFixture, config = f.config): string[] {
  return ["--config", config, "--state-dir", f.stateDir];
}
