/**
 * The compiled binary end to end, as an operator runs it: `dist/ot3c` (built here when missing or older than the
 * sources), `ot3c sim` as a subprocess on a free port, then `verify`, `list`, `plan` and `dump-data` against it,
 * and a malformed configuration.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import pkg from "../../package.json" with { type: "json" };
import { BIN, ensureBinary } from "./compiled-binary.ts";




let work: string;
let sim: ReturnType<typeof Bun.spawn> | undefined;
let configFile: string;
let simYaml: Record<string, unknown>;

interface Result {
  code: number;
  out: string;
  err: string;
}

async function ot3c(args: string[]): Promise<Result> {
  const p = Bun.spawn([BIN, ...args], { cwd: work, stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work, NO_COLOR: "1" } });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out, err };
}

const withState = (args: string[], config = configFile) => ["--config", config, "--state-dir", join(work, "state"), ...args];

/** Reads the sim's stdout until its ot3c.yaml is complete (the last key it prints is `enforce:`). */
async function readSimConfig(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 20_000;
  while (!/^enforce: .*\n/m.test(text)) {
    if (Date.now() > deadline) throw new Error(`ot3c sim printed no config in time: ${text}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`ot3c sim exited early: ${text}`);
    text += dec.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

beforeAll(async () => {
  ensureBinary();
  work = mkdtempSync(join(tmpdir(), "ot3c-e2e-"));
  sim = Bun.spawn([BIN, "sim", "--port", "0", "--seed", "3"], { cwd: work, stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "", HOME: work } });
  const yaml = await readSimConfig(sim.stdout as ReadableStream<Uint8Array>);
  simYaml = parse(yaml) as Record<string, unknown>;
  configFile = join(work, "ot3c.yaml");
  writeFileSync(configFile, yaml, { mode: 0o600 });
}, 60_000);

afterAll(async () => {
  if (sim) {
    sim.kill("SIGTERM");
    await sim.exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("compiled binary", () => {
  test("--version prints the package version", async () => {
    const r = await ot3c(["--version"]);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toContain(pkg.version);
  });

  test("--help and <command> --help for every command", async () => {
    const r = await ot3c(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: ot3c");
    const commands = r.out
      .slice(r.out.indexOf("Commands:"))
      .split("\n")
      .slice(1)
      .map((l) => /^ {2}([a-z][a-z-]*)/.exec(l)?.[1])
      .filter((c): c is string => !!c && c !== "help");
    for (const c of ["verify", "list", "plan", "dump-data", "sim"]) expect(commands).toContain(c);
    const results = await Promise.all(commands.map((c) => ot3c([c, "--help"])));
    results.forEach((h, i) => {
      expect({ command: commands[i], code: h.code }).toEqual({ command: commands[i], code: 0 });
      expect(h.out).toContain(`Usage: ot3c ${commands[i]}`);
    });
  }, 30_000);

  test("ot3c sim printed a usable config for a local port", () => {
    expect(String(simYaml["dashboard-endpoint"])).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(simYaml["target-budget"]).toBeGreaterThan(0);
  });

  test("verify against ot3c sim: all GO, exit 0", async () => {
    const r = await ot3c(withState(["verify"]));
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Result: GO — all 11 checks passed.");
    expect(r.out).toContain("GO     Confluent Costs API");
    expect(r.out).toContain("GO     Prometheus (Kafka bytes)");
    expect(r.out).not.toContain(String((simYaml.otccreds as Record<string, unknown>).secretkey));
    expect(r.out).not.toContain(String(simYaml["dashboard-secret"]));
  });

  test("list --output json: clean JSON on stdout, progress on stderr", async () => {
    const r = await ot3c(withState(["list", "--output", "json"]));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.version).toBe(1);
    expect(doc.resources.length).toBeGreaterThan(50);
    expect(doc.budget.target).toBe(simYaml["target-budget"]);
    expect(doc.budget.spendSoFar).toBeGreaterThanOrEqual(0);
    expect(r.err).toContain("ot3c: synced");
  });

  test("plan --out writes a 0600 plan file; dump-data --out - prints CSV", async () => {
    const file = join(work, "plan.yaml");
    const p = await ot3c(withState(["plan", "--out", file]));
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/Outcome: |No Termination Plan needed/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((parse(await Bun.file(file).text()) as { version: number }).version).toBe(1);
    const d = await ot3c(withState(["dump-data", "--out", "-"]));
    expect(d.code).toBe(0);
    expect(d.out.split("\n")[0]).toBe("date,resource_id,product,amount,consumption_type,project_id,project_name,region");
    expect(d.out.split("\n").length).toBeGreaterThan(1000);
  });

  test("a malformed config: exit 78, stderr names the key and line:column", async () => {
    const bad = join(work, "bad.yaml");
    const text = (await Bun.file(configFile).text()).replace(/^target-budget: .*$/m, "target-budget: lots");
    writeFileSync(bad, text, { mode: 0o600 });
    const line = text.split("\n").findIndex((l) => l.startsWith("target-budget:")) + 1;
    const r = await ot3c(withState(["list"], bad));
    expect(r.code).toBe(78);
    expect(r.out).toBe("");
    expect(r.err).toContain(`bad.yaml:${line}:16: target-budget:`);
  });
});
