/** `ot3c notify test [--to ADDRESS]`: a test message through every configured channel (exit 1 if any fails or none is set). */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";
import { outputOption, printOutput, type OutputFormat } from "../output.ts";

export function register(program: Command): void {
  const notify = program.command("notify").description("owner notifications");
  notify
    .command("test")
    .description("send a test message through every configured channel (SMTP to --to or notify.default-owner, webhook)")
    .option("--to <address>", "mail recipient for the test (default: notify.default-owner)")
    .addOption(outputOption())
    .action(async (opts: { to?: string; output: OutputFormat }, cmd: Command) => {
      const [{ loadConfigFromGlobals }, { sendTestNotification }, { ownerReach }] = await Promise.all([
        import("../../config/from-cli.ts"),
        import("../../notify/test-send.ts"),
        import("../../notify/guard.ts"),
      ]);
      const config = await loadConfigFromGlobals(globalsOf(cmd));
      const project = (await import("../../config/project-label.ts")).projectLabel(config).name;
      const results = await sendTestNotification(config.notify, { to: opts.to, project, now: Date.now() });
      const reach = ownerReach(config);
      const doc = { version: 1, ok: results.length > 0 && results.every((r) => r.ok), channels: results, warning: reach.warning ?? null };
      await printOutput(opts.output, doc, () =>
        results.length === 0
          ? `no notification channel is configured: ${reach.warning ?? "notify.none is set"}`
          : results.map((r) => `${r.ok ? "ok    " : "FAILED"} ${r.channel.padEnd(8)} ${r.target}: ${r.detail}`).join("\n"),
      );
      if (!doc.ok) process.exitCode = 1;
    });
}
