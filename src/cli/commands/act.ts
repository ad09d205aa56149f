/**
 * `ot3c approve ID…`, `ot3c veto ID… --reason TEXT`, `ot3c postpone ID… --by DURATION`: act on pending
 * terminations. Through the running daemon's control socket when there is one (so its snapshot and notifications
 * follow at once), else directly on the state database (audited with source `cli`).
 */
import { InvalidArgumentError, type Command } from "commander";
import { globalsOf } from "../globals.ts";
import { outputOption, type OutputFormat } from "../output.ts";
import { parseDuration } from "../../format/index.ts";

function duration(value: string): number {
  // The one duration grammar (src/format): "1d", "24h", "90m", "1h30m" — the TUI offers 1d, so the CLI takes it.
  const total = parseDuration(value);
  if (total === undefined) throw new InvalidArgumentError('must be a duration like "1d", "2h", "30m" or "1h30m"');
  if (!(total > 0)) throw new InvalidArgumentError("must be longer than zero");
  return Math.round(total);
}

/** An empty or blank reason is a usage error (exit 2), caught before anything is sent. */
function reason(value: string): string {
  if (!value.trim()) throw new InvalidArgumentError("a veto needs a reason (it goes to the audit trail and the owners)");
  return value;
}

type Action = { type: "approve" } | { type: "veto"; reason: string } | { type: "postpone"; byMs: number; force?: boolean } | { type: "resume" };

async function act(cmd: Command, ids: string[], action: Action, format: OutputFormat, actorFlag?: string): Promise<void> {
  const { actOnItems } = await import("../../daemon/act.ts");
  const g = globalsOf(cmd);
  const outcome = await actOnItems({ configPath: g.config, stateDir: g.stateDir, ids, action, actor: actorFlag });
  const { printOutput } = await import("../output.ts");
  await printOutput(format, outcome, () =>
    [
      `via ${outcome.via}`,
      ...outcome.result.results.map((r) => `${r.ok ? "ok    " : "FAILED"} ${r.id}: ${r.message}`),
    ].join("\n"),
  );
  if (!outcome.result.ok) process.exitCode = 1;
}

export function register(program: Command): void {
  program
    .command("approve")
    .description("approve pending terminations (needed at the deadline with approval: required)")
    .argument("<ids...>", "plan item ids (or exact virtual resource ids)")
    .option("--actor <name>", "who approves (default: $USER@host)")
    .addOption(outputOption())
    .action(async (ids: string[], o: { actor?: string; output: OutputFormat }, cmd: Command) => act(cmd, ids, { type: "approve" }, o.output, o.actor));
  program
    .command("veto")
    .description("veto pending terminations for the rest of the billing period")
    .argument("<ids...>", "plan item ids (or exact virtual resource ids)")
    .requiredOption("--reason <text>", "why (recorded in the audit trail and shown to operators)", reason)
    .option("--actor <name>", "who vetoes (default: $USER@host)")
    .addOption(outputOption())
    .action(async (ids: string[], o: { reason: string; actor?: string; output: OutputFormat }, cmd: Command) =>
      act(cmd, ids, { type: "veto", reason: o.reason }, o.output, o.actor),
    );
  program
    .command("resume")
    .description("start parked resources again now instead of at the next period start (what someone else started or deleted is left alone)")
    .argument("<ids...>", "plan item ids of parks")
    .option("--actor <name>", "who resumes (default: $USER@host)")
    .addOption(outputOption())
    .action(async (ids: string[], o: { actor?: string; output: OutputFormat }, cmd: Command) => act(cmd, ids, { type: "resume" }, o.output, o.actor));
  program
    .command("postpone")
    .description("move the deadline of pending terminations later")
    .argument("<ids...>", "plan item ids (or exact virtual resource ids)")
    .requiredOption("--by <duration>", 'how much later, e.g. "1d", "24h", "90m"', duration)
    .option("--force", "allow a deadline after the billing period ends (the item then saves nothing this period)")
    .option("--actor <name>", "who postpones (default: $USER@host)")
    .addOption(outputOption())
    .action(async (ids: string[], o: { by: number; force?: boolean; actor?: string; output: OutputFormat }, cmd: Command) =>
      act(cmd, ids, { type: "postpone", byMs: o.by, ...(o.force ? { force: true } : {}) }, o.output, o.actor),
    );
}
