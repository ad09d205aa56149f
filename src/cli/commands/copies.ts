/**
 * `ot3c copies`: the copies (RDS manual backups) ot3c made before a snapshot-delete — from the state database —
 * each looked up in the cloud (still there? its status and size) and marked EXPIRED once older than
 * `actions.copy-retention`. They are listed for a person to decide; ot3c never deletes a copy (they bill per GB).
 * `--expired` lists only those past retention. Exit 0 also when some are expired (a report, not a check).
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.ts";
import { outputOption, printOutput, type OutputFormat } from "../output.ts";

/** `actions.copy-retention`'s schema default (config/schema-parking.ts), for configs without an `actions:` section. */
const DEFAULT_RETENTION_MS = 720 * 3_600_000;

export function register(program: Command): void {
  program
    .command("copies")
    .description("copies (RDS backups) ot3c made before deleting, checked in the cloud; older than actions.copy-retention = EXPIRED (never deleted by ot3c)")
    .option("--expired", "only the copies older than the retention")
    .addOption(outputOption())
    .action(async (opts: { expired?: boolean; output: OutputFormat }, cmd: Command) => {
      const [{ loadConfigFromGlobals }, { createOtcProvider }, { checkCopies, copiesMade }, fs, path, fmt] = await Promise.all([
        import("../../config/from-cli.ts"),
        import("../../providers/otc/index.ts"),
        import("../../engine/parking/index.ts"),
        import("node:fs"),
        import("node:path"),
        import("../../format/index.ts"),
      ]);
      const config = await loadConfigFromGlobals(globalsOf(cmd));
      const retention = config.actions?.copyRetentionMs ?? DEFAULT_RETENTION_MS;
      const now = Date.now();
      let made: ReturnType<typeof copiesMade> = [];
      // Never creates a state database: without one, ot3c has made no copies here.
      if (fs.existsSync(path.join(config.stateDir, "ot3c.db"))) {
        const { Store } = await import("../../store/store.ts");
        const store = Store.open(config.stateDir);
        try {
          made = copiesMade(store, { now, billingBeginDay: config.billingBeginDay, copyRetentionMs: retention });
        } finally {
          store.close();
        }
      }
      const listed = opts.expired ? made.filter((c) => c.expired) : made;
      const checked = listed.length > 0 ? await checkCopies(listed, createOtcProvider(config.otc).actions) : [];
      const tz = fmt.DEFAULT_TIME_ZONE;
      const doc = {
        version: 1 as const,
        retention: fmt.durationText(retention),
        expired: checked.filter((c) => c.expired).length,
        total: made.length,
        copies: checked.map((c) => ({
          item: c.itemId,
          resource: `${c.resourceKind} ${c.resourceId}`,
          resourceName: c.resourceName,
          name: c.name,
          madeAt: fmt.utcIso(c.madeAt),
          expired: c.expired,
          cloud: c.cloud,
        })),
      };
      await printOutput(opts.output, doc, () => {
        const lines = [`${doc.total} copies made by ot3c; ${doc.expired} older than ${doc.retention} (listed for review, never deleted by ot3c)`];
        for (const c of checked) {
          const cloud = c.cloud.state === "present" ? `${c.cloud.status}${c.cloud.sizeGb !== undefined ? ` ${c.cloud.sizeGb} GB` : ""}` : c.cloud.state === "gone" ? "gone (deleted by someone)" : `unchecked: ${c.cloud.error}`;
          lines.push(`${c.expired ? "EXPIRED" : "kept   "} ${fmt.zonedTime(c.madeAt, tz)}  ${c.name}  of ${c.resourceKind} ${c.resourceName} (item ${c.itemId})  ${cloud}`);
        }
        return lines.join("\n");
      });
    });
}
