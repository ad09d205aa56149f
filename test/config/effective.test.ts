import { afterAll, afterEach, expect, test } from "bun:test";
import { stringify } from "yaml";
import { effectiveConfig } from "../../src/config/effective.ts";
import { clearSecrets } from "../../src/util/redact.ts";
import { cleanupTempDirs, load, withConfig } from "./helpers.ts";

afterAll(cleanupTempDirs);
afterEach(clearSecrets);

const FULL = [
  "dashboard-secret: ed-inline-token",
  "otccreds:",
  "  projectid: p-1",
  "  accesskey: AKINLINE0001",
  "  secretkey: SKINLINE0001",
  "  region: eu-nl",
  "target-budget: 48",
  "billing-begin: 2021-03-07",
  "termination-grace: 36h",
  "instance: team-a",
  "notify:",
  "  smtp: {host: mail, port: 465, from: a@b.c, user: u, password: smtp-pass-1}",
  "  webhook: {url: 'https://h/x', headers: {Authorization: 'Bearer hook-token-1'}}",
  "  default-owner: ops@example.com",
  "socket-group: ot3c",
  "chargeback:",
  "  confluent: {api-key: CCKEY0001, api-secret: ccsecret0001}",
  "  prometheus: {url: 'http://p:9090', auth: {token: prom-token-1}}",
  "  confirm-prometheus: {url: 'http://q:9090'}",
].join("\n");

const SECRETS = ["ed-inline-token", "AKINLINE0001", "SKINLINE0001", "smtp-pass-1", "hook-token-1", "CCKEY0001", "ccsecret0001", "prom-token-1"];

test("effective configuration masks every secret", async () => {
  const text = stringify(effectiveConfig(await load(withConfig(FULL))));
  for (const s of SECRETS) expect(text).not.toContain(s);
  expect(text).toContain("Authorization: \"***\"");
  expect(text).toContain("termination-grace: 36h0m0s");
});

test("effective configuration uses the file's keys: written back (secrets re-supplied) it loads to the same Config", async () => {
  const original = await load(withConfig(FULL));
  const eff = effectiveConfig(original) as Record<string, any>;
  // Put the real secrets back where the mask is; everything else is pasted as printed.
  eff["dashboard-secret"] = original.dashboardSecret;
  eff.otccreds.accesskey = original.otc.accessKey;
  eff.otccreds.secretkey = original.otc.secretKey;
  eff.notify.smtp.password = original.notify.smtp!.password;
  eff.notify.webhook.headers = original.notify.webhook!.headers;
  eff.chargeback.confluent["api-key"] = original.chargeback!.confluent.apiKey;
  eff.chargeback.confluent["api-secret"] = original.chargeback!.confluent.apiSecret;
  eff.chargeback.prometheus.auth.token = original.chargeback!.prometheus.auth.token;
  const dir = withConfig(stringify(eff));
  const again = await load(dir);
  expect({ ...again, sourcePath: undefined }).toEqual({ ...original, sourcePath: undefined });
});
