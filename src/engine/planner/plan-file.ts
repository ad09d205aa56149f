/**
 * Plan files (`ot3c plan --out FILE`, `ot3c exec -f FILE`) and the seed's text form.
 *
 * The YAML keeps the seed's fields (`createdat`, `items[vrid, tdate, tsave, tasap]`, RFC3339 times) and adds
 * `version`, `period`, `mode`, `outcome`, `gap`, `savings`, per item `action`, `prio`, `owner`, `reason`, and a
 * `checksum`: sha256 over a canonical JSON form (keys sorted, no whitespace) of everything else. Reading refuses,
 * with a message an operator can act on: an unsupported version, a bad checksum (edited or truncated), a plan of
 * another billing period, and ids that match no current virtual resource exactly (the seed matched substrings
 * and silently dropped unknown ids).
 */
import { createHash } from "node:crypto";
import { parse, stringify } from "yaml";
import { DEFAULT_TIME_ZONE, lastDayOf, zoneOffsetMs } from "../period.ts";
import type { BillingPeriod, PlanAction, PlanOutcome, PlannedTermination, TerminationPlan } from "../types.ts";
import { money } from "./units.ts";

const PLAN_ACTIONS: PlanAction[] = ["stop", "park", "snapshot-delete", "delete"];

export const PLAN_FILE_VERSION = 1;

export class PlanFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanFileError";
  }
}

/** RFC3339 with the local offset of `timeZone`, e.g. `2026-11-28T00:00:00+01:00`. */
export function rfc3339(ms: number, timeZone = DEFAULT_TIME_ZONE): string {
  const off = zoneOffsetMs(ms, timeZone);
  const local = new Date(ms + off).toISOString().replace(/\.\d{3}Z$/, "").replace("Z", "");
  const sign = off < 0 ? "-" : "+";
  const a = Math.abs(off) / 60_000;
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function checksumOf(doc: Record<string, unknown>): string {
  const { checksum: _ignored, ...rest } = doc;
  return "sha256:" + createHash("sha256").update(canonical(rest)).digest("hex");
}

export function serializePlan(plan: TerminationPlan, opts: { createdAt: number; timeZone?: string }): string {
  const tz = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const doc: Record<string, unknown> = {
    version: PLAN_FILE_VERSION,
    createdat: rfc3339(opts.createdAt, tz),
    period: { start: plan.period.startDate, end: plan.period.endDate },
    mode: plan.mode,
    outcome: plan.outcome,
    gap: round6(plan.gap),
    savings: round6(plan.savings),
    items: plan.items.map((i) => {
      const item: Record<string, unknown> = {
        vrid: i.vrId,
        // Whole seconds, rounded up: a date read back is never earlier than planned (grace is a minimum).
        tdate: rfc3339(Math.ceil(i.tdate / 1000) * 1000, tz),
        tsave: round6(i.tsave),
        tasap: i.tasap,
        action: i.action,
        prio: i.prio,
      };
      if (i.owner !== undefined) item.owner = i.owner;
      item.reason = i.reason;
      return item;
    }),
  };
  doc.checksum = checksumOf(doc);
  return (
    "# ot3c termination plan. Edit nothing by hand: the checksum covers every field.\n" +
    stringify(doc, { lineWidth: 0 })
  );
}

const OUTCOMES: PlanOutcome[] = ["NOT_NEEDED", "OK", "END_OF_MANAGEABLE_LIST", "BASELINE_EXCEEDS_BUDGET"];

function parseTime(value: unknown, where: string): number {
  const t = typeof value === "string" ? Date.parse(value) : NaN;
  if (!Number.isFinite(t)) throw new PlanFileError(`plan file: ${where} is not an RFC3339 time: ${JSON.stringify(value)}`);
  return t;
}

export function parsePlan(text: string, opts: { period: BillingPeriod; knownIds: Iterable<string> }): TerminationPlan {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new PlanFileError(`plan file is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new PlanFileError("plan file: expected a YAML mapping");
  const d = doc as Record<string, unknown>;
  if (d.version !== PLAN_FILE_VERSION) {
    throw new PlanFileError(
      d.version === undefined
        ? `plan file has no version (a plan written by the original OT3C?); this ot3c reads version ${PLAN_FILE_VERSION}: create a new plan with \`ot3c plan --out FILE\``
        : `plan file version ${JSON.stringify(d.version)} is not supported; this ot3c reads version ${PLAN_FILE_VERSION}`,
    );
  }
  if (typeof d.checksum !== "string" || d.checksum !== checksumOf(d)) {
    throw new PlanFileError("plan file checksum does not match its content (edited or truncated): create a new plan with `ot3c plan --out FILE`");
  }
  const p = d.period as { start?: unknown; end?: unknown } | undefined;
  if (!p || p.start !== opts.period.startDate || p.end !== opts.period.endDate) {
    throw new PlanFileError(
      `plan file is for the billing period ${p?.start ?? "?"} – ${p?.end ?? "?"} (end exclusive), not the current ` +
        `${opts.period.startDate} – ${opts.period.endDate}: create a new plan`,
    );
  }
  if (!Array.isArray(d.items)) throw new PlanFileError("plan file: `items` must be a list");
  const known = opts.knownIds instanceof Set ? (opts.knownIds as Set<string>) : new Set(opts.knownIds);
  const unknown = d.items.map((i) => (i as Record<string, unknown>)?.vrid).filter((id) => typeof id !== "string" || !known.has(id));
  if (unknown.length > 0) {
    throw new PlanFileError(
      `plan file names ${unknown.length} virtual resource(s) that do not exist now (exact match): ${unknown.slice(0, 5).map((x) => JSON.stringify(x)).join(", ")}${unknown.length > 5 ? ", …" : ""}`,
    );
  }
  const items: PlannedTermination[] = d.items.map((raw, n) => {
    const i = raw as Record<string, unknown>;
    const where = `items[${n}]`;
    // `stop` is the older name of `park` (files written before the ladder); it is read as a park.
    if (!PLAN_ACTIONS.includes(i.action as PlanAction)) throw new PlanFileError(`plan file: ${where}.action must be one of park, snapshot-delete, delete (or stop, the older name of park)`);
    if (typeof i.tsave !== "number" || typeof i.prio !== "number" || typeof i.tasap !== "boolean") {
      throw new PlanFileError(`plan file: ${where} needs numeric tsave and prio and boolean tasap`);
    }
    return {
      vrId: i.vrid as string,
      action: i.action === "stop" ? "park" : (i.action as PlanAction),
      prio: i.prio,
      owner: typeof i.owner === "string" ? i.owner : undefined,
      tdate: parseTime(i.tdate, `${where}.tdate`),
      tsave: i.tsave,
      tasap: i.tasap,
      reason: typeof i.reason === "string" ? i.reason : "",
    };
  });
  const outcome = OUTCOMES.includes(d.outcome as PlanOutcome) ? (d.outcome as PlanOutcome) : undefined;
  if (!outcome) throw new PlanFileError(`plan file: unknown outcome ${JSON.stringify(d.outcome)}`);
  return {
    createdAt: parseTime(d.createdat, "createdat"),
    period: opts.period,
    mode: d.mode === "classic" ? "classic" : "optimal",
    gap: typeof d.gap === "number" ? d.gap : 0,
    savings: typeof d.savings === "number" ? d.savings : items.reduce((s, i) => s + i.tsave, 0),
    outcome,
    items,
  };
}

