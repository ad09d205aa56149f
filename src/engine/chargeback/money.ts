/**
 * Integer money arithmetic. Every split here returns parts that sum *exactly* to the input, with a deterministic
 * remainder rule, so no micro-unit is ever created or lost between a billing row and its pieces.
 */
import { MICROS } from "./types.ts";

/** Currency amount (JSON number or decimal string) → integer micros, rounding half away from zero. */
export function toMicros(value: number | string | undefined | null): number {
  if (value === undefined || value === null || value === "") return 0;
  if (typeof value === "string") {
    // Decimal strings are converted digit by digit, so "0.1234565" does not go through a binary float.
    const m = /^\s*([+-])?(\d*)(?:\.(\d*))?\s*$/.exec(value);
    if (!m) return toMicros(Number(value));
    const sign = m[1] === "-" ? -1 : 1;
    const whole = Number(m[2] || "0");
    const frac = (m[3] ?? "").padEnd(7, "0");
    let micros = whole * MICROS + Number(frac.slice(0, 6));
    if (Number(frac[6]) >= 5) micros += 1;
    return sign * micros;
  }
  if (!Number.isFinite(value)) return 0;
  const scaled = value * MICROS;
  // Nudge by a tiny epsilon so 0.0000005 (stored as 4.99999…e-7) still rounds half away from zero.
  return Math.sign(scaled) * Math.round(Math.abs(scaled) + 1e-7);
}

export function microsToNumber(micros: number): number {
  return micros / MICROS;
}

/** Fixed-point text with 6 decimals, exact (no float formatting), e.g. 1234567 → "1.234567". */
export function formatMicros(micros: number): string {
  const sign = micros < 0 ? "-" : "";
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS);
  const frac = String(abs % MICROS).padStart(6, "0");
  return `${sign}${whole}.${frac}`;
}

/**
 * Splits `amount` into `n` integer parts that sum to it: each part gets ⌊|amount|/n⌋ and the first
 * |amount| mod n parts get one more (sign preserved). Callers order the parts (sorted ids, ascending hours),
 * which makes the remainder rule deterministic.
 */
export function splitEven(amount: number, n: number): number[] {
  if (n <= 0) throw new Error("splitEven: no parts");
  const sign = amount < 0 ? -1 : 1;
  const abs = Math.abs(amount);
  const base = Math.floor(abs / n);
  const rest = abs - base * n;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = sign * (base + (i < rest ? 1 : 0));
  return out;
}

/**
 * Splits `amount` in proportion to non-negative integer `weights` (largest-remainder method): every part gets
 * ⌊amount·w/W⌋, then the leftover micros go one each to the parts with the largest fractional remainders, ties to
 * the lower index. Exact: uses plain numbers while amount·W is a safe integer, BigInt otherwise.
 */
export function splitByWeights(amount: number, weights: number[]): number[] {
  const n = weights.length;
  if (n === 0) throw new Error("splitByWeights: no parts");
  let total = 0;
  for (const w of weights) {
    if (!(w >= 0) || !Number.isInteger(w)) throw new Error(`splitByWeights: bad weight ${w}`);
    total += w;
  }
  if (total === 0) throw new Error("splitByWeights: all weights are zero");
  const sign = amount < 0 ? -1 : 1;
  const abs = Math.abs(amount);
  const parts = new Array<number>(n);
  const remainders = new Array<number | bigint>(n);
  let given = 0;
  if (Number.isSafeInteger(total) && Number.isSafeInteger(abs * total)) {
    for (let i = 0; i < n; i++) {
      const num = abs * weights[i]!;
      const q = Math.floor(num / total);
      parts[i] = q;
      remainders[i] = num - q * total;
      given += q;
    }
  } else {
    const A = BigInt(abs);
    const W = weights.reduce((s, w) => s + BigInt(w), 0n);
    for (let i = 0; i < n; i++) {
      const num = A * BigInt(weights[i]!);
      const q = num / W;
      parts[i] = Number(q);
      remainders[i] = num - q * W;
      given += Number(q);
    }
  }
  let left = abs - given;
  if (left > 0) {
    const order = [...Array(n).keys()].sort((a, b) => {
      const ra = remainders[a]!;
      const rb = remainders[b]!;
      if (ra === rb) return a - b;
      return ra > rb ? -1 : 1;
    });
    for (let k = 0; left > 0; k = (k + 1) % n, left--) parts[order[k]!]! += 1;
  }
  for (let i = 0; i < n; i++) parts[i] = sign * parts[i]!;
  return parts;
}

/** `amount × ratio` rounded down in magnitude, with the ratio taken to 6 decimals (exact integer math). */
export function ratioPart(amount: number, ratio: number): number {
  const r = Math.round(Math.min(1, Math.max(0, ratio)) * MICROS);
  const sign = amount < 0 ? -1 : 1;
  const abs = Math.abs(amount);
  if (Number.isSafeInteger(abs * r)) return sign * Math.floor((abs * r) / MICROS);
  return sign * Number((BigInt(abs) * BigInt(r)) / BigInt(MICROS));
}
