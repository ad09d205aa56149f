/**
 * What `ot3c demo --headless` prints: a banner with every address, one status line every few seconds, and the
 * audit events as they happen (the headless counterpart of the TUI's Events view). Plain ASCII, no colour.
 */
import type { AuditEvent, EngineSnapshot } from "../engine/types.ts";
import { countdown, money, timestamp } from "../tui/format.ts";
import type { RunningDemo } from "./start.ts";

const STATUS_WORD = { OK: "OK", AT_RISK: "AT RISK", OVER: "OVER" } as const;

const hourText = (t: number | undefined) => (t === undefined ? "-" : new Date(t).toISOString().slice(0, 13).replace("T", " ") + ":00Z");

export function demoBanner(d: RunningDemo, mode: "headless" | "tui"): string {
  const shift = d.clockOffsetMs > 0 ? countdown(d.clockOffsetMs, 0) : "0s";
  const lines = [
    `ot3c demo: simulated Open Telekom Cloud, Enterprise Dashboard, Confluent Cloud and Prometheus at ${d.urls.sim}`,
    `  metrics      ${d.urls.metrics ?? "(metrics port unavailable, see the alerts)"}`,
    `  chargeback   ${d.urls.chargebackMetrics ?? "-"}`,
    `  state dir    ${d.stateDir}`,
    `  config       ${d.configPath} (enforce: true, every endpoint is the local simulator)`,
    `  demo clock   ${timestamp(d.clock.now())}, ${shift} ahead of real time: terminations are planned for the next midnight`,
    `               (Europe/Berlin; costs are billed per day), which the demo clock reaches after the ${countdown(d.cfg.terminationGraceMs, 0)} grace`,
    `  attach       ot3c --state-dir ${d.stateDir}`,
    `  act          ot3c --state-dir ${d.stateDir} approve|veto|postpone ID`,
  ];
  if (mode === "headless") lines.push("Ctrl-C stops the demo.");
  return lines.join("\n") + "\n";
}

export function demoStatusLine(s: EngineSnapshot, now: number): string {
  const b = s.budget;
  const parts: string[] = [timestamp(now)];
  parts.push(b ? `${STATUS_WORD[b.status]} spent ${money(b.spendSoFar)} forecast P50 ${money(b.forecast.p50)} budget ${money(b.target)}` : `sync ${s.sync.state}, no data yet`);
  const open = s.plan.filter((i) => i.state === "PENDING" || i.state === "APPROVED").sort((a, z) => a.deadline - z.deadline);
  const next = open[0];
  parts.push(`pending ${open.length}${next ? `, next ${next.id} ${next.action} in ${countdown(next.deadline, now)}` : ""}`);
  const done = s.plan.filter((i) => i.state === "DONE").length;
  const failed = s.plan.filter((i) => i.state === "FAILED").length;
  parts.push(`done ${done}${failed ? `, failed ${failed}` : ""}`);
  const cb = s.chargeback;
  parts.push(cb ? `chargeback hour ${hourText(cb.cursorHour)} (final to ${hourText(cb.newestHour)})` : "chargeback -");
  if (s.alerts.length) parts.push(`alerts ${s.alerts.length}`);
  return parts.join(" | ");
}

export function eventLine(e: AuditEvent): string {
  return `  event ${timestamp(e.at)} ${e.actor}/${e.source} ${e.action}${e.itemId ? ` ${e.itemId}` : ""}${e.detail ? `: ${e.detail}` : ""}`;
}

/** Events newer than `afterId`, oldest first (snapshots carry the newest first). */
export function newEvents(s: EngineSnapshot, afterId: number): AuditEvent[] {
  return s.events.filter((e) => e.id > afterId).sort((a, z) => a.id - z.id);
}
