import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ConfigValidationError } from "../../src/config/issues.ts";
import { ConfigError } from "../../src/config/types.ts";
import { cleanupTempDirs, issueFor, load, loadError, loadIssues, tempDir, VALID, withConfig } from "./helpers.ts";

afterAll(cleanupTempDirs);

const replace = (line: number, text: string) => VALID.split("\n").map((l, i) => (i === line - 1 ? text : l)).join("\n");
const append = (...lines: string[]) => [VALID, ...lines].join("\n");

describe("finding the file", () => {
  test("no file anywhere: says where it looked and suggests generate-config", async () => {
    const dir = tempDir();
    const err = await loadError(dir, { env: { CONFIGURATION_DIRECTORY: join(dir, "etc") } });
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("no configuration file found");
    expect(err.message).toContain(join(dir, "ot3c.yaml"));
    expect(err.message).toContain(join(dir, "etc", "ot3c.yaml"));
    expect(err.message).toContain("$OT3C_CONFIG (not set)");
    expect(err.message).toContain("ot3c generate-config");
  });

  test("--config naming a missing file is an error, not a fallthrough to ./ot3c.yaml", async () => {
    const dir = withConfig(VALID);
    const err = await loadError(dir, { path: "nope.yaml" });
    expect(err.message).toBe(`configuration file ${join(dir, "nope.yaml")} (from --config) does not exist`);
    expect(err.file).toBe(join(dir, "nope.yaml"));
  });

  test("lookup order: --config, $OT3C_CONFIG, ./ot3c.yaml, $CONFIGURATION_DIRECTORY, ~", async () => {
    const at = (budget: number) => withConfig(replace(6, `target-budget: ${budget}`));
    const [flag, envFile, cwd, confDir, home] = [at(1), at(2), at(3), at(4), at(5)];
    const env = { OT3C_CONFIG: join(envFile, "ot3c.yaml"), CONFIGURATION_DIRECTORY: confDir };
    expect((await load(cwd, { path: join(flag, "ot3c.yaml"), env, home })).targetBudget).toBe(1);
    expect((await load(cwd, { env, home })).targetBudget).toBe(2);
    expect((await load(cwd, { env: { CONFIGURATION_DIRECTORY: confDir }, home })).targetBudget).toBe(3);
    const empty = tempDir();
    expect((await load(empty, { env: { CONFIGURATION_DIRECTORY: confDir }, home })).targetBudget).toBe(4);
    expect((await load(empty, { env: {}, home })).targetBudget).toBe(5);
    expect((await load(empty, { env: {}, home })).sourcePath).toBe(join(home, "ot3c.yaml"));
  });
});

