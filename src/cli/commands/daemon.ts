/**
 * `ot3c daemon` (also `ot3c --daemon`): the headless engine for systemd — sync loop, grace timers, executor,
 * owner notification, control socket; JSON log lines with journald priority prefixes on stdout.
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";

export function register(program: Command): void {
  program
    .command("daemon")
    .description("run the engine headless (systemd: Type=notify; SIGTERM stops, SIGHUP reloads the config)")
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      const { runEngineProcess } = await import("../../daemon/runtime.ts");
      const code = await runEngineProcess({ mode: "daemon", configPath: g.config, stateDir: g.stateDir, logLevel: g.logLevel, color: false });
      if (code !== 0) process.exitCode = code;
    });
}
