/** `ot3c generate-config [--out FILE] [--force]`: write the commented example configuration. */
import type { Command } from "commander";
import { addOutFile } from "../output.ts";

export function register(program: Command): void {
  const cmd = program.command("generate-config").description("write a commented ot3c.yaml (mode 0600) to start from");
  addOutFile(cmd, 'where to write it ("-" = stdout)', "ot3c.yaml")
    .option("--force", "overwrite an existing file")
    .action(async (opts: { out: string; force?: boolean }) => {
      const { writeExampleConfig, RefusedOverwrite } = await import("../../config/generate.ts");
      try {
        const path = writeExampleConfig({ out: opts.out, force: opts.force });
        if (path !== "-") {
          process.stderr.write(
            `wrote ${path} (mode 0600). Fill in the secrets (or use the OT3C_* environment variables / *-file keys), ` +
              "then run `ot3c config check`.\n",
          );
        }
      } catch (err) {
        if (err instanceof RefusedOverwrite) {
          process.stderr.write(`ot3c: ${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
    });
}
