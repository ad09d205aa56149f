/**
 * The demo's `ot3c.yaml`: every endpoint points at the local simulator, `enforce: true` (stop/delete calls really
 * go out — to the simulator), `approval: required`, a grace of a few minutes and a 10 s sync, so the whole lifecycle
 * plays out while a newcomer watches. Approval is required so that what the newcomer does matters: an item they
 * approve is stopped/deleted when its countdown ends, the others wait at their deadline until approved or vetoed. The file is written into the demo's state directory so it can be read and
 * reused with `ot3c --config … list|plan|verify` while the demo runs.
 *
 * `assertSimulatorOnly` is the guard for `enforce: true`: the loaded configuration is checked, not the text we
 * meant to write, so a stray override can never aim the demo's deletes at a real cloud.
 */
import type { Config } from "../config/types.ts";
import { formatGoDuration } from "../config/duration.ts";
import type { ConfluentSimState } from "../sim/confluent/state.ts";
import type { SimWorld } from "../sim/world.ts";
import { ladderYaml } from "./ladder.ts";

export interface DemoConfigInput {
  simUrl: string;
  world: SimWorld;
  confluent: ConfluentSimState;
  targetBudget: number;
  graceMs: number;
  syncIntervalMs: number;
  chargebackSyncIntervalMs: number;
  /** host:port of the metrics port ("127.0.0.1:0" = any free port). */
  metricsListen: string;
  lookbackDays: number;
  cutoffDays: number;
  maxTerminationsPerRun: number;
  /** The ladder of actions (schedules, parks before deletes); off for the budget's first, schedule-less look. */
  ladder?: boolean;
}

const q = (s: string) => JSON.stringify(s);

export function demoConfigYaml(i: DemoConfigInput): string {
  const c = i.world.credentials;
  const u = i.simUrl;
  return [
    `# ot3c demo: every endpoint below is the local simulator at ${u} (scenario "demo").`,
    "# enforce is true on purpose: stop/delete calls go to the simulator only. Never copy this file to a real cloud.",
    `dashboard-secret: ${q(c.dashboardToken)}`,
    `dashboard-endpoint: ${q(u)}`,
    "otccreds:",
    `  identityendpoint: ${q(u + "/v3")}`,
    `  projectid: ${q(i.world.projectId)}`,
    `  projectname: ${q(i.world.projectName)}`,
    `  accesskey: ${q(c.accessKey)}`,
    `  secretkey: ${q(c.secretKey)}`,
    `  region: ${q(i.world.region)}`,
    `  endpoints: {iam: ${q(u + "/v3")}, ecs: ${q(u)}, evs: ${q(u)}, cce: ${q(u)}, rds: ${q(u)}}`,
    `target-budget: ${i.targetBudget}`,
    `termination-grace: ${formatGoDuration(i.graceMs)}`,
    "enforce: true",
    "approval: required",
    "# The demo must not mail or call anyone: no channel, on purpose.",
    "notify: {none: true}",
    `max-terminations-per-run: ${i.maxTerminationsPerRun}`,
    `sync-interval: ${formatGoDuration(i.syncIntervalMs)}`,
    `metrics: {listen: ${q(i.metricsListen)}}`,
    "chargeback:",
    `  confluent: {api-key: ${q(i.confluent.apiKey)}, api-secret: ${q(i.confluent.apiSecret)}, base-url: ${q(u)}}`,
    `  prometheus: {url: ${q(u)}}`,
    `  lookback-days: ${i.lookbackDays}`,
    `  cutoff-days: ${i.cutoffDays}`,
    `  sync-interval: ${formatGoDuration(i.chargebackSyncIntervalMs)}`,
    ...(i.ladder ? ladderYaml() : []),
    "",
  ].join("\n");
}

function isLoopback(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === "127.0.0.1" || h === "localhost" || h === "[::1]" || h === "::1";
  } catch {
    return false;
  }
}

/** Throws unless every endpoint the engine and the chargeback pipeline would call is the local simulator. */
export function assertSimulatorOnly(cfg: Config, simUrl: string): void {
  const endpoints: Array<[string, string | undefined]> = [
    ["dashboard-endpoint", cfg.dashboardEndpoint],
    ["otccreds.identityendpoint", cfg.otc.identityEndpoint],
    ...Object.entries(cfg.otc.endpoints).map(([k, v]) => [`otccreds.endpoints.${k}`, v] as [string, string]),
    ["chargeback.confluent.base-url", cfg.chargeback?.confluent.baseUrl],
    ["chargeback.prometheus.url", cfg.chargeback?.prometheus.url],
    ["chargeback.confirm-prometheus.url", cfg.chargeback?.confirmPrometheus?.url],
  ];
  const base = simUrl.replace(/\/+$/, "");
  if (!isLoopback(base)) throw new Error(`refusing to run the demo with enforce: true: the simulator ${simUrl} is not local`);
  const stray = endpoints.filter(([, v]) => v !== undefined && !(isLoopback(v) && (v === base || v.startsWith(base + "/"))));
  if (stray.length) {
    throw new Error(`refusing to run the demo with enforce: true: ${stray.map(([k, v]) => `${k} = ${v}`).join(", ")} is not the local simulator ${simUrl}`);
  }
  if (cfg.notify.smtp || cfg.notify.webhook) throw new Error("refusing to run the demo with notification channels: it must not mail or call anyone");
}
