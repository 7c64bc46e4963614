/**
 * The one seeded random source of `ml/` (CONVENTIONS: randomness is passed in, never Math.random).
 *
 * Mulberry32: a 32-bit state generator, fast and good enough for bootstrap sampling,
 * feature subsampling and synthetic data. The same seed always gives the same stream.
 */
export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal draw (Box-Muller). */
  normal(): number;
  /** A new independent stream derived from this one (for per-tree or per-worker streams). */
  fork(): Random;
}

/** @throws RangeError when the seed is not a finite number. */
export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  let spareNormal: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Random = {
    next,
    int: (n: number) => Math.floor(next() * n),
    normal: () => {
      if (spareNormal !== null) {
        const s = spareNormal;
        spareNormal = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    fork: () => createRandom(Math.floor(next() * 4294967296)),
  };
  return rng;
}
