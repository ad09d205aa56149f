/**
 * `ot3c dump-data [--out FILE]`: every Financial Dashboard cost record of the billing period and of the history the
 * forecast reads (the same range `list` and `plan` fetch), as CSV with a header row. Default file `output.csv`
 * as in the seed; `--out -` prints to stdout. Only the dashboard is asked (no OTC inventory needed).
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";
import { addOutFile } from "../output.ts";

export function register(program: Command): void {
  const cmd = program.command("dump-data").description("write all cost records of the period (and the history the forecast uses) as CSV");
  addOutFile(cmd, "output file; - for stdout", "output.csv");
  cmd.action(async (opts: { out: string }, cmd: Command) => {
      const [{ loadConfigFromGlobals }, sources, csv] = await Promise.all([
        import("../../config/from-cli.ts"),
        import("../../providers/sources.ts"),
        import("../render/csv.ts"),
      ]);
      const config = await loadConfigFromGlobals(globalsOf(cmd));
      const cloud = sources.createCloudSources(config);
      const range = sources.costRange(Date.now(), config);
      const { addDays } = await import("../../engine/period.ts");
      const last = addDays(range.toExclusive, -1);
      process.stderr.write(`ot3c: reading Financial Dashboard costs ${range.from} … ${last} (period ${range.period.startDate} … ${range.period.endDate}, end exclusive)\n`);
      let records;
      try {
        records = csv.sortCostRecords(await cloud.inventory.listCosts(range.from, range.toExclusive));
      } catch (err) {
        const { redact } = await import("../../util/redact.ts");
        throw new Error(`reading costs failed: ${redact((err as Error)?.message ?? String(err))}`);
      }

      const { writeOut } = await import("../write-out.ts");
      let n = 0;
      const file = await writeOut(opts.out, (w) => void (n = csv.writeCostsCsv(records, w)));
      if (file === "-") return;
      process.stderr.write(`ot3c: wrote ${n} cost records to ${file}\n`);
    });
}
