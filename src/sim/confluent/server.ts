/**
 * Standalone simulated Confluent Cloud + Prometheus query API on one port (tests, benchmark). The shared sim
 * server (src/sim/server.ts) mounts the same routes next to the OTC ones.
 */
import { FaultInjector } from "../faults.ts";
import type { FaultProfile } from "../world.ts";
import { prometheusSimRoutes } from "../prometheus/routes.ts";
import { confluentSimRoutes } from "./routes.ts";
import { generateConfluentScenario, type ConfluentScenarioOptions } from "./scenario.ts";
import type { ConfluentSimState } from "./state.ts";

export interface ConfluentSim {
  url: string;
  port: number;
  state: ConfluentSimState;
  /** The fault injector, when a profile was given (tests switch it off or read its counts). */
  faults?: FaultInjector;
  stop(): Promise<void>;
}

export function startConfluentSim(options: {
  port?: number;
  hostname?: string;
  state?: ConfluentSimState;
  scenario?: ConfluentScenarioOptions;
  faults?: FaultProfile;
} = {}): ConfluentSim {
  const state = options.state ?? generateConfluentScenario(options.scenario);
  const injector = options.faults ? new FaultInjector(options.faults) : undefined;
  const routes = [confluentSimRoutes(state, injector), prometheusSimRoutes(state, injector)];
  const server = Bun.serve({
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      for (const r of routes) {
        const res = await r(req, url);
        if (res) return res;
      }
      return Response.json({ errors: [{ status: "404", detail: `no route for ${url.pathname}` }] }, { status: 404 });
    },
  });
  const url = `http://${server.hostname}:${server.port}`;
  return { url, port: server.port!, state, faults: injector, stop: async () => void server.stop(true) };
}

/** The `chargeback:` section of an `ot3c.yaml` that points ot3c at a simulator serving both route sets at `url`. */
export function chargebackConfigYaml(url: string, state: ConfluentSimState, o: { lookbackDays?: number; cutoffDays?: number } = {}): string {
  return [
    "chargeback:",
    `  confluent: {api-key: ${state.apiKey}, api-secret: ${state.apiSecret}, base-url: "${url}"}`,
    `  prometheus: {url: "${url}"}`,
    `  lookback-days: ${o.lookbackDays ?? 14}`,
    `  cutoff-days: ${o.cutoffDays ?? 2}`,
    "  cku-usage-ratio: 0.7",
    "",
  ].join("\n");
}
