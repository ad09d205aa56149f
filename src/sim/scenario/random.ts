/**
 * Seeded randomness for the scenario generator. Everything a world contains (ids, tags, costs) is drawn from one
 * stream, so the same seed and options always give the same world — tests and bug reports can name a seed.
 * Credentials are the exception: they come from crypto so that no two simulators share a secret by accident.
 */
import { mulberry32 as seededRandom } from "../../util/random.ts";

const HEX = "0123456789abcdef";

export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    // Mix the seed so that seeds 1, 2, 3 do not start from neighbouring states.
    this.next = seededRandom(Math.imul(seed >>> 0 ^ 0x9e3779b9, 0x85ebca6b) >>> 0);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1]![0];
  }

  /** Approximately normal (Irwin–Hall with 4 terms): cheap, bounded, good enough for noise. */
  normal(mean: number, sd: number): number {
    const s = this.next() + this.next() + this.next() + this.next() - 2;
    return mean + sd * s * Math.sqrt(3);
  }

  hex(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += HEX[Math.floor(this.next() * 16)];
    return out;
  }

  /** A version-4-shaped UUID (OTC server, volume and node pool ids look like this). */
  uuid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + Math.floor(this.next() * 4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** A random string from crypto, for per-world credentials. */
export function randomToken(length: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
