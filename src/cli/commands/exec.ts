/**
 * `ot3c exec -f FILE`: run an exported plan file (`ot3c plan --out FILE`) through the same lifecycle as `run`:
 * PENDING with a deadline, notification, grace, re-check, execute. The file is re-read when it changes.
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";

export function register(program: Command): void {
  program
    .command("exec")
    .description("execute a plan file (re-read when it changes) with grace, approval, re-checks and audit")
    .requiredOption("-f, --file <file>", "plan file written by `ot3c plan --out FILE`")
    .action(async (opts: { file: string }, cmd: Command) => {
      const g = globalsOf(cmd);
      const [{ runEngineProcess }, { planFileSource }, { resolve }] = await Promise.all([
        import("../../daemon/runtime.ts"),
        import("../../daemon/plan-file-source.ts"),
        import("node:path"),
      ]);
      const source = planFileSource(resolve(opts.file));
      const code = await runEngineProcess({ mode: "exec", configPath: g.config, stateDir: g.stateDir, logLevel: g.logLevel, color: g.color && process.stderr.isTTY === true, planFile: source });
      if (code !== 0) process.exitCode = code;
    });
}
