import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { allObjectPaths } from "../../src/config/issues.ts";
import { configJsonSchemaText, configMarkdownReference } from "../../src/config/reference.ts";
import { exampleConfigText } from "../../src/config/generate.ts";
import { SECRET_SPECS } from "../../src/config/secrets.ts";
import { cleanupTempDirs, load, SECRETS_ENV, tempDir } from "./helpers.ts";

afterAll(cleanupTempDirs);

const ROOT = join(import.meta.dir, "..", "..");
const EXAMPLE = readFileSync(join(ROOT, "ot3c.yaml.example"), "utf8");

describe("ot3c.yaml.example", () => {
  test("loads as is, with the secrets supplied through the environment", async () => {
    const dir = tempDir();
    copyFileSync(join(ROOT, "ot3c.yaml.example"), join(dir, "ot3c.yaml"));
    const cfg = await load(dir, { env: SECRETS_ENV });
    expect(cfg.otc.projectName).toBe("eu-de_myproject");
    expect(cfg.dashboardSecret).toBe(SECRETS_ENV.OT3C_DASHBOARD_SECRET);
    expect(cfg.enforce).toBe(false);
  });

  test("its commented-out chargeback section is valid too once uncommented", async () => {
    const lines = EXAMPLE.split("\n");
    const start = lines.indexOf("# chargeback:");
    expect(start).toBeGreaterThan(0);
    // Strip one level of "# " from the section; lines that stay comments ("#   # …") keep their inner "#".
    const section = lines.slice(start).map((l) => l.replace(/^# ?/, ""));
    const doc = parseDocument(section.join("\n"));
    expect(doc.errors).toEqual([]);
    const dir = tempDir();
    const text = [...lines.slice(0, start), ...section].join("\n");
    await Bun.write(join(dir, "ot3c.yaml"), text);
    const cfg = await load(dir, { env: SECRETS_ENV });
    expect(cfg.chargeback).toMatchObject({ lookbackDays: 30, cutoffDays: 5, ckuUsageRatio: 0.7, syncIntervalMs: 3_600_000 });
    expect(cfg.chargeback!.prometheus.auth.type).toBe("basic");
  });

  test("documents every key of the schema, and every secret's environment variable and -file form", () => {
    const missing: string[] = [];
    for (const { path, keys } of allObjectPaths()) {
      for (const key of keys) {
        const re = new RegExp(`^[#\\s]*${key.replace(/[-]/g, "\\-")}:`, "m");
        if (!re.test(EXAMPLE)) missing.push([...path, key].join("."));
      }
    }
    expect(missing).toEqual([]);
    for (const spec of SECRET_SPECS) {
      if (spec.env) expect(EXAMPLE).toContain(spec.env);
      expect(EXAMPLE).toContain(`${spec.path[spec.path.length - 1]}-file:`);
    }
  });

  test("the binary embeds the same text", () => {
    expect(exampleConfigText()).toBe(EXAMPLE);
  });
});

describe("generated documents", () => {
  test("ot3c.schema.json and docs/configuration.md are up to date (run: bun scripts/gen-schema.ts)", () => {
    expect(readFileSync(join(ROOT, "ot3c.schema.json"), "utf8")).toBe(configJsonSchemaText());
    expect(readFileSync(join(ROOT, "docs", "configuration.md"), "utf8")).toBe(configMarkdownReference());
  });

  test("gen-schema --check agrees", () => {
    const r = Bun.spawnSync([process.execPath, join(ROOT, "scripts", "gen-schema.ts"), "--check"], { stderr: "pipe" });
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  });

  test("the JSON Schema is strict, carries defaults and descriptions", () => {
    const schema = JSON.parse(configJsonSchemaText());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["otccreds", "target-budget"]);
    expect(schema.properties["target-budget"]).toMatchObject({ type: "number", exclusiveMinimum: 0 });
    expect(schema.properties.enforce).toMatchObject({ type: "boolean", default: false });
    expect(schema.properties.otccreds.properties.region.default).toBe("eu-de");
    expect(schema.properties["termination-grace"].description).toContain("Go duration");
  });

  test("the reference table has a row per key with its default and alternatives", () => {
    const md = configMarkdownReference();
    expect(md).toContain("| `termination-grace` | duration | `\"24h0m0s\"` |");
    expect(md).toContain("env `OT3C_OTC_SECRET_KEY`, `secretkey-file`");
    expect(md).toContain("| `target-budget` | number (> 0, ≤ 1000000000000) | **required** |");
  });
});
