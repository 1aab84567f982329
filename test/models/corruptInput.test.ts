import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { corruptInput } from "../../src/models/corruptInput.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function values(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

describe("corruptInput", () => {
  const x = tf.tidy(() => tf.add(tf.randomUniform([200, 50], 0, 1, "float32", 3), 0.5));

  it("gaussian noise has the requested standard deviation and zero mean", () => {
    const noisy = corruptInput(x, { kind: "gaussian", level: 0.3, seed: 1 });
    expect(noisy.shape).toEqual(x.shape);
    const d = values(tf.sub(noisy, x));
    noisy.dispose();
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(std).toBeGreaterThan(0.28);
    expect(std).toBeLessThan(0.32);
  });

  it("masking zeroes about `level` of the entries and keeps the rest unchanged", () => {
    const masked = corruptInput(x, { kind: "masking", level: 0.25, seed: 2 });
    const m = values(masked);
    const orig = x.dataSync();
    let zeros = 0;
    let changed = 0;
    for (let i = 0; i < m.length; i++) {
      if (m[i] === 0) zeros++;
      else if (m[i] !== orig[i]) changed++;
    }
    expect(changed).toBe(0);
    expect(zeros / m.length).toBeGreaterThan(0.22);
    expect(zeros / m.length).toBeLessThan(0.28);
  });

  it("is reproducible by seed and differs between seeds; level 0 is a copy", () => {
    const a = values(corruptInput(x, { kind: "gaussian", level: 0.1, seed: 5 }));
    const b = values(corruptInput(x, { kind: "gaussian", level: 0.1, seed: 5 }));
    const c = values(corruptInput(x, { kind: "gaussian", level: 0.1, seed: 6 }));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(Array.from(values(corruptInput(x, { kind: "masking", level: 0, seed: 1 })))).toEqual(Array.from(x.dataSync()));
  });

  it("does not leak tensors and works on rank-4 images", () => {
    const img = tf.ones([2, 4, 4, 1]);
    const before = tf.memory().numTensors;
    const out = corruptInput(img, { kind: "masking", level: 0.5, seed: 0 });
    expect(out.shape).toEqual([2, 4, 4, 1]);
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
    img.dispose();
  });

  it("rejects bad input and options with a SparsekitError naming them", () => {
    expect(() => corruptInput(x, { kind: "salt" as "gaussian", level: 0.1, seed: 0 })).toThrow(/corruptInput: option 'kind'/);
    expect(() => corruptInput(x, { kind: "masking", level: 1, seed: 0 })).toThrow(/option 'level' must be .*< 1/);
    expect(() => corruptInput(x, { kind: "gaussian", level: -1, seed: 0 })).toThrow(/option 'level'/);
    expect(() => corruptInput(x, { kind: "gaussian", level: 0.1, seed: 1.5 })).toThrow(/option 'seed'/);
    expect(() => corruptInput(x, { kind: "gaussian", level: 0.1, seed: 0, extra: 1 } as never)).toThrow(/unknown option 'extra'/);
    const bad = tf.tensor2d([[NaN, 1]]);
    expect(() => corruptInput(bad, { kind: "gaussian", level: 0.1, seed: 0 })).toThrow(SparsekitError);
    bad.dispose();
    expect(() => corruptInput(tf.scalar(1), { kind: "gaussian", level: 0.1, seed: 0 })).toThrow(/batch dimension/);
  });
});