/** One line saying what the plan achieves. */
export function outcomeLine(plan: TerminationPlan, currency = "EUR"): string {
  switch (plan.outcome) {
    case "NOT_NEEDED":
      return "No Termination Plan needed: the forecast is within the budget.";
    case "OK":
      return `Outcome: OK — the plan closes the ${money(plan.gap, currency)} gap.`;
    case "END_OF_MANAGEABLE_LIST":
      return (
        `Outcome: End of manageable Resource list — the plan saves ${money(plan.savings, currency)} of the ` +
        `${money(plan.gap, currency)} gap; the rest is spend no plan may cut (prio 0, untagged, vetoed, ghosts) or lies inside the grace period.`
      );
    case "BASELINE_EXCEEDS_BUDGET":
      return (
        `Outcome: Baseline exceeds budget — spend no plan may cut (untagged, prio 0, ghosts) is over the target on its own; ` +
        `nothing is planned, raise the budget or act on the baseline.`
      );
  }
}

/** The seed's text form, per item `ID / Prio / Termination Date / Costs saved / Termination ASAP`, plus action and reason. */
export function renderPlanText(plan: TerminationPlan, currency = "EUR", timeZone = DEFAULT_TIME_ZONE): string {
  const lines: string[] = [];
  lines.push(
    `Termination Plan (${plan.mode}) for ${plan.period.startDate} – ${lastDayOf(plan.period)}: gap ${money(Math.max(0, plan.gap), currency)}`,
    "",
  );
  for (const i of plan.items) {
    lines.push(
      `ID: ${i.vrId}`,
      `Prio: ${i.prio}`,
      `Action: ${i.action}`,
      `Termination Date: ${rfc3339(i.tdate, timeZone)}`,
      `Costs saved: ${money(i.tsave, currency)}`,
      `Termination ASAP: ${i.tasap}`,
      ...(i.owner ? [`Owner: ${i.owner}`] : []),
      `Reason: ${i.reason}`,
      "",
    );
  }
  lines.push(`Savings from Termination Plan: ${money(plan.savings, currency)}`, outcomeLine(plan, currency));
  return lines.join("\n") + "\n";
}
