/**
 * What `ot3c demo --headless` prints: a banner with every address, one status line every few seconds, and the
 * audit events as they happen (the headless counterpart of the TUI's Events view). Plain ASCII, no colour.
 */
import type { AuditEvent, EngineSnapshot } from "../engine/types.ts";
import { countdown, money, zonedTime, zonedTimeSeconds } from "../format/index.ts";
import type { DemoInfo } from "../engine/types.ts";
import type { RunningDemo } from "./start.ts";

const STATUS_WORD = { OK: "OK", AT_RISK: "AT RISK", OVER: "OVER" } as const;

const hourText = (t: number | undefined) => (t === undefined ? "-" : zonedTime(t, "UTC"));

/** "30s", "3m", "2m30s", "1h05m": short and exact enough for a grace. */
export function shortDuration(ms: number): string {
  const t = Math.round(ms / 1000);
  if (t < 60) return `${t}s`;
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  if (h) return `${h}h${String(m).padStart(2, "0")}m`;
  return sec ? `${m}m${String(sec).padStart(2, "0")}s` : `${m}m`;
}

/** The banner's essentials for the TUI's header label and help overlay. */
export function demoInfo(d: RunningDemo): DemoInfo {
  return {
    stateDir: d.stateDir,
    attach: `in another terminal: ot3c --state-dir ${d.stateDir}  (or: ot3c --state-dir ${d.stateDir} approve ID)`,
    clockNote:
      `the demo clock is ${d.clockOffsetMs > 0 ? shortDuration(d.clockOffsetMs) : "0s"} ahead of real time (now ${zonedTime(d.clock.now())}), so that the next ` +
      `midnight (Europe/Berlin), when planned terminations start saving, comes after the ${shortDuration(d.cfg.terminationGraceMs)} grace`,
  };
}

export function demoBanner(d: RunningDemo, mode: "headless" | "tui"): string {
  const lines = [
    "ot3c demo: simulated OTC, Financial Dashboard, Confluent Cloud and Prometheus",
    `  simulator    ${d.urls.sim}`,
    `  metrics      ${d.urls.metrics ?? "(metrics port unavailable, see the alerts)"}`,
    `  chargeback   ${d.urls.chargebackMetrics ?? "-"}`,
    `  state dir    ${d.stateDir}`,
    `  config       ${d.configPath}`,
    "               (enforce: true; every endpoint is the local simulator)",
    `  demo clock   ${zonedTime(d.clock.now())}, ${d.clockOffsetMs > 0 ? shortDuration(d.clockOffsetMs) : "0s"} ahead of real time, so that`,
    `               the next midnight (Europe/Berlin), when planned terminations`,
    `               start saving, comes after the ${shortDuration(d.cfg.terminationGraceMs)} grace`,
  ];
  if (mode === "headless") {
    lines.push(`  attach       ot3c --state-dir ${d.stateDir}`, `  act          ot3c --state-dir ${d.stateDir} approve ID`, "Ctrl-C stops the demo.");
  }
  return lines.join("\n") + "\n";
}

export function demoStatusLine(s: EngineSnapshot, now: number): string {
  const b = s.budget;
  const parts: string[] = [zonedTimeSeconds(now)];
  const c = s.currency ?? "EUR";
  parts.push(b ? `${STATUS_WORD[b.status]} spent ${money(b.spendSoFar, c)} forecast P50 ${money(b.forecast.p50, c)} budget ${money(b.target, c)}` : `sync ${s.sync.state}, no data yet`);
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
  return `  event ${zonedTimeSeconds(e.at)} ${e.actor}/${e.source} ${e.action}${e.itemId ? ` ${e.itemId}` : ""}${e.detail ? `: ${e.detail}` : ""}`;
}

/** Events newer than `afterId`, oldest first (snapshots carry the newest first). */
export function newEvents(s: EngineSnapshot, afterId: number): AuditEvent[] {
  return s.events.filter((e) => e.id > afterId).sort((a, z) => a.id - z.id);
}
