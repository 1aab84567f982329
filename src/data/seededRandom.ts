import seedrandom from "seedrandom";
import { SparsekitError } from "../validation/SparsekitError.js";

/** A seed for reproducible randomness: the same seed always gives the same stream. */
export type Seed = number | string;

/** A seeded random stream (ARC4 from `seedrandom`), with the few draws the data layer needs. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal N(0, 1) (Box–Muller). */
  normal(): number;
}

/**
 * Creates a seeded random stream. Numbers and strings are both accepted; `1` and `"1"` give the same
 * stream (seedrandom seeds with the string form).
 */
export function createRandom(seed: Seed, where: string, name = "seed"): SeededRandom {
  const ok = (typeof seed === "number" && Number.isFinite(seed)) || (typeof seed === "string" && seed.length > 0);
  if (!ok) {
    throw new SparsekitError(
      `${where}: option '${name}' must be a finite number or a non-empty string, got ${typeof seed === "string" ? `"${seed}"` : String(seed)}.`,
    );
  }
  const prng = seedrandom(String(seed));
  let spare: number | null = null;
  return {
    next: () => prng.double(),
    int: (n: number) => Math.floor(prng.double() * n),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      // 1 - u keeps the logarithm's argument in (0, 1].
      const u = 1 - prng.double();
      const v = prng.double();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates) drawn from `rng`. */
export function randomPermutation(n: number, rng: SeededRandom): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
