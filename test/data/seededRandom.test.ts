import { describe, expect, it } from "vitest";
import { createRandom, randomPermutation } from "../../src/data/seededRandom.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

describe("createRandom", () => {
  it("gives the same stream for the same seed and a different one for another seed", () => {
    const a = createRandom(7, "t");
    const b = createRandom(7, "t");
    const c = createRandom(8, "t");
    const sa = Array.from({ length: 20 }, () => a.next());
    const sb = Array.from({ length: 20 }, () => b.next());
    const sc = Array.from({ length: 20 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    expect(sa.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it("draws integers in range and roughly standard normals", () => {
    const r = createRandom("normals", "t");
    const ints = Array.from({ length: 2000 }, () => r.int(5));
    expect(Math.min(...ints)).toBe(0);
    expect(Math.max(...ints)).toBe(4);
    const z = Array.from({ length: 20000 }, () => r.normal());
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it("rejects bad seeds with a SparsekitError naming the caller", () => {
    expect(() => createRandom(NaN, "loadMnist")).toThrow(SparsekitError);
    expect(() => createRandom("", "loadMnist")).toThrow(/loadMnist: option 'seed'/);
  });
});

describe("randomPermutation", () => {
  it("is a permutation and is reproducible", () => {
    const p = randomPermutation(100, createRandom(1, "t"));
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(randomPermutation(100, createRandom(1, "t")))).toEqual(Array.from(p));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
