/**
 * Configuration a hostile or careless hand can write: prototype keys, every kind of YAML alias error, unbounded
 * durations and numbers, bad listen addresses, a FIFO instead of a file, invalid UTF-8 — each exits 78 with
 * line:column (systemd then stops restarting) — and 1,000+ seeded mutations of a valid file, each of which is either
 * accepted or refused with exit 78 and a position; never a crash, never a hang.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { run, cleanupTempDirs as cleanupCli } from "../cli/helpers.ts";
import { cleanupTempDirs, tempDir } from "./helpers.ts";
import { mulberry32 } from "../../src/util/random.ts";

afterAll(() => {
  cleanupTempDirs();
  cleanupCli();
});

const BASE = [
  "dashboard-secret: ed-inline-token", // 1
  "otccreds:", // 2
  "  projectid: p-123", // 3
  "  accesskey: AKINLINE0001", // 4
  "  secretkey: SKINLINE0001", // 5
  "target-budget: 48.0", // 6
  "termination-grace: 24h0m0s", // 7
  "metrics:", // 8
  '  listen: "127.0.0.1:9464"', // 9
  "notify:", // 10
  "  default-owner: ops@example.com", // 11
  "max-terminations-per-run: 10", // 12
].join("\n");

const dir = tempDir();
let n = 0;
async function check(content: string | Uint8Array) {
  const file = join(dir, `c${n++}.yaml`);
  writeFileSync(file, content, { mode: 0o600 });
  const r = await run(["config", "check", "--config", file, "--state-dir", join(dir, "state")]);
  return { ...r, file: file.slice(dir.length + 1) };
}
const at = (r: { err: string; file: string }) => new RegExp(`${r.file.replace(".", "\\.")}:(\\d+):(\\d+): `).exec(r.err);

describe("hostile configuration → exit 78 with line:column", () => {
  test("the base file is accepted", async () => {
    const r = await check(BASE);
    expect(r.code, r.err).toBe(0);
    expect(at(r)).toBeNull(); // no position-bearing error (warnings such as "owners cannot be told" may appear)
  });

  const cases: Array<[string, string, string]> = [
    ["__proto__ would supply enforce: true", `${BASE}\n__proto__:\n  enforce: true\n`, ':13:1: the key "__proto__" is not allowed'],
    ["constructor key", `${BASE}\nconstructor: x\n`, ':13:1: the key "constructor" is not allowed'],
    ["prototype key nested", BASE.replace("  default-owner", "  prototype: 1\n  default-owner"), ':11:3: the key "prototype" is not allowed'],
    ["undefined alias", BASE.replace("target-budget: 48.0", "target-budget: *budget"), ":6:16: alias *budget refers to no anchor"],
    ["alias before its anchor", BASE.replace("target-budget: 48.0", "target-budget: *b\nx: &b 1"), ":6:16: alias *b refers to no anchor"],
    ["recursive alias", `${BASE}\nchargeback: &c\n  loop: *c\n`, ":14:9: alias *c is inside the node it refers to"],
    [
      "alias bomb",
      `${BASE}\nx0: &a [1,1,1,1,1,1,1,1,1,1]\nx1: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx2: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nx3: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`,
      ":14:9: YAML: Excessive alias count",
    ],
    ["duration without an upper bound", BASE.replace("24h0m0s", "9999999999999999999h"), ":7:20: termination-grace: must be at most 8784h (366 days)"],
    ["listen with a bad IPv4 host", BASE.replace("127.0.0.1:9464", "999.0.0.1:9464"), ":9:11: metrics.listen: expected an IPv4 address"],
    ["listen with a port above 65535", BASE.replace("127.0.0.1:9464", "127.0.0.1:70000"), ":9:11: metrics.listen: expected a port 0–65535"],
    ["listen with a label too long", BASE.replace("127.0.0.1:9464", `${"a".repeat(64)}.example:80`), ":9:11: metrics.listen:"],
    ["two addresses as one owner", BASE.replace("ops@example.com", '"ops@example.com, attacker@evil.example"'), ":11:18: notify.default-owner: expected one email address"],
    ["absurd budget", BASE.replace("48.0", "1e300"), ":6:16: target-budget: expected a number ≤"],
    ["blast-radius brake out of range", BASE.replace("run: 10", "run: 100000000"), ":12:27: max-terminations-per-run: expected a whole number from 1 to 10000"],
  ];
  for (const [name, text, expected] of cases) {
    test(name, async () => {
      const r = await check(text);
      expect(r.code, r.err).toBe(78);
      expect(r.err).toContain(`${r.file}${expected}`);
    });
  }

  test("IPv6 and host-name listen addresses are accepted", async () => {
    expect((await check(BASE.replace("127.0.0.1:9464", "[::1]:9464"))).code).toBe(0);
    expect((await check(BASE.replace("127.0.0.1:9464", "metrics.internal.example:9464"))).code).toBe(0);
  });

  test("invalid UTF-8 is an error at its position, not silently replaced", async () => {
    const bytes = Buffer.concat([Buffer.from(BASE.replace("ed-inline-token", "ed-inline-tok")), Buffer.from("\ninstance: caf"), Buffer.from([0xc3, 0x28]), Buffer.from("\n")]);
    const r = await check(bytes);
    expect(r.code).toBe(78);
    expect(r.err).toContain(`${r.file}:13:14: invalid UTF-8 (byte 0xc3`);
  });

  test("a FIFO as the configuration is refused at once instead of hanging", async () => {
    const fifo = join(dir, "fifo.yaml");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    const started = performance.now();
    const r = await run(["config", "check", "--config", fifo, "--state-dir", join(dir, "state")]);
    expect(r.code).toBe(78);
    expect(r.err).toContain("fifo.yaml:1:1: not a regular file");
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

/** Seeded mutations of BASE: bytes and tokens a fuzzer (or a bad paste) puts into YAML. */
function mutate(random: () => number, text: string): Uint8Array {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const TOKENS = [":", "&a", "*a", "*zz", "[", "]", "{", "}", '"', "'", "\t", "\n", "- ", "!!", "!", "%", "@", "|", ">", "#", "?", ",", "&", "*",
    "__proto__: {enforce: true}", "constructor: 1", "<<: *a", "\u001b[2J", "\u202e", "\r", "\u0000", "~", "null", ".inf", "-.inf", ".nan",
    "1e999", "99999999999999999999h", "0", "-1", "1h", "0s", "9999999h", "[::1]:1", "999.1.1.1:1", "a@b,c@d", "---", "...", "&a [*a]", "  "];
  const BYTES = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf5, 0x80, 0x80, 0x80]];
  let s = text;
  const edits = 1 + Math.floor(random() * 4);
  let raw: number[] | undefined;
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(random() * (s.length + 1));
    const lines = s.split("\n");
    const li = Math.floor(random() * lines.length);
    switch (Math.floor(random() * 7)) {
      case 0: s = s.slice(0, i) + pick(TOKENS) + s.slice(i); break;
      case 1: s = s.slice(0, i) + s.slice(i + 1 + Math.floor(random() * 5)); break;
      case 2: lines.splice(li, 0, lines[Math.floor(random() * lines.length)]!); s = lines.join("\n"); break;
      case 3: { const lj = Math.floor(random() * lines.length); [lines[li], lines[lj]] = [lines[lj]!, lines[li]!]; s = lines.join("\n"); break; }
      case 4: lines[li] = lines[li]!.replace(/: .*$/, `: ${pick(TOKENS)}`); s = lines.join("\n"); break;
      case 5: lines.splice(li, 0, `${" ".repeat(Math.floor(random() * 3) * 2)}${pick(["__proto__", "constructor", "prototype", "x", "notify", "metrics"])}: ${pick(TOKENS)}`); s = lines.join("\n"); break;
      case 6: raw = [i, ...pick(BYTES)]; break;
    }
  }
  const bytes = Buffer.from(s, "utf8");
  if (!raw) return bytes;
  const cut = Math.min(raw[0]!, bytes.length);
  return Buffer.concat([bytes.subarray(0, cut), Buffer.from(raw.slice(1)), bytes.subarray(cut)]);
}

describe("fuzz: 1,200 seeded mutations of a valid file", () => {
  test("each is accepted (exit 0) or refused with exit 78 and line:column; never another exit, a crash or a hang", async () => {
    const random = mulberry32(20261206);
    const outcomes = { ok: 0, refused: 0 };
    const bad: string[] = [];
    for (let k = 0; k < 1200; k++) {
      const content = mutate(random, BASE);
      const started = performance.now();
      const r = await check(content);
      const slow = performance.now() - started > 2000;
      if (r.code === 0 && !slow) outcomes.ok++;
      else if (r.code === 78 && at(r) && !slow) outcomes.refused++;
      else if (bad.length < 10) bad.push(`#${k} exit ${r.code}${slow ? " (slow)" : ""}: ${r.err.slice(0, 300)} <<${Buffer.from(content).toString("latin1").slice(0, 400)}>>`);
    }
    expect(bad).toEqual([]);
    expect(outcomes.ok + outcomes.refused).toBe(1200);
    expect(outcomes.refused).toBeGreaterThan(600);
  }, 120_000);
});
