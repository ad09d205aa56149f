/**
 * `ot3c demo`: the simulated clouds, the engine (enforcing against the simulator only), the chargeback pipeline,
 * the metrics port and the TUI in one process, with a scenario that overruns its budget. `--headless` (or no
 * terminal) prints the addresses and a live status line instead of the TUI.
 */
import { InvalidArgumentError, type Command } from "commander";
import { globalsOf } from "../globals.ts";

function seed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a non-negative integer");
  return n;
}

/** Go-style duration ("3m", "90s", "1m30s"); the demo wants seconds to an hour. */
function grace(value: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let consumed = 0;
  for (const m of value.trim().matchAll(re)) {
    total += Number(m[1]) * unit[m[2]!]!;
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== value.trim().length) throw new InvalidArgumentError('must be a duration such as "3m" or "90s"');
  if (total < 1000 || total > 3_600_000) throw new InvalidArgumentError("must be between 1s and 1h");
  return total;
}

function listen(value: string): string {
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(value)) throw new InvalidArgumentError('must be host:port, e.g. "127.0.0.1:9464"');
  return value;
}

interface DemoFlags {
  headless?: boolean;
  seed: number;
  grace: number;
  metricsListen?: string;
}

export function register(program: Command): void {
  program
    .command("demo")
    .description("everything against embedded simulated clouds: engine (enforcing on the simulator only), chargeback, metrics port, TUI")
    .option("--headless", "no TUI: print the metrics/simulator URLs and a status line every 10 s until Ctrl-C")
    .option("--seed <n>", "scenario seed (same seed, same resources and costs)", seed, 1)
    .option("--grace <duration>", "termination grace of the demo", grace, 180_000)
    .option("--metrics-listen <host:port>", "metrics port address (default: a free port on 127.0.0.1)", listen)
    .action(async (flags: DemoFlags, cmd: Command) => {
      const g = globalsOf(cmd);
      const { runDemo } = await import("../../demo/run.ts");
      const code = await runDemo({
        headless: flags.headless === true,
        seed: flags.seed,
        graceMs: flags.grace,
        ...(g.stateDir ? { stateDir: g.stateDir } : {}),
        ...(flags.metricsListen ? { metricsListen: flags.metricsListen } : {}),
        ...(g.logLevel ? { logLevel: g.logLevel } : {}),
        color: g.color && !process.env.NO_COLOR,
      });
      if (code !== 0) process.exitCode = code;
    });
}
