/**
 * Cold start of the compiled binary: `dist/ot3c --version`, median of N runs (target ≤ 80 ms). Ink and React are
 * loaded only by the TUI, so this measures the CLI's own start-up. Build first: npm run build.
 */
import { existsSync } from "node:fs";
import { check, report } from "./report.ts";

const bin = process.argv[2] ?? "dist/ot3c";
const runs = Number(process.env.BENCH_RUNS ?? 25);
if (!existsSync(bin)) {
  console.error(`${bin} not found: run npm run build first`);
  process.exit(1);
}
// One warm-up so the page cache holds the 100 MB binary, as it would on a jump host used daily.
Bun.spawnSync([bin, "--version"]);
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = Bun.spawnSync([bin, "--version"], { stdout: "pipe" });
  times.push(performance.now() - t0);
  if (r.exitCode !== 0) throw new Error(`${bin} --version exited ${r.exitCode}`);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const p90 = times[Math.floor(times.length * 0.9)]!;
console.log(`ot3c --version over ${runs} runs: median ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms`);
report("startup", [check("cold start ot3c --version (median)", median, "ms", "<=", 80)], { p90Ms: p90 });
