/**
 * `ot3c status`: the running daemon's view — leader and epoch, last sync, and the plan items it will act on, with
 * absolute deadlines. Finds the daemon like the TUI does (src/daemon/discovery.ts); `--watch` prints a new
 * document on every change (JSON: one per line; YAML: `---` between documents).
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";
import { outputOption, type OutputFormat } from "../output.ts";
import { addScopeOptions, choiceOf, type ScopeChoice } from "../scope-options.ts";

export function register(program: Command): void {
  const status = program
    .command("status")
    .description("what the running daemon will do: leader, epoch, last sync, its plan items and deadlines")
    .addOption(outputOption())
    .option("--watch", "keep printing the status whenever it changes (Ctrl-C ends)");
  addScopeOptions(status).action(async (opts: { output: OutputFormat; watch?: boolean } & ScopeChoice, cmd: Command) => {
      const { runStatus } = await import("../../daemon/status-command.ts");
      const code = await runStatus({ globals: globalsOf(cmd), output: opts.output, watch: opts.watch === true, choice: choiceOf(opts) });
      if (code !== 0) process.exitCode = code;
    });
}
