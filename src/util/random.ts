/**
 * mulberry32: a tiny, fast, seedable PRNG. Everything random in ot3c that must be reproducible (simulator faults,
 * synthetic forecast series, property-test instances, crash-test kill points) draws from it, so a failing seed can
 * be replayed bit for bit. Not for anything security-related.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
