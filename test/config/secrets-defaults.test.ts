import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clearSecrets, redact } from "../../src/util/redact.ts";
import { cleanupTempDirs, issueFor, load, loadError, quietLogger, SECRETS_ENV, tempDir, VALID, withConfig } from "./helpers.ts";

afterAll(cleanupTempDirs);
afterEach(clearSecrets);

/** VALID without its three inline secrets. */
const NO_SECRETS = ["otccreds:", "  projectname: eu-de_demo", "target-budget: 48.0"].join("\n");

describe("secrets", () => {
  test("inline secrets are used and registered for redaction", async () => {
    const cfg = await load(withConfig(VALID));
    expect([cfg.dashboardSecret, cfg.otc.accessKey, cfg.otc.secretKey]).toEqual(["ed-inline-token", "AKINLINE0001", "SKINLINE0001"]);
    expect(redact("sig over SKINLINE0001 with ed-inline-token")).toBe("sig over *** with ***");
  });

  test("environment variables win over the file", async () => {
    const cfg = await load(withConfig(VALID), { env: SECRETS_ENV });
    expect([cfg.dashboardSecret, cfg.otc.accessKey, cfg.otc.secretKey]).toEqual(["ed-token-0001", "AKEXAMPLE0001", "SKEXAMPLE0001"]);
    expect(redact("AKEXAMPLE0001")).toBe("***");
  });

  test("-file siblings: relative to $CREDENTIALS_DIRECTORY, absolute as is, trailing newline trimmed", async () => {
    const creds = tempDir();
    writeFileSync(join(creds, "dashboard"), "ed-from-credential\n");
    writeFileSync(join(creds, "ak"), "AKFROMFILE01\r\n");
    const abs = join(tempDir(), "sk");
    writeFileSync(abs, "SKFROMFILE01");
    const text = ["dashboard-secret-file: dashboard", "otccreds:", "  projectid: p", "  accesskey-file: ak", `  secretkey-file: ${abs}`, "target-budget: 1"].join("\n");
    const cfg = await load(withConfig(text), { env: { CREDENTIALS_DIRECTORY: creds } });
    expect([cfg.dashboardSecret, cfg.otc.accessKey, cfg.otc.secretKey]).toEqual(["ed-from-credential", "AKFROMFILE01", "SKFROMFILE01"]);
    expect(redact("x ed-from-credential y")).toBe("x *** y");
  });

  test("-file without $CREDENTIALS_DIRECTORY resolves next to the config file", async () => {
    const dir = withConfig(["dashboard-secret-file: secrets/ed", "otccreds: {projectid: p}", "target-budget: 1"].join("\n"));
    mkdirSync(join(dir, "secrets"));
    writeFileSync(join(dir, "secrets", "ed"), "ed-next-to-file\n");
    const cfg = await load(dir, { env: { OT3C_OTC_ACCESS_KEY: "AKAKAKAK", OT3C_OTC_SECRET_KEY: "SKSKSKSK" } });
    expect(cfg.dashboardSecret).toBe("ed-next-to-file");
  });

  test("an unreadable or empty -file is an error at that key", async () => {
    const creds = tempDir();
    writeFileSync(join(creds, "empty"), "\n");
    const text = ["dashboard-secret-file: missing", "otccreds:", "  projectid: p", "  accesskey-file: empty", "  secretkey: SKSKSKSK", "target-budget: 1"].join("\n");
    const err = await loadError(withConfig(text), { env: { CREDENTIALS_DIRECTORY: creds } });
    expect(err.message.split("\n").slice(1).map((l) => l.trim())).toEqual([
      `ot3c.yaml:1:24: dashboard-secret-file: cannot read ${join(creds, "missing")} (ENOENT)`,
      `ot3c.yaml:4:19: otccreds.accesskey-file: ${join(creds, "empty")} is empty`,
    ]);
  });

  test("a secret both inline and as -file is ambiguous", async () => {
    expect(await issueFor(VALID + "\ndashboard-secret-file: x", "dashboard-secret-file")).toBe(
      "ot3c.yaml:7:1: dashboard-secret-file: give either dashboard-secret or dashboard-secret-file, not both",
    );
  });

  test("missing required secrets name every way to supply them", async () => {
    const err = await loadError(withConfig(NO_SECRETS));
    expect(err.message).toContain("ot3c.yaml:1:1: dashboard-secret — required: set dashboard-secret (or dashboard-secret-file or $OT3C_DASHBOARD_SECRET)");
    expect(err.message).toContain("ot3c.yaml:1:1: otccreds.accesskey: required: set accesskey (or accesskey-file or $OT3C_OTC_ACCESS_KEY)");
  });

  test("chargeback, smtp and webhook secrets from env and files", async () => {
    const creds = tempDir();
    writeFileSync(join(creds, "hooks"), "# webhook headers\nAuthorization: Bearer hook-token-123\nX-Team: ops\n");
    writeFileSync(join(creds, "confirm-token"), "confirm-token-1\n");
    const text = [
      NO_SECRETS,
      "notify:",
      "  smtp: {host: mail.example.com, from: ot3c@example.com, user: ot3c}",
      "  webhook: {url: https://hooks.example.com/x, headers-file: hooks}",
      "chargeback:",
      "  confluent: {}",
      "  prometheus: {url: http://prom:9090/, auth: {username: reader}}",
      "  confirm-prometheus: {url: http://prom2:9090, auth: {token-file: confirm-token}}",
    ].join("\n");
    const env = {
      ...SECRETS_ENV,
      CREDENTIALS_DIRECTORY: creds,
      OT3C_SMTP_PASSWORD: "smtp-pass-1",
      OT3C_CONFLUENT_API_KEY: "CCKEY0001",
      OT3C_CONFLUENT_API_SECRET: "ccsecret0001",
      OT3C_PROMETHEUS_PASSWORD: "prom-pass-1",
    };
    const cfg = await load(withConfig(text), { env });
    expect(cfg.notify.smtp).toEqual({ host: "mail.example.com", port: 587, secure: false, user: "ot3c", password: "smtp-pass-1", from: "ot3c@example.com" });
    expect(cfg.notify.webhook).toEqual({ url: "https://hooks.example.com/x", headers: { Authorization: "Bearer hook-token-123", "X-Team": "ops" } });
    expect(cfg.chargeback!.confluent).toEqual({ apiKey: "CCKEY0001", apiSecret: "ccsecret0001", baseUrl: "https://api.confluent.cloud" });
    expect(cfg.chargeback!.prometheus).toEqual({ url: "http://prom:9090", auth: { type: "basic", username: "reader", password: "prom-pass-1" } });
    expect(cfg.chargeback!.confirmPrometheus).toEqual({ url: "http://prom2:9090", auth: { type: "bearer", token: "confirm-token-1" } });
    expect(redact("smtp-pass-1 ccsecret0001 prom-pass-1 hook-token-123 confirm-token-1")).toBe("*** *** *** *** ***");
  });

  test("bearer auth without a token is an error", async () => {
    const text = [VALID, "chargeback:", "  confluent: {api-key: KKKKKKKK, api-secret: SSSSSSSS}", "  prometheus:", "    url: http://p:9090", "    auth: {type: bearer}"].join("\n");
    expect(await issueFor(text, "chargeback.prometheus.auth")).toBe("ot3c.yaml:11:11: chargeback.prometheus.auth: bearer auth needs token (or token-file)");
    const cfg = await load(withConfig(text), { env: { OT3C_PROMETHEUS_TOKEN: "tok-from-env" } });
    expect(cfg.chargeback!.prometheus.auth).toEqual({ type: "bearer", token: "tok-from-env" });
  });
});

