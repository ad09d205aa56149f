/**
 * `ot3c verify`: preflight — the configuration loads (a bad one exits 78 before any check), then every endpoint
 * is reachable and authorised: Enterprise Dashboard, OTC IAM project, ECS, EVS, CCE, RDS. GO/NO-GO per check;
 * exit 0 only when all are GO, else 1. Implementation loads lazily.
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";
import { outputOption, printOutput, type OutputFormat } from "../output.ts";

export function register(program: Command): void {
  program
    .command("verify")
    .description("preflight: configuration, credentials, every endpoint reachable and authorised (GO/NO-GO; exit 0 only if all GO)")
    .addOption(outputOption())
    .action(async (opts: { output: OutputFormat }, cmd: Command) => {
      const [{ loadConfigFromGlobals }, { createCloudSources }, { verifyDocument, renderVerifyText }] = await Promise.all([
        import("../../config/from-cli.ts"),
        import("../../providers/sources.ts"),
        import("../render/verify.ts"),
      ]);
      const config = await loadConfigFromGlobals(globalsOf(cmd));
      // A preflight answers quickly: one retry covers a blip, while the default backoff (4 retries) would keep an
      // operator waiting ~15 s on an endpoint that is simply wrong. Syncs keep the patient defaults.
      const quick = { retries: 1, timeoutMs: 10_000 };
      const sources = createCloudSources(config, { otc: quick, dashboardHttp: quick });
      const checks = await sources.checks();
      if (config.chargeback) {
        // Only when chargeback is configured: Costs, Org, IAM, Prometheus (and confirm-prometheus) GO/NO-GO rows.
        const { chargebackChecks } = await import("../../providers/confluent/checks.ts");
        for (const c of await chargebackChecks(config.chargeback, quick)) checks.push({ name: c.name, ok: c.ok, detail: c.detail });
      }
      // Owners that cannot be told: NO-GO where the engine would refuse to start, else a warning.
      const { ownerReach } = await import("../../notify/guard.ts");
      const { projectLabel } = await import("../../config/project-label.ts");
      const reach = ownerReach(config);
      if (reach.refusal) checks.push({ name: "Owner notification", ok: false, detail: reach.refusal });
      const doc = verifyDocument({
        warnings: reach.warning && !reach.refusal ? [reach.warning] : [],
        configPath: config.sourcePath,
        project: projectLabel(config).name,
        region: projectLabel(config).region,
        ...(projectLabel(config).fleet ? { fleet: true as const } : {}),
        dashboardApi: config.dashboardApi,
        enforce: config.enforce,
        checks,
      });
      await printOutput(opts.output, doc, () => renderVerifyText(doc));
      if (!doc.ok) process.exitCode = 1;
    });
}
