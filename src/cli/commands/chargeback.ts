/**
 * `ot3c chargeback sync|show|export|backfill`: the Confluent Cloud chargeback pipeline by hand.
 *   sync      fetch costs, objects and usage; allocate new or changed days into `<state-dir>/chargeback.db`
 *   show      totals per principal, Kafka cluster and product (--output text|json|yaml)
 *   export    --format focus-csv (FOCUS 1.2 + x_ columns) or openmetrics (same as backfill)
 *   backfill  OpenMetrics for `promtool tsdb create-blocks-from openmetrics FILE DIR` (--out FILE, else stdout)
 */
import { Option, type Command } from "commander";
import { globalsOf } from "../globals.ts";
import { addOutFile, outputOption, printOutput, type OutputFormat } from "../output.ts";
import type { ChargebackConfig, Config } from "../../config/types.ts";

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

async function setup(cmd: Command): Promise<{ config: Config; cb: ChargebackConfig }> {
  const { loadConfigFromGlobals } = await import("../../config/from-cli.ts");
  const { ConfigError } = await import("../../config/types.ts");
  const config = await loadConfigFromGlobals(globalsOf(cmd));
  if (!config.chargeback) throw new ConfigError("chargeback is not configured: add a chargeback: section (confluent, prometheus)", "chargeback", undefined, undefined, config.sourcePath);
  return { config, cb: config.chargeback };
}

function checkDay(v: string | undefined, flag: string): string | undefined {
  if (v !== undefined && !DAY_RE.test(v)) throw new Error(`${flag} must be a day (YYYY-MM-DD), got "${v}"`);
  return v;
}

/** `writeOut` (src/cli/write-out.ts), loaded with the command's implementation. */
async function writeOut(path: string, produce: (write: (chunk: string) => void) => Promise<unknown> | unknown): Promise<string> {
  return (await import("../write-out.ts")).writeOut(path, produce);
}

async function backfillRange(ledger: import("../../store/chargeback/ledger.ts").Ledger, cb: ChargebackConfig, from?: string, to?: string) {
  const { ScrapeCursor } = await import("../../exporter/chargeback/cursor.ts");
  const range = new ScrapeCursor(ledger, { now: () => Date.now(), cutoffDays: cb.cutoffDays, lookbackDays: cb.lookbackDays }).range();
  const fromHour = from ? Date.parse(`${from}T00:00:00Z`) : range?.first;
  const toHour = to ? Date.parse(`${to}T00:00:00Z`) : range?.end;
  if (fromHour === undefined || toHour === undefined || toHour <= fromHour) return undefined;
  return { fromHour, toHour };
}