describe("permission warning", () => {
  test("group/other-readable file with inline secrets: warns (naming keys, never values)", async () => {
    const { logger, ring } = quietLogger();
    await load(withConfig(VALID, 0o644), { logger });
    const warnings = ring.entries().filter((e) => e.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.component).toBe("config");
    expect(warnings[0]!.msg).toContain("ot3c.yaml is readable by group and others (mode 0644)");
    expect(warnings[0]!.msg).toContain("dashboard-secret, otccreds.accesskey, otccreds.secretkey");
    expect(warnings[0]!.msg).toContain("chmod 600 ot3c.yaml");
    expect(warnings[0]!.msg).not.toContain("SKINLINE0001");
  });

  test("no warning for 0600, nor for a readable file without inline secrets", async () => {
    const a = quietLogger();
    await load(withConfig(VALID, 0o600), { logger: a.logger });
    const b = quietLogger();
    await load(withConfig(NO_SECRETS, 0o644), { logger: b.logger, env: SECRETS_ENV });
    expect([...a.ring.entries(), ...b.ring.entries()].filter((e) => e.level === "warn")).toEqual([]);
  });
});

describe("defaults and derived values", () => {
  test("a minimal file gets every documented default", async () => {
    const dir = withConfig(NO_SECRETS);
    const cfg = await load(dir, { env: SECRETS_ENV });
    expect(cfg).toEqual({
      sourcePath: join(dir, "ot3c.yaml"),
      dashboardSecret: "ed-token-0001",
      dashboardEndpoint: "https://api-enterprise-dashboard.otc-service.com",
      dashboardApi: "v2",
      otc: {
        identityEndpoint: "https://iam.eu-de.otc.t-systems.com/v3",
        projectName: "eu-de_demo",
        accessKey: "AKEXAMPLE0001",
        secretKey: "SKEXAMPLE0001",
        region: "eu-de",
        endpoints: {
          iam: "https://iam.eu-de.otc.t-systems.com/v3",
          ecs: "https://ecs.eu-de.otc.t-systems.com",
          evs: "https://evs.eu-de.otc.t-systems.com",
          cce: "https://cce.eu-de.otc.t-systems.com",
          rds: "https://rds.eu-de.otc.t-systems.com",
        },
      },
      targetBudget: 48,
      currency: "EUR",
      billingBeginDay: 1,
      terminationGraceMs: 24 * 3_600_000,
      enforce: false,
      approval: "none",
      maxTerminationsPerRun: 10,
      forecast: { model: "ensemble", quantile: "p50" },
      planner: { mode: "optimal" },
      notify: { reminderBeforeMs: 3_600_000 },
      metrics: { listen: "127.0.0.1:9464" },
      stateDir: join(dir, ".local", "state", "ot3c"),
      syncIntervalMs: 15 * 60_000,
      staleAfterMs: 45 * 60_000,
      logLevel: "info",
      actions: { schedules: {}, defaultLimit: "delete", copyBeforeDelete: true, copyRetentionMs: 720 * 3_600_000, hibernateClusters: true, resume: "period-start" },
    });
  });

  test("seed keys: billing-begin day, Go durations, region-derived and overridden endpoints", async () => {
    const text = [
      "dashboard-secret: ed-inline-token",
      "otccreds:",
      "  identityendpoint: http://127.0.0.1:8080/v3/",
      "  projectid: p-1",
      "  region: eu-nl",
      "  endpoints: {ecs: 'http://127.0.0.1:8081/'}",
      "  accesskey: AKINLINE0001",
      "  secretkey: SKINLINE0001",
      "target-budget: 48",
      "billing-begin: 2020-01-15",
      "termination-grace: 1h30m",
      "enforce: true",
      "sync-interval: 5m",
    ].join("\n");
    const cfg = await load(withConfig(text));
    expect(cfg.billingBeginDay).toBe(15);
    expect(cfg.billingBegin).toBe("2020-01-15");
    expect(cfg.terminationGraceMs).toBe(90 * 60_000);
    expect(cfg.enforce).toBe(true);
    expect(cfg.staleAfterMs).toBe(15 * 60_000);
    expect(cfg.otc.identityEndpoint).toBe("http://127.0.0.1:8080/v3");
    expect(cfg.otc.endpoints).toEqual({
      iam: "http://127.0.0.1:8080/v3",
      ecs: "http://127.0.0.1:8081",
      evs: "https://evs.eu-nl.otc.t-systems.com",
      cce: "https://cce.eu-nl.otc.t-systems.com",
      rds: "https://rds.eu-nl.otc.t-systems.com",
    });
  });

  test("state dir: --state-dir, then state-dir (relative to the file), then $STATE_DIRECTORY, then ~", async () => {
    const dir = withConfig(VALID + "\nstate-dir: var/state");
    const flagged = await load(dir, { stateDir: "/srv/ot3c", env: { STATE_DIRECTORY: "/var/lib/ot3c" } });
    expect(flagged.stateDir).toBe("/srv/ot3c");
    expect((await load(dir, { env: { STATE_DIRECTORY: "/var/lib/ot3c" } })).stateDir).toBe(join(dir, "var", "state"));
    const plain = withConfig(VALID);
    expect((await load(plain, { env: { STATE_DIRECTORY: "/var/lib/ot3c:/var/lib/other" } })).stateDir).toBe("/var/lib/ot3c");
    expect((await load(plain)).stateDir).toBe(join(plain, ".local", "state", "ot3c"));
  });
});
