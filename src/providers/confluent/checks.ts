/**
 * Preflight checks for the chargeback section (`ot3c verify`): each API the pipeline needs, reachable and
 * authorised — Costs (BillingAdmin), Org and IAM (OrganizationAdmin), the usage Prometheus, and the optional
 * confirm-prometheus. One cheap request each; an error becomes a NO-GO with the API's own message (redacted).
 */
import type { ChargebackConfig } from "../../config/types.ts";
import type { HttpClientOptions } from "../http.ts";
import { redact } from "../../util/redact.ts";
import { PrometheusClient } from "../prometheus/client.ts";
import { REQUEST_BYTES_QUERY } from "../prometheus/usage.ts";
import { ConfluentClient } from "./client.ts";

export interface ChargebackCheck {
  name: string;
  ok: boolean;
  detail: string;
}

async function check(name: string, fn: () => Promise<string>): Promise<ChargebackCheck> {
  try {
    return { name, ok: true, detail: await fn() };
  } catch (err) {
    return { name, ok: false, detail: redact((err as Error)?.message ?? String(err)) };
  }
}

export async function chargebackChecks(cfg: ChargebackConfig, http: Partial<HttpClientOptions> = { retries: 1, timeoutMs: 10_000 }, now = Date.now()): Promise<ChargebackCheck[]> {
  const confluent = new ConfluentClient({ apiKey: cfg.confluent.apiKey, apiSecret: cfg.confluent.apiSecret, baseUrl: cfg.confluent.baseUrl, http });
  const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString().slice(0, 10);
  const prom = new PrometheusClient({ url: cfg.prometheus.url, auth: cfg.prometheus.auth, http });
  const checks = [
    check("Confluent Costs API", async () => {
      const r = await confluent.probe("/billing/v1/costs", { start_date: day(-3), end_date: day(-2) });
      return `authorised; ${r.total ?? r.items} cost row(s) on ${day(-3)}`;
    }),
    check("Confluent environments", async () => `${(await confluent.probe("/org/v2/environments")).total ?? "some"} environment(s)`),
    check("Confluent service accounts", async () => `${(await confluent.probe("/iam/v2/service-accounts")).total ?? "some"} service account(s)`),
    check("Confluent API keys", async () => `${(await confluent.probe("/iam/v2/api-keys")).total ?? "some"} API key(s)`),
    check("Prometheus (Kafka bytes)", async () => `${(await prom.query(REQUEST_BYTES_QUERY, Math.floor(now / 1000) - 86_400)).length} series a day ago`),
  ];
  if (cfg.confirmPrometheus) {
    const confirm = new PrometheusClient({ url: cfg.confirmPrometheus.url, auth: cfg.confirmPrometheus.auth, http });
    checks.push(check("confirm-prometheus", async () => `${(await confirm.query("vector(1)")).length === 1 ? "answers queries" : "unexpected answer"}`));
  }
  return Promise.all(checks);
}
