/** Shared set-up: a simulator and a ChargebackSource over HTTP to it. */
import { ConfluentClient } from "../../../src/providers/confluent/client.ts";
import { chargebackSource } from "../../../src/providers/confluent/source.ts";
import { PrometheusClient } from "../../../src/providers/prometheus/client.ts";
import type { ConfluentSim } from "../../../src/sim/confluent/server.ts";
import type { ChargebackSource } from "../../../src/store/chargeback/sync.ts";

export function simSource(sim: ConfluentSim, pageSize = 100): ChargebackSource {
  return chargebackSource(
    new ConfluentClient({ apiKey: sim.state.apiKey, apiSecret: sim.state.apiSecret, baseUrl: sim.url, billingPageSize: pageSize, http: { retries: 2, sleep: async () => {} } }),
    new PrometheusClient({ url: sim.url }),
  );
}
