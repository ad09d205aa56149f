/**
 * `ot3c time [--at TIME] [--output text|json|yaml]`: the billing period containing now (or TIME), in the
 * dashboard's time zone. Works without a configuration file (begin day 1), like the seed's `time`; a file that
 * exists but is invalid is still an error (exit 78), so a typo in `billing-begin` does not go unnoticed.
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";
import { outputOption, printOutput, type OutputFormat } from "../output.ts";

export function register(program: Command): void {
  program
    .command("time")
    .description("print the current billing period (Europe/Berlin calendar days, end exclusive)")
    .option("--at <time>", "show the period containing this instant (RFC3339) instead of now")
    .addOption(outputOption())
    .action(async (opts: { at?: string; output: OutputFormat }, cmd: Command) => {
      const g = globalsOf(cmd);
      const { billingPeriod, lastDayOf, daysBetween, isoDay, DEFAULT_TIME_ZONE } = await import("../../engine/period.ts");
      const { utcIso, zonedTime, durationText } = await import("../../format/index.ts");
      const { ConfigError } = await import("../../config/types.ts");

      let now = Date.now();
      if (opts.at !== undefined) {
        now = Date.parse(opts.at);
        if (!Number.isFinite(now)) {
          process.stderr.write(`ot3c time: --at ${JSON.stringify(opts.at)} is not a time (use RFC3339, e.g. 2026-11-22T12:00:00+01:00)\n`);
          process.exitCode = 2;
          return;
        }
      }

      let beginDay = 1;
      let source = "defaults (no configuration file found)";
      const { locateConfig } = await import("../../config/load.ts");
      let found = true;
      try {
        locateConfig({ path: g.config });
      } catch (err) {
        // Only "nothing found" falls back to defaults; a named file that is missing stays an error.
        if (!(err instanceof ConfigError) || g.config || process.env.OT3C_CONFIG) throw err;
        found = false;
      }
      if (found) {
        const { loadConfigFromGlobals } = await import("../../config/from-cli.ts");
        const config = await loadConfigFromGlobals(g);
        beginDay = config.billingBeginDay;
        source = config.sourcePath ?? "configuration";
      }

      const tz = DEFAULT_TIME_ZONE;
      const p = billingPeriod(now, beginDay, tz);
      const elapsedDays = daysBetween(p.startDate, isoDay(now, tz)) + 1;
      const remainingMs = Math.max(0, p.end - now);
      const data = {
        timeZone: tz,
        beginDay,
        start: utcIso(p.start),
        end: utcIso(p.end),
        startDate: p.startDate,
        endDate: p.endDate,
        lastDay: lastDayOf(p),
        days: p.days,
        dayOfPeriod: Math.min(p.days, elapsedDays),
        remainingMs,
        config: source,
      };
      await printOutput(opts.output, data, () =>
        [
          `Billing period: ${p.startDate} – ${data.lastDay} (${p.days} days, ${tz}, begins on day ${beginDay})`,
          `Start: ${zonedTime(p.start, tz)}`,
          `End:   ${zonedTime(p.end, tz)} (exclusive)`,
          `Now:   day ${data.dayOfPeriod} of ${p.days}; ${durationText(remainingMs)} left`,
        ].join("\n"),
      );
    });
}
