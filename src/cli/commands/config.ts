/** `ot3c config check`: load and validate the configuration, print the effective result with secrets masked. */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";
import { outputOption, printOutput, type OutputFormat } from "../output.ts";

export function register(program: Command): void {
  const config = program.command("config").description("inspect the configuration");
  config
    .command("check")
    .description("validate the configuration and print the effective settings (secrets shown as ***); exit 78 if invalid")
    .addOption(outputOption())
    .action(async (opts: { output: OutputFormat }, cmd: Command) => {
      const g = globalsOf(cmd);
      const { loadConfigFromGlobals } = await import("../../config/from-cli.ts");
      const { effectiveConfig } = await import("../../config/effective.ts");
      const cfg = await loadConfigFromGlobals(g);
      const { ownerReach } = await import("../../notify/guard.ts");
      const effective = effectiveConfig(cfg);
      const reach = ownerReach(cfg);
      const warnings = [...(reach.refusal ? [reach.refusal] : reach.warning ? [reach.warning] : []), ...(cfg.warnings ?? [])];
      const doc = { version: 1, ok: true, source: cfg.sourcePath, warnings, config: effective };
      const { stringify } = await import("yaml");
      for (const w of warnings) process.stderr.write(`ot3c: WARNING: ${w}\n`);
      await printOutput(opts.output, doc, () => `# ${cfg.sourcePath}: configuration OK${warnings.map((w) => `\n# WARNING: ${w}`).join("")}\n${stringify(effective)}`);
    });
}
