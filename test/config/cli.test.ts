import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clearSecrets } from "../../src/util/redact.ts";
import { setLogger } from "../../src/log/logger.ts";
import { run as runInProcess } from "../cli/helpers.ts";
import { cleanupTempDirs, SECRETS_ENV, tempDir, VALID, withConfig } from "./helpers.ts";

afterAll(cleanupTempDirs);
afterEach(() => {
  process.exitCode = 0;
  clearSecrets();
  // `config check` applies the configured log level to the process-wide logger; start the next test afresh.
  setLogger(undefined);
});

const EXAMPLE = readFileSync(join(import.meta.dir, "..", "..", "ot3c.yaml.example"), "utf8");

/** `run` of the CLI tests, with environment variables as a second argument. */
const run = (args: string[], env: Record<string, string> = {}) => runInProcess(args, { env });

describe("ot3c generate-config", () => {
  test("writes the commented example with mode 0600", async () => {
    const file = join(tempDir(), "ot3c.yaml");
    const r = await run(["generate-config", "--out", file]);
    expect(r.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(EXAMPLE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(r.err).toContain("ot3c config check");
  });

  test("refuses to overwrite without --force; --force overwrites and tightens the mode", async () => {
    const file = join(tempDir(), "ot3c.yaml");
    writeFileSync(file, "mine: 1\n", { mode: 0o644 });
    const refused = await run(["generate-config", "--out", file]);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(`ot3c: ${file} already exists; pass --force to overwrite it\n`);
    expect(readFileSync(file, "utf8")).toBe("mine: 1\n");
    const forced = await run(["generate-config", "--out", file, "--force"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(EXAMPLE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test("-o - prints to stdout", async () => {
    const r = await run(["generate-config", "--out", "-"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(EXAMPLE);
  });
});

describe("ot3c config check", () => {
  test("valid: exit 0, effective configuration with secrets as ***", async () => {
    const dir = withConfig(VALID);
    const r = await run(["--config", join(dir, "ot3c.yaml"), "config", "check", "--output", "json"], { OT3C_OTC_SECRET_KEY: "SK-FROM-ENV-42" });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.ok).toBe(true);
    expect(doc.source).toBe(join(dir, "ot3c.yaml"));
    expect(doc.config["dashboard-secret"]).toBe("***");
    expect(doc.config.otccreds).toMatchObject({ accesskey: "***", secretkey: "***", projectid: "p-123" });
    expect(doc.config["termination-grace"]).toBe("24h0m0s");
    for (const secret of ["ed-inline-token", "AKINLINE0001", "SKINLINE0001", "SK-FROM-ENV-42"]) expect(r.out).not.toContain(secret);
  });

  test("text output says OK and shows the file", async () => {
    const dir = withConfig(VALID);
    const r = await run(["--config", join(dir, "ot3c.yaml"), "--state-dir", "/srv/state", "config", "check"]);
    expect(r.code).toBe(0);
    expect(r.out).toStartWith(`# ${join(dir, "ot3c.yaml")}: configuration OK\n`);
    expect(r.out).toContain("state-dir: /srv/state\n");
    expect(r.out).toContain("log-level: info\n");
    const debug = await run(["--config", join(dir, "ot3c.yaml"), "--log-level", "debug", "config", "check"]);
    expect(debug.out).toContain("log-level: debug\n");
  });

  test("invalid: exit 78 and the located message on stderr", async () => {
    const dir = withConfig(VALID.replace("target-budget: 48.0", 'target-budget: "abc"'));
    const r = await run(["--config", join(dir, "ot3c.yaml"), "config", "check"]);
    expect(r.code).toBe(78);
    expect(r.out).toBe("");
    expect(r.err).toBe(`ot3c: ${join(dir, "ot3c.yaml")}:6:16: target-budget: expected a number > 0, got "abc"\n`);
  });

  test("no file: exit 78", async () => {
    const r = await run(["--config", join(tempDir(), "missing.yaml"), "config", "check"], SECRETS_ENV);
    expect(r.code).toBe(78);
    expect(r.err).toContain("does not exist");
  });
});
