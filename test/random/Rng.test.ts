import { describe, expect, it } from "vitest";
import { createRng, deriveSeed, Rng } from "../../src/random/index.js";

describe("Rng", () => {
  it("repeats its sequence for the same seed and differs for another", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 20 }, () => a.next());
    const sb = Array.from({ length: 20 }, () => b.next());
    const sc = Array.from({ length: 20 }, () => c.next());
    expect(sb).toEqual(sa);
    expect(sc).not.toEqual(sa);
    for (const v of sa) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });

  it("continues exactly from a saved state, also after a JSON round trip", () => {
    const a = createRng("run-1");
    a.permutation(50);
    a.normal();
    const saved = JSON.parse(JSON.stringify(a.state()));
    const restored = Rng.fromState(saved);
    expect(Array.from(restored.permutation(30))).toEqual(Array.from(a.permutation(30)));
    expect([restored.next(), restored.normal(), restored.int(1000), restored.seed()]).toEqual([a.next(), a.normal(), a.int(1000), a.seed()]);
  });

  it("draws uniform permutations, integers and normals with the right statistics", () => {
    const r = createRng(7);
    const p = r.permutation(1000);
    expect([...p].sort((u, v) => u - v)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // each position of a 4-permutation is uniform: first element 0 about 1/4 of the time
    let first0 = 0;
    for (let i = 0; i < 4000; i++) if (r.permutation(4)[0] === 0) first0++;
    expect(first0 / 4000).toBeGreaterThan(0.22);
    expect(first0 / 4000).toBeLessThan(0.28);
    const ints = Array.from({ length: 6000 }, () => r.int(6));
    for (let k = 0; k < 6; k++) {
      const f = ints.filter((v) => v === k).length / 6000;
      expect(f).toBeGreaterThan(0.14);
      expect(f).toBeLessThan(0.19);
    }
    const z = Array.from({ length: 20000 }, () => r.normal());
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
    const s = r.seed();
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
  });

  it("validates seeds, states and arguments", () => {
    expect(() => createRng(1.5)).toThrow(/Rng.fromSeed: argument 'seed' must be a safe integer or a non-empty string, got 1.5/);
    expect(() => createRng("")).toThrow(/argument 'seed'/);
    expect(() => Rng.fromState({ algorithm: "alea", c: 1, s0: NaN, s1: 0, s2: 0 })).toThrow(/Rng.fromState: argument 'state'/);
    expect(() => createRng(1).int(0)).toThrow(/Rng.int: argument 'n'/);
    expect(() => createRng(1).permutation(-1)).toThrow(/Rng.permutation/);
  });
});

describe("deriveSeed", () => {
  it("is deterministic, label-sensitive and a non-negative 31-bit integer", () => {
    expect(deriveSeed(7, "step", 3)).toBe(deriveSeed(7, "step", 3));
    const seeds = new Set<number>();
    for (let step = 0; step < 1000; step++) seeds.add(deriveSeed(7, "step", step));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(8, "step", 3)).not.toBe(deriveSeed(7, "step", 3));
    expect(deriveSeed(7, "init", 3)).not.toBe(deriveSeed(7, "step", 3));
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    expect(() => deriveSeed(Number.NaN)).toThrow(/deriveSeed: argument 'seed'/);
  });
});