export function register(program: Command): void {
  const cb = program.command("chargeback").description("Confluent Cloud chargeback: sync, show, export, backfill");

  cb.command("sync")
    .description("fetch costs, objects and usage; allocate new or changed days into the ledger")
    .option("--full", "refetch and recheck the whole lookback (not only days inside cutoff-days)")
    .addOption(outputOption())
    .action(async (opts: { full?: boolean; output: OutputFormat }, cmd: Command) => {
      const { config, cb } = await setup(cmd);
      const [{ Ledger }, { syncChargeback }, { sourceFromConfig }, { getLogger }] = await Promise.all([
        import("../../store/chargeback/ledger.ts"),
        import("../../store/chargeback/sync.ts"),
        import("../../providers/confluent/source.ts"),
        import("../../log/logger.ts"),
      ]);
      const logger = getLogger().child({ component: "chargeback" });
      const ledger = Ledger.open(config.stateDir);
      try {
        const started = performance.now();
        const res = await syncChargeback(ledger, sourceFromConfig(cb), {
          now: Date.now(),
          lookbackDays: cb.lookbackDays,
          cutoffDays: cb.cutoffDays,
          ckuUsageRatio: cb.ckuUsageRatio,
          full: !!opts.full,
          log: (m) => logger.debug(m),
        });
        const out = { ...res, seconds: Math.round(performance.now() - started) / 1000, ledger: ledger.path };
        await printOutput(opts.output, out, () =>
          `synced ${res.fetchedFrom} … ${res.fetchedTo} (end exclusive): ${res.rowsFetched} cost rows, ${res.daysChecked} day(s) checked, ` +
          `${res.daysRecomputed.length} recomputed, ${res.piecesWritten} pieces, ${res.usageSamples} usage samples in ${out.seconds}s → ${ledger.path}`,
        );
      } finally {
        ledger.close();
      }
    });

  cb.command("show")
    .description("chargeback per principal, Kafka cluster and product")
    .option("--from <day>", "first day (YYYY-MM-DD)")
    .option("--to <day>", "day after the last (YYYY-MM-DD, exclusive)")
    .addOption(new Option("--by <what>", "only one table").choices(["principal", "cluster", "product", "all"]).default("all"))
    .addOption(outputOption())
    .action(async (opts: { from?: string; to?: string; by: "principal" | "cluster" | "product" | "all"; output: OutputFormat }, cmd: Command) => {
      const { config } = await setup(cmd);
      const [{ Ledger }, { chargebackReport, reportText }] = await Promise.all([import("../../store/chargeback/ledger.ts"), import("../../store/chargeback/report.ts")]);
      const ledger = Ledger.open(config.stateDir);
      try {
        const report = chargebackReport(ledger, checkDay(opts.from, "--from"), checkDay(opts.to, "--to"));
        await printOutput(opts.output, report, () => (report.days === 0 ? "the chargeback ledger is empty: run `ot3c chargeback sync` first\n" : reportText(report, opts.by)));
      } finally {
        ledger.close();
      }
    });

  const exp = cb.command("export").description("export the ledger as FOCUS 1.2 CSV or as an OpenMetrics backfill file");
  addOutFile(exp, "output file; - for stdout", "-")
    .addOption(new Option("--format <format>", "export format").choices(["focus-csv", "openmetrics"]).default("focus-csv"))
    .option("--from <day>", "first day (YYYY-MM-DD)")
    .option("--to <day>", "day after the last (YYYY-MM-DD, exclusive)")
    .action(async (opts: { format: "focus-csv" | "openmetrics"; out: string; from?: string; to?: string }, cmd: Command) => {
      const { config, cb } = await setup(cmd);
      const { Ledger } = await import("../../store/chargeback/ledger.ts");
      const ledger = Ledger.open(config.stateDir);
      try {
        const from = checkDay(opts.from, "--from");
        const to = checkDay(opts.to, "--to");
        if (opts.format === "focus-csv") {
          const { writeFocusCsv } = await import("../../exporter/chargeback/focus.ts");
          let n = 0;
          await writeOut(opts.out, (w) => void (n = writeFocusCsv(ledger, from, to, w)));
          process.stderr.write(`ot3c: wrote ${n} FOCUS rows${opts.out === "-" ? "" : ` to ${opts.out}`}\n`);
          return;
        }
        const range = await backfillRange(ledger, cb, from, to);
        if (!range) throw new Error("nothing to export: the ledger has no final day in range (run `ot3c chargeback sync`)");
        const { writeBackfill } = await import("../../exporter/chargeback/backfill.ts");
        let res: { hours: number; samples: number } | undefined;
        await writeOut(opts.out, async (w) => void (res = await writeBackfill(ledger, { ...range, ckuUsageRatio: cb.ckuUsageRatio }, w)));
        process.stderr.write(`ot3c: wrote ${res!.samples} samples over ${res!.hours} hour(s)${opts.out === "-" ? "" : ` to ${opts.out}`}\n`);
      } finally {
        ledger.close();
      }
    });

  // Like export: without --out the file goes to stdout (`ot3c chargeback backfill > data.om`).
  const bf = cb.command("backfill").description("write an OpenMetrics file for `promtool tsdb create-blocks-from openmetrics FILE DIR`");
  addOutFile(bf, "output file; - for stdout", "-")
    .option("--from <day>", "first day (YYYY-MM-DD); default: the first day the exporter would expose")
    .option("--to <day>", "day after the last (exclusive); default: the cutoff")
    .action(async (opts: { out: string; from?: string; to?: string }, cmd: Command) => {
      const { config, cb } = await setup(cmd);
      const [{ Ledger }, { writeBackfill }] = await Promise.all([import("../../store/chargeback/ledger.ts"), import("../../exporter/chargeback/backfill.ts")]);
      const ledger = Ledger.open(config.stateDir);
      try {
        const range = await backfillRange(ledger, cb, checkDay(opts.from, "--from"), checkDay(opts.to, "--to"));
        if (!range) throw new Error("nothing to backfill: the ledger has no final day in range (run `ot3c chargeback sync`)");
        let res: { hours: number; series: number; samples: number } | undefined;
        await writeOut(opts.out, async (w) => void (res = await writeBackfill(ledger, { ...range, ckuUsageRatio: cb.ckuUsageRatio }, w)));
        process.stderr.write(
          `ot3c: wrote ${res!.samples} samples of ${res!.series} series over ${res!.hours} hour(s)` +
            `${opts.out === "-" ? "" : ` to ${opts.out}; load with: promtool tsdb create-blocks-from openmetrics ${opts.out} <prometheus data dir>`}\n`,
        );
      } finally {
        ledger.close();
      }
    });
}