describe("one message per problem, with key and line:column", () => {
  test("wrong type: the brief's example", async () => {
    expect(await issueFor(replace(6, 'target-budget: "abc"'), "target-budget")).toBe(
      'ot3c.yaml:6:16: target-budget: expected a number > 0, got "abc"',
    );
  });

  test("budget of 0 and below", async () => {
    expect(await issueFor(replace(6, "target-budget: 0"), "target-budget")).toBe("ot3c.yaml:6:16: target-budget: expected a number > 0, got 0");
    expect(await issueFor(replace(6, "target-budget: -5"), "target-budget")).toBe("ot3c.yaml:6:16: target-budget: expected a number > 0, got -5");
  });

  test("missing required key points at the file start", async () => {
    const err = await loadIssues(VALID.split("\n").slice(0, 5).join("\n"));
    expect(err.message).toBe("ot3c.yaml:1:1: target-budget: required: expected a number > 0");
    expect([err.key, err.line, err.column]).toEqual(["target-budget", 1, 1]);
  });

  test("YAML syntax error gives line:column", async () => {
    const err = await loadIssues(append("forecast: [ensemble,", "planner: {}"));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.position).toEqual({ line: 8, column: 1 });
    expect(err.message).toMatch(/^ot3c\.yaml:8:1: YAML syntax: /);
    const dup = await loadIssues(append("target-budget: 5"));
    expect(dup.message).toBe("ot3c.yaml:7:1: YAML syntax: Map keys must be unique");
  });

  test("unknown keys: did you mean, at the key's position", async () => {
    expect(await issueFor(append("tagret-budget: 5"), "tagret-budget")).toBe(
      'ot3c.yaml:7:1: tagret-budget: unknown key; did you mean "target-budget"?',
    );
    expect(await issueFor(replace(3, "  projectId: p-123"), "otccreds.projectId")).toBe(
      'ot3c.yaml:3:3: otccreds.projectId: unknown key; did you mean "projectid"?',
    );
    expect(await issueFor(append("region: eu-nl"), "region")).toBe(
      "ot3c.yaml:7:1: region: unknown key; it belongs under otccreds (otccreds.region)",
    );
    expect(await issueFor(append("frobnicate: 1"), "frobnicate")).toBe("ot3c.yaml:7:1: frobnicate: unknown key");
  });

  test("bad durations, and 0 is refused with the reason", async () => {
    expect(await issueFor(append("termination-grace: 24 hours"), "termination-grace")).toBe(
      'ot3c.yaml:7:20: termination-grace: expected a duration such as "24h0m0s", "90m" or "1h30m", got "24 hours"',
    );
    expect(await issueFor(append("termination-grace: 90"), "termination-grace")).toBe(
      'ot3c.yaml:7:20: termination-grace: expected a duration such as "24h0m0s", "90m" or "1h30m", got 90 (a bare number has no unit)',
    );
    for (const zero of ["0", '"0s"', "0h0m0s"]) {
      expect(await issueFor(append(`termination-grace: ${zero}`), "termination-grace")).toBe(
        "ot3c.yaml:7:20: termination-grace: must be longer than 0 (the seed silently turned 0 into 24h; write 24h0m0s if that is what you want)",
      );
    }
    expect(await issueFor(append("sync-interval: 0s"), "sync-interval")).toContain("must be longer than 0");
  });

  test('a string "false" is not a boolean (the chargeback seed\'s truthy-string bug)', async () => {
    expect(await issueFor(append('enforce: "false"'), "enforce")).toBe(
      'ot3c.yaml:7:10: enforce: expected true or false (unquoted; a quoted string is not a boolean), got "false"',
    );
    // YAML 1.2: `no` is a string, not false.
    expect(await issueFor(append("enforce: no"), "enforce")).toContain('got "no"');
  });

  test("neither projectid nor projectname", async () => {
    expect(await issueFor(replace(3, "  region: eu-de"), "otccreds")).toBe(
      "ot3c.yaml:2:1: otccreds: needs projectid or projectname (the project whose resources ot3c manages)",
    );
  });

  test("billing-begin: format, real date, day 1–28", async () => {
    expect(await issueFor(append("billing-begin: 01.02.2020"), "billing-begin")).toBe(
      'ot3c.yaml:7:16: billing-begin: expected a date YYYY-MM-DD, got "01.02.2020"',
    );
    expect(await issueFor(append("billing-begin: 2020-02-30"), "billing-begin")).toBe(
      'ot3c.yaml:7:16: billing-begin: expected a real calendar date, got "2020-02-30"',
    );
    expect(await issueFor(append("billing-begin: 2020-01-31"), "billing-begin")).toContain("day of month must be 1–28");
  });

  test("nested values, enums, ranges", async () => {
    expect(await issueFor(append("forecast:", "  model: arima"), "forecast.model")).toBe(
      'ot3c.yaml:8:10: forecast.model: expected one of ensemble, steady-state, run-rate, holt-winters, got "arima"',
    );
    expect(
      await issueFor(append("chargeback:", "  confluent: {api-key: KEYKEYKEY, api-secret: SECRETSECRET}", "  prometheus: {url: http://p:9090}", "  cku-usage-ratio: 1.5"), "chargeback.cku-usage-ratio"),
    ).toBe("ot3c.yaml:10:20: chargeback.cku-usage-ratio: expected a number from 0 to 1, got 1.5");
    expect(await issueFor(append("metrics: {listen: 9464}"), "metrics.listen")).toBe(
      'ot3c.yaml:7:19: metrics.listen: expected a "host:port" address, got 9464',
    );
    expect(await issueFor(replace(3, "  projectid: 0123"), "otccreds.projectid")).toBe("ot3c.yaml:3:14: otccreds.projectid: expected a string, got 123");
  });

  test("a secret of the wrong type is reported without echoing it", async () => {
    const line = await issueFor(replace(5, "  secretkey: 987654321"), "otccreds.secretkey");
    expect(line).toBe("ot3c.yaml:5:14: otccreds.secretkey: expected a string (quote it in YAML), got a number");
    expect(line).not.toContain("987654321");
  });

  test("stale-after shorter than sync-interval", async () => {
    expect(await issueFor(append("sync-interval: 10m", "stale-after: 5m"), "stale-after")).toBe(
      "ot3c.yaml:8:14: stale-after: must be at least sync-interval (10m), or every sync would count as stale",
    );
  });

  test("empty file", async () => {
    const err = await loadIssues("# nothing yet\n");
    expect(err.message).toBe("ot3c.yaml:1:1: the file is empty; `ot3c generate-config` writes a commented example");
  });

  test("several problems at once, in file order; the error's key/line/column are the first's", async () => {
    const text = ["otccreds:", "  accesskey: AKINLINE0001", "  secretkey: SKINLINE0001", 'target-budget: "x"', 'enforce: "true"', "foo: 1"].join("\n");
    const err = await loadIssues(text);
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err.message.split("\n")).toEqual([
      "5 problems in ot3c.yaml:",
      "  ot3c.yaml:1:1: dashboard-secret — required: set dashboard-secret (or dashboard-secret-file or $OT3C_DASHBOARD_SECRET)",
      "  ot3c.yaml:1:1: otccreds: needs projectid or projectname (the project whose resources ot3c manages)",
      '  ot3c.yaml:4:16: target-budget: expected a number > 0, got "x"',
      '  ot3c.yaml:5:10: enforce: expected true or false (unquoted; a quoted string is not a boolean), got "true"',
      "  ot3c.yaml:6:1: foo: unknown key",
    ]);
    expect([err.key, err.line, err.column]).toEqual(["dashboard-secret", 1, 1]);
    expect(err.file).toMatch(/ot3c\.yaml$/);
  });
});

describe("empty values", () => {
  test("a section whose lines are all commented out takes its defaults", async () => {
    const cfg = await load(withConfig(append("notify:", "  # smtp: {}", "forecast:", "chargeback:")));
    expect(cfg.notify).toEqual({ reminderBeforeMs: 3_600_000 });
    expect(cfg.forecast).toEqual({ model: "ensemble", quantile: "p50" });
    expect(cfg.chargeback).toBeUndefined();
  });

  test("a required key left empty is reported as missing, at the key", async () => {
    expect(await issueFor(replace(6, "target-budget:"), "target-budget")).toBe("ot3c.yaml:6:1: target-budget: required: expected a number > 0");
  });
});
