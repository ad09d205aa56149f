import type { ReplayScopeReport } from "./scopes.ts";

/**
 * The replay's result: a document (`--output json`, version 1, docs/output.md) and its text rendering.
 */
export interface ReplayDay {
  date: string;
  /** Newest day of cost data the engine saw at the day's end. */
  dataUntil: string | null;
  forecastP50: number;
  gap: number;
  committed: number;
  uncovered: number;
  created: number;
  cancelled: number;
  /** Stop/delete calls that reached the cloud that day. */
  calls: number;
  open: number;
}

export interface ReplaySummary {
  /** Whether cutting managed resources could reach the budget at all. */
  reachable: boolean;
  /** Untouched month-end minus the budget. */
  needed: number;
  overBudget: number;
  /** Budget − month-end spend, when the budget was reachable and spend ended under it. */
  excessCut: number;
  /** Realised month-end saving of the unit acted on last (of the last batch's units that ran together, the largest). */
  lastItemSaving: number;
  /** Untouched month-end − actual month-end. */
  realisedSaving: number;
  terminations: { units: number; resources: number; stops: number; deletes: number; escalations: number };
  /** Fewest units whose deletion at the earliest allowed moment reaches the budget (hindsight); null: unreachable. */
  fewest: number | null;
}

export interface ReplayViolation {
  at: string;
  call: string;
  resource: string;
  name: string;
  violation: string;
}

export interface ReplayReport extends ReplaySummary {
  label: string;
  period: { start: string; end: string };
  planner: string;
  quantile: string;
  graceHours: number;
  lagHours: number;
  currency: string;
  resources: number;
  budget: number;
  untouchedMonthEnd: number;
  monthEnd: number;
  vetoes: number;
  /** Times `max-terminations-per-run` held everything that was due. */
  brakeTrips: number;
  /** The blast-radius brake the run used; null = none (no ot3c.yaml and no --max-terminations). */
  maxTerminationsPerRun: number | null;
  /** Where it came from. */
  brakeFrom: "config" | "flag" | "none";
  days: ReplayDay[];
  violations: ReplayViolation[];
  calls: number;
  /** What the run did that cannot be undone, or costs people time (harm.ts). */
  harm: ReplayHarm;
  /** Park items still parked an hour into the next period (should be none). */
  parkedPastResume: string[];
  /** With named budgets (`budgets:`): the same yardstick per budget (scopes.ts). */
  budgets?: ReplayScopeReport[];
  elapsedMs: number;
}

export interface ReplayHarm {
  serversDeleted: number;
  volumesDeleted: number;
  databasesDeleted: number;
  nodePoolsDeleted: number;
  /** Volumes and databases deleted without a copy that outlives them made first. */
  dataDeletedWithoutCopy: number;
  /** Of which databases. */
  databasesDeletedWithoutCopy: number;
  /** Servers following a schedule that were deleted. */
  scheduledServersDeleted: number;
  /** Copies made before a deletion (RDS manual backups). */
  copies: number;
  /** Σ hours servers were stopped inside the period (parks, schedules, stops). */
  serverHoursStopped: number;
  /** Of which servers that follow a schedule (their nights and weekends, and any park of them). */
  scheduledServerHours: number;
  /** Servers following a schedule. */
  scheduledServers: number;
  /** Σ hours node pools were parked at 0 nodes inside the period. */
  nodePoolHoursParked: number;
}

export function replayDocument(r: ReplayReport): { version: 1; replay: ReplayReport } {
  return { version: 1, replay: r };
}

const fmt = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function renderReplayText(r: ReplayReport): string {
  const c = r.currency;
  const lines: string[] = [];
  lines.push(`Replay ${r.label}: period ${r.period.start} … ${r.period.end} (end exclusive), ${r.resources} resources`);
  lines.push(`planner ${r.planner}, quantile ${r.quantile}, grace ${r.graceHours} h, cost data ${r.lagHours} h late, approval none, enforce (simulated)`);
  lines.push(
    r.maxTerminationsPerRun === null
      ? "max-terminations-per-run: none (no ot3c.yaml found; --max-terminations N replays with a brake)"
      : `max-terminations-per-run: ${r.maxTerminationsPerRun} (from ${r.brakeFrom === "flag" ? "--max-terminations" : "ot3c.yaml"})`,
  );
  lines.push("");
  lines.push("DATE        DATA TO      FORECAST P50         GAP   COMMITTED   UNCOVERED  NEW  CANCEL  CALLS  OPEN");
  for (const d of r.days) {
    lines.push(
      `${d.date}  ${(d.dataUntil ?? "-").padEnd(10)}  ${fmt(d.forecastP50).padStart(12)}  ${fmt(d.gap).padStart(10)}  ${fmt(d.committed).padStart(10)}  ${fmt(d.uncovered).padStart(10)}  ${String(d.created).padStart(3)}  ${String(d.cancelled).padStart(6)}  ${String(d.calls).padStart(5)}  ${String(d.open).padStart(4)}`,
    );
  }
  lines.push("");
  lines.push(`Budget:                ${fmt(r.budget)} ${c}`);
  lines.push(`Untouched month-end:   ${fmt(r.untouchedMonthEnd)} ${c} (what the period costs if nothing is done)`);
  lines.push(`Month-end spend:       ${fmt(r.monthEnd)} ${c} → ${r.monthEnd <= r.budget ? `${fmt(r.budget - r.monthEnd)} ${c} under budget` : `${fmt(r.monthEnd - r.budget)} ${c} OVER budget`}`);
  lines.push(`Budget reachable:      ${r.reachable ? "yes" : "no — the spend no plan may cut exceeds it"}`);
  lines.push(`Excess cut:            ${fmt(r.excessCut)} ${c} (last unit acted on saved ${fmt(r.lastItemSaving)} ${c})`);
  const t = r.terminations;
  lines.push(`Terminations:          ${t.units} units (${t.resources} resources: ${t.stops} stops, ${t.deletes} deletes, ${t.escalations} stopped then deleted); fewest that would have done: ${r.fewest ?? "—"}`);
  lines.push(`Vetoes by the operator: ${r.vetoes}`);
  if (r.brakeTrips > 0) {
    lines.push(`Brake:                 max-terminations-per-run (${r.maxTerminationsPerRun}) held the due items ${r.brakeTrips} time(s): nothing ran then. Raise it (--max-terminations) or expect this in production.`);
  }
  if (r.budgets && r.budgets.length > 0) {
    lines.push("Per budget:");
    lines.push("  BUDGET                      TARGET    UNTOUCHED    MONTH-END   REACHABLE   EXCESS CUT   LAST UNIT  CALLS");
    for (const b of r.budgets) {
      lines.push(
        `  ${b.name.padEnd(22).slice(0, 22)} ${fmt(b.target).padStart(11)}  ${fmt(b.untouchedMonthEnd).padStart(11)}  ${fmt(b.monthEnd).padStart(11)}   ${(b.reachable ? "yes" : "no").padEnd(9)} ${fmt(b.excessCut).padStart(11)} ${fmt(b.lastItemSaving).padStart(11)}  ${String(b.calls).padStart(5)}`,
      );
    }
  }
  lines.push(`Violations:            ${r.violations.length === 0 ? "none (no prio-0, untagged, prepaid or vetoed resource touched; no call sent twice)" : r.violations.length}`);
  for (const v of r.violations) lines.push(`  ${v.at}  ${v.violation}: ${v.call} ${v.resource} (${v.name})`);
  lines.push(`Replayed in ${(r.elapsedMs / 1000).toFixed(1)} s (${r.calls} calls)`);
  return lines.join("\n") + "\n";
}
