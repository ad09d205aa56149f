/**
 * `npm run bench`: runs every benchmark in its own process (clean RSS and CPU figures), collects the JSON line each
 * one ends with (see report.ts), prints one table (figure, value, target, pass/fail) and writes bench/results.json.
 * `npm run bench -- inventory planner` runs a subset.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchCheck } from "./report.ts";

const ALL = ["startup", "inventory", "fleet", "planner", "budgets", "backtest", "replay", "replay-budgets", "chargeback", "metrics", "tui", "daemon-rss"];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const benches = chosen.length ? chosen : ALL;
const root = join(import.meta.dir, "../..");

if (!existsSync(join(root, "dist/ot3c"))) {
  console.log("building dist/ot3c first …");
  const b = Bun.spawnSync([process.execPath, "scripts/build.ts"], { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (b.exitCode !== 0) process.exit(1);
}

interface Row extends BenchCheck {
  bench: string;
}
const rows: Row[] = [];
const results: Record<string, unknown> = {};

for (const name of benches) {
  const file = join(import.meta.dir, `${name}.ts`);
  if (!existsSync(file)) {
    console.log(`\n## ${name}: missing (${file})`);
    rows.push({ bench: name, figure: "benchmark present", value: 0, unit: "", target: "exists", pass: false });
    continue;
  }
  console.log(`\n## ${name}`);
  const t0 = performance.now();
  const proc = Bun.spawnSync([process.execPath, file], { cwd: root, stdout: "pipe", stderr: "inherit", env: { ...process.env, NO_COLOR: "1" } });
  const out = proc.stdout.toString();
  process.stdout.write(out);
  const line = out.trim().split("\n").reverse().find((l) => l.startsWith("{") && l.includes('"bench"'));
  if (proc.exitCode !== 0 || !line) {
    rows.push({ bench: name, figure: "ran to completion", value: proc.exitCode ?? -1, unit: "exit", target: "exit 0 with a result line", pass: false });
    continue;
  }
  const parsed = JSON.parse(line) as { checks?: BenchCheck[] };
  results[name] = { ...parsed, seconds: Math.round((performance.now() - t0) / 100) / 10 };
  for (const c of parsed.checks ?? []) rows.push({ bench: name, ...c });
}

const w = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + " ".repeat(n - s.length));
console.log("\n" + w("bench", 12) + w("figure", 52) + w("value", 16) + w("target", 16) + "result");
console.log("-".repeat(102));
for (const r of rows) {
  console.log(w(r.bench, 12) + w(r.figure, 52) + w(`${r.value} ${r.unit}`, 16) + w(r.target, 16) + (r.pass ? "PASS" : "FAIL"));
}
mkdirSync(join(root, "bench"), { recursive: true });
writeFileSync(join(root, "bench/results.json"), JSON.stringify({ at: new Date().toISOString(), rows, results }, null, 2) + "\n");
const failed = rows.filter((r) => !r.pass).length;
console.log(`\n${rows.length - failed} passed, ${failed} failed — written to bench/results.json`);
process.exitCode = failed ? 1 : 0;
