import seedrandom from "seedrandom";
import { SparsekitError } from "../validation/SparsekitError.js";

/** Serialisable state of an {@link Rng}: the four numbers of the Alea generator. JSON round-trips it exactly. */
export interface RngState {
  algorithm: "alea";
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

type AleaPrng = seedrandom.StatefulPRNG<seedrandom.State.Alea>;

/** A seed: the same seed always gives the same stream. */
export type Seed = number | string;

function checkSeed(seed: unknown, where: string, name = "seed"): asserts seed is Seed {
  const ok = (typeof seed === "number" && Number.isSafeInteger(seed)) || (typeof seed === "string" && seed !== "");
  if (!ok) {
    throw new SparsekitError(`${where}: argument '${name}' must be a safe integer or a non-empty string, got ${JSON.stringify(seed) ?? String(seed)}.`);
  }
}

/**
 * Seeded pseudo-random generator (seedrandom's Alea) whose full state can be saved and restored,
 * so a resumed training run draws exactly the numbers the uninterrupted run would have drawn.
 * The same seed gives the same sequence on every platform (pure JS arithmetic).
 */
export class Rng {
  private constructor(private readonly prng: AleaPrng) {}

  /**
   * New generator from an integer or string seed. `where` names the caller in the error for a
   * bad seed (e.g. "loadMnist"), so users see which option was wrong.
   */
  static fromSeed(seed: Seed, where = "Rng.fromSeed", name = "seed"): Rng {
    checkSeed(seed, where, name);
    return new Rng(seedrandom.alea(String(seed), { state: true }));
  }

  /** Generator continuing exactly from a state returned by {@link Rng.state}. */
  static fromState(state: RngState): Rng {
    const ok =
      state != null &&
      state.algorithm === "alea" &&
      [state.c, state.s0, state.s1, state.s2].every((v) => typeof v === "number" && Number.isFinite(v));
    if (!ok) {
      throw new SparsekitError(`Rng.fromState: argument 'state' must be { algorithm: "alea", c, s0, s1, s2 } with finite numbers, got ${JSON.stringify(state)}.`);
    }
    const { c, s0, s1, s2 } = state;
    return new Rng(seedrandom.alea("", { state: { c, s0, s1, s2 } }));
  }

  /** A copy of the current state (plain JSON). */
  state(): RngState {
    const s = this.prng.state();
    return { algorithm: "alea", c: s.c, s0: s.s0, s1: s.s1, s2: s.s2 };
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    return this.prng.double();
  }

  /** Uniform integer in [0, n), n a positive integer <= 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) {
      throw new SparsekitError(`Rng.int: argument 'n' must be an integer in [1, 2^32], got ${n}.`);
    }
    return Math.floor(this.prng.double() * n);
  }

  /** Non-negative 31-bit integer, e.g. a seed for tfjs initialisers or random ops. */
  seed(): number {
    return this.prng.int32() >>> 1;
  }

  /** Standard normal draw (Box-Muller; no cached second value, so the state stays four numbers). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.prng.double();
    const v = this.prng.double();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) {
      throw new SparsekitError(`Rng.permutation: argument 'n' must be a non-negative integer, got ${n}.`);
    }
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.prng.double() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

/** Shorthand for {@link Rng.fromSeed}. */
export function createRng(seed: Seed, where?: string, name?: string): Rng {
  return Rng.fromSeed(seed, where, name);
}

/**
 * A deterministic non-negative 31-bit integer derived from a base seed and any number of
 * labels (e.g. `deriveSeed(seed, "step", 37)`), for seeding tfjs random ops and initialisers
 * independently of each other and of the shuffling stream. FNV-1a over the labels, then a
 * murmur3 finaliser; not cryptographic.
 */
export function deriveSeed(seed: number | string, ...labels: (number | string)[]): number {
  checkSeed(seed, "deriveSeed");
  const text = [String(seed), ...labels.map(String)].join("\u0000");
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 1;
}
