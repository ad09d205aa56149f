/**
 * `ot3c run`: the daemon's engine in the foreground with human-readable logs — sync → forecast → plan → notify →
 * grace → execute, until Ctrl-C.
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";

export function register(program: Command): void {
  program
    .command("run")
    .description("full loop in the foreground: sync, forecast, plan, notify, wait out the grace, execute")
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      const { runEngineProcess } = await import("../../daemon/runtime.ts");
      const code = await runEngineProcess({ mode: "run", configPath: g.config, stateDir: g.stateDir, logLevel: g.logLevel, color: g.color && !process.env.NO_COLOR && process.stderr.isTTY === true });
      if (code !== 0) process.exitCode = code;
    });
}
