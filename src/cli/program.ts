/**
 * Commander wiring. Each command lives in src/cli/commands/<name>.ts and exports `register(program)`; those
 * modules import only commander and types at the top and load their implementation inside the action, so that
 * `ot3c --version` and `--help` never pay for Ink, SQLite or HTTP clients.
 */
import { Command, CommanderError, Option } from "commander";
import { VERSION, versionLine } from "./version.ts";
import { EXIT_CONFIG, EXIT_FAILURE, EXIT_USAGE } from "../config/types.ts";
import { COMMANDS } from "./commands/index.ts";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("ot3c")
    .description(
      "T Cloud Public cost control (forecast, budget, termination plan, grace, termination)\n" +
        "and a Confluent Cloud chargeback exporter, in one binary.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .option("-c, --config <file>", "configuration file (else $OT3C_CONFIG, ./ot3c.yaml, $CONFIGURATION_DIRECTORY/ot3c.yaml, ~/ot3c.yaml)")
    .option("--state-dir <dir>", "state directory (else state-dir in the config, $STATE_DIRECTORY, ~/.local/state/ot3c)")
    .addOption(new Option("--log-level <level>", "log level").choices(["debug", "info", "warn", "error"]))
    .option("--no-color", "disable colour (NO_COLOR and TERM=dumb are honoured too)")
    .option("--daemon", "run headless under systemd (same as `ot3c daemon`)")
    .showSuggestionAfterError(true)
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return 0;
    return EXIT_USAGE;
  }
  if ((err as { name?: string })?.name === "ConfigError") return EXIT_CONFIG;
  return EXIT_FAILURE;
}

export async function runCli(argv: string[]): Promise<number> {
  // Commands report failure through process.exitCode; start clean so an earlier in-process run cannot leak into this one.
  process.exitCode = 0;
  const program = buildProgram();
  // `ot3c --daemon` is the systemd spelling of `ot3c daemon`.
  const args = argv.slice(2);
  // The commit is looked up only here (from source that means asking git), not on every start.
  if (args.length === 1 && (args[0] === "-V" || args[0] === "--version")) {
    process.stdout.write(versionLine() + "\n");
    return 0;
  }
  const daemonFlag = args.indexOf("--daemon");
  if (daemonFlag >= 0 && !args.some((a) => a === "daemon")) {
    args.splice(daemonFlag, 1);
    args.push("daemon");
  }
  try {
    await program.parseAsync(args, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    const code = exitCodeFor(err);
    if (!(err instanceof CommanderError)) {
      const { redact } = await import("../util/redact.ts");
      const { terminalSafeText } = await import("../util/terminal-safe.ts");
      // Error messages quote remote answers: redacted, and nothing in them acts on the terminal.
      process.stderr.write(`ot3c: ${terminalSafeText(redact((err as Error)?.message ?? String(err)))}\n`);
    }
    return code;
  }
}
