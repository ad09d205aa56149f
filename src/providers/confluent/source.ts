/**
 * The production ChargebackSource: Costs and Core Objects from Confluent Cloud, hourly bytes from the Prometheus
 * that scrapes the Metrics API export endpoint.
 */
import type { BillingRow } from "../../engine/chargeback/types.ts";
import type { ChargebackSource } from "../../store/chargeback/sync.ts";
import { PrometheusClient } from "../prometheus/client.ts";
import { fetchUsage } from "../prometheus/usage.ts";
import type { ChargebackConfig } from "../../config/types.ts";
import { ConfluentClient } from "./client.ts";
import { costToRow } from "./normalise.ts";
import { fetchObjects } from "./objects.ts";

export function chargebackSource(confluent: ConfluentClient, prometheus: PrometheusClient): ChargebackSource {
  return {
    async costs(fromDay, toDay): Promise<BillingRow[]> {
      return (await confluent.costs(fromDay, toDay)).map(costToRow);
    },
    objects: () => fetchObjects(confluent),
    usage: (fromMs, toMs) => fetchUsage(prometheus, fromMs, toMs),
  };
}

export function sourceFromConfig(cfg: ChargebackConfig): ChargebackSource {
  return chargebackSource(
    new ConfluentClient({ apiKey: cfg.confluent.apiKey, apiSecret: cfg.confluent.apiSecret, baseUrl: cfg.confluent.baseUrl }),
    new PrometheusClient({ url: cfg.prometheus.url, auth: cfg.prometheus.auth }),
  );
}
