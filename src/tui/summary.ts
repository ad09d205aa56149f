/**
 * The plain-text summary printed instead of the TUI when stdin or stdout is not a terminal (pipes, cron, CI):
 * budget, status, pending items and a hint where to go next. ASCII only, no colour, stable enough to grep.
 * Every cloud-derived field (ids, owners, alerts, errors) is shown with its control characters escaped.
 */
import type { EngineSnapshot } from "../engine/types.ts";
import { age, countdown, money, signedMoney, unitsOf, zonedTime } from "./format.ts";
import { indexUnits, memberLines, planMembers } from "../format/members.ts";
import { terminalSafe as safe } from "../util/terminal-safe.ts";

const STATUS_WORD = { OK: "OK", AT_RISK: "AT RISK", OVER: "OVER" } as const;

export const NON_TTY_HINT =
  "Not a terminal, so no TUI. For scripts use `ot3c list`, `ot3c plan` or `ot3c list --output json`;\n" +
  "approve/veto/postpone with `ot3c approve ID`, `ot3c veto ID --reason TEXT`, `ot3c postpone ID --by 4h`.";

export function textSummary(snap: EngineSnapshot, connection: string, now: number): string {
  const p = snap.period;
  const lines: string[] = [];
  lines.push(
    `ot3c ${safe(snap.project.name)} (${safe(snap.project.region)}), period ${p.startDate} to ${new Date(p.end - 1).toISOString().slice(0, 10)}, ${snap.mode}, approval ${snap.approval}, ${connection}`,
  );
  const b = snap.budget;
  const { currency: c, tz } = unitsOf(snap);
  if (b) {
    lines.push(
      `status: ${STATUS_WORD[b.status]}  budget ${money(b.target, c)}  spent ${money(b.spendSoFar, c)}  forecast P50 ${money(b.forecast.p50, c)} (P10 ${money(b.forecast.p10, c)} - P90 ${money(b.forecast.p90, c)})  gap ${signedMoney(b.gap, c)}`,
      `burn: ${money(b.burnPerHour, c)}/h, ${money(b.burnPerDay, c)}/d` + (b.baselineExceedsBudget ? "  (baseline alone exceeds the budget)" : ""),
    );
  } else {
    lines.push("status: NO DATA (no successful sync yet)");
  }
  const sync = snap.sync;
  lines.push(
    `sync: ${sync.state}` +
      (sync.lastSuccessAt !== undefined ? `, last success ${age(now - sync.lastSuccessAt)} ago` : "") +
      (sync.state === "DEGRADED" && sync.error ? ` (${safe(sync.error)})` : ""),
  );
  for (const a of snap.alerts) lines.push(`alert: ${safe(a)}`);
  const pending = snap.plan.filter((i) => i.state === "PENDING" || i.state === "APPROVED").sort((a, b) => a.deadline - b.deadline);
  lines.push(`pending terminations: ${pending.length}`);
  const units = indexUnits(snap.resources);
  for (const i of pending) {
    const name = units.get(i.vrId)?.name;
    lines.push(
      `  ${i.id}  ${i.state.padEnd(8)} ${i.action.padEnd(6)} ${name && name !== i.vrId ? `${safe(name)} ` : ""}${safe(i.vrId)}  prio ${i.prio}  owner ${safe(i.owner ?? "-")}  saving ${money(i.tsave, c)}  deadline ${zonedTime(i.deadline, tz)} (${countdown(i.deadline, now) === "due" ? "due" : "in " + countdown(i.deadline, now)})`,
      ...memberLines(planMembers(i, units, snap.forecasts), c, "      - ").map(safe),
    );
  }
  lines.push("", NON_TTY_HINT);
  return lines.join("\n") + "\n";
}
