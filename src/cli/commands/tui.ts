/**
 * `ot3c` (no subcommand) and `ot3c tui`: the interactive terminal UI when stdin and stdout are terminals,
 * otherwise a plain text summary with a hint. The implementation (Ink, React, the socket client) is loaded only
 * inside the action.
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";

interface TuiFlags {
  readOnly?: boolean;
  standalone?: boolean;
}

export function register(program: Command): void {
  program
    .command("tui", { isDefault: true })
    .description("interactive terminal UI (the default); attaches to a running daemon, else runs the engine in-process")
    .option("--read-only", "look only: keys that change plan items are removed")
    .option("--standalone", "do not attach to a daemon; run the engine in this process")
    // `ot3c lsit` lands here as the default command: report it as the unknown command it is.
    .allowExcessArguments(true)
    .action(async (flags: TuiFlags, cmd: Command) => {
      if (cmd.args.length > 0) {
        const parent = cmd.parent as unknown as { args: string[]; unknownCommand(): never };
        if (parent.args[0] !== "tui") parent.unknownCommand();
        cmd.error(`error: unexpected argument '${cmd.args[0]}'`, { code: "commander.excessArguments", exitCode: 2 });
      }
      const { launchTui } = await import("../../tui/launch.ts");
      const code = await launchTui({ globals: globalsOf(cmd), readOnly: flags.readOnly === true, standalone: flags.standalone === true });
      if (code !== 0) process.exitCode = code;
    });
}
