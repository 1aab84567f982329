import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { checkDenoising, maybeCorrupt } from "../../src/models/denoising.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

describe("checkDenoising", () => {
  it("accepts null/undefined as no corruption and returns a clean copy of a valid spec", () => {
    expect(checkDenoising(null, "M")).toBeNull();
    expect(checkDenoising(undefined, "M")).toBeNull();
    expect(checkDenoising({ kind: "masking", level: 0.3 }, "M")).toEqual({ kind: "masking", level: 0.3 });
  });

  it("names the bad field", () => {
    expect(() => checkDenoising("gaussian", "M")).toThrow(/M: option 'denoising'/);
    expect(() => checkDenoising({ kind: "blur", level: 0.1 }, "M")).toThrow(/denoising\.kind/);
    expect(() => checkDenoising({ kind: "masking", level: 1 }, "M")).toThrow(/denoising\.level/);
    expect(() => checkDenoising({ kind: "gaussian", level: 0.1, extra: 1 }, "M")).toThrow(SparsekitError);
  });
});

describe("maybeCorrupt", () => {
  it("returns the input itself without denoising, level 0 or noise seed", () => {
    const x = tf.ones([4, 3]);
    expect(maybeCorrupt(x, null, 1)).toBe(x);
    expect(maybeCorrupt(x, { kind: "gaussian", level: 0 }, 1)).toBe(x);
    expect(maybeCorrupt(x, { kind: "gaussian", level: 0.5 }, undefined)).toBe(x);
    x.dispose();
  });

  it("corrupts deterministically for a given seed", () => {
    const x = tf.ones([50, 20]);
    const a = maybeCorrupt(x, { kind: "masking", level: 0.5 }, 7);
    const b = maybeCorrupt(x, { kind: "masking", level: 0.5 }, 7);
    const zeros = a.dataSync().filter((v) => v === 0).length / a.size;
    expect(zeros).toBeGreaterThan(0.4);
    expect(zeros).toBeLessThan(0.6);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
  });
});
