/**
 * The one format every benchmark ends with: a JSON line `{"bench": name, "checks": [...], ...extra}` on stdout, so
 * `npm run bench` can collect figures from separate processes (each bench runs alone, for clean RSS/CPU figures).
 */
export interface BenchCheck {
  figure: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "≤ 30 s". */
  target: string;
  pass: boolean;
}

export function check(figure: string, value: number, unit: string, op: "<=" | ">=", limit: number): BenchCheck {
  const pass = op === "<=" ? value <= limit : value >= limit;
  return { figure, value: Math.round(value * 1000) / 1000, unit, target: `${op === "<=" ? "≤" : "≥"} ${limit} ${unit}`, pass };
}

export function report(bench: string, checks: BenchCheck[], extra: Record<string, unknown> = {}): void {
  for (const c of checks) {
    console.log(`${c.pass ? "PASS" : "FAIL"}  ${c.figure}: ${c.value} ${c.unit} (target ${c.target})`);
  }
  console.log(JSON.stringify({ bench, checks, ...extra }));
}

export function peakRssMB(): number {
  // maxRSS is in kilobytes on Linux.
  return process.resourceUsage().maxRSS / 1024;
}
