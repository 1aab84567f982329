import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { affineWarp, randomAffine, sampleAffineParams } from "../../src/data/randomAffine.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

const identity = { rotation: 0, scale: 1, shiftX: 0, shiftY: 0 };

function digitLike(b: number, side = 28): tf.Tensor2D {
  const data = new Float32Array(b * side * side);
  for (let i = 0; i < b; i++) {
    for (let r = 8; r < 20; r++) for (let c = 10 + i; c < 16 + i; c++) data[i * side * side + r * side + c] = (r + c) / 40;
  }
  return tf.tensor2d(data, [b, side * side]);
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("randomAffine / affineWarp", () => {
  it("keeps the shape for flat, [B,H,W] and [B,H,W,C] input", () => {
    const x = digitLike(3);
    const a = randomAffine(x, { seed: 1 });
    expect(a.shape).toEqual([3, 784]);
    const img = tf.reshape(x, [3, 28, 28, 1]);
    const b = randomAffine(img, { seed: 1 });
    expect(b.shape).toEqual([3, 28, 28, 1]);
    // same seed, same transforms, whatever the layout
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const rgb = tf.ones([2, 5, 7, 3]);
    expect(randomAffine(rgb, { seed: 2 }).shape).toEqual([2, 5, 7, 3]);
    tf.dispose([x, a, img, b, rgb]);
  });
  it("returns the input exactly for the identity transform and for zero ranges", () => {
    const x = digitLike(2);
    const a = affineWarp(x, [identity, identity]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(x.dataSync()));
    const b = randomAffine(x, { seed: 5, maxShift: 0, maxRotation: 0, maxScale: 0 });
    expect(Array.from(b.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, a, b]);
  });
  it("moves pixels by an integer shift and fills the border", () => {
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8, 9]]); // 3x3
    const right = affineWarp(x, [{ ...identity, shiftX: 1 }], { fillValue: -1 });
    expect(Array.from(right.dataSync())).toEqual([-1, 1, 2, -1, 4, 5, -1, 7, 8]);
    const down = affineWarp(x, [{ ...identity, shiftY: 1 }]);
    expect(Array.from(down.dataSync())).toEqual([0, 0, 0, 1, 2, 3, 4, 5, 6]);
    tf.dispose([x, right, down]);
  });
  it("rotates by 90 degrees about the centre and interpolates half-pixel shifts", () => {
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    const r = affineWarp(x, [{ ...identity, rotation: 90 }]);
    const got = Array.from(r.dataSync()).map((v) => Math.round(v * 1e5) / 1e5);
    // +90 degrees turns the picture clockwise as displayed (rows go down)
    expect(got).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
    const half = affineWarp(tf.tensor2d([[0, 2, 0, 2]]), [{ ...identity, shiftX: 0.5 }], { height: 1, width: 4 });
    expect(Array.from(half.dataSync())).toEqual([0, 1, 1, 1]);
    tf.dispose([x, r, half]);
  });
  it("is seeded: same seed same output, other seed other output; params stay in range", () => {
    const x = digitLike(4);
    const a = randomAffine(x, { seed: 3 });
    const b = randomAffine(x, { seed: 3 });
    const c = randomAffine(x, { seed: 4 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    for (const p of sampleAffineParams(200, { seed: 9, maxShift: 2, maxRotation: 15, maxScale: 0.1 })) {
      expect(Math.abs(p.rotation)).toBeLessThanOrEqual(15);
      expect(Math.abs(p.scale - 1)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(p.shiftX)).toBeLessThanOrEqual(2);
      expect(Math.abs(p.shiftY)).toBeLessThanOrEqual(2);
    }
    // a small transform keeps most of the ink: the digit stays recognisable
    const inkBefore = tf.sum(x).dataSync()[0];
    const inkAfter = tf.sum(a).dataSync()[0];
    expect(inkAfter / inkBefore).toBeGreaterThan(0.7);
    expect(inkAfter / inkBefore).toBeLessThan(1.3);
    tf.dispose([x, a, b, c]);
  });
  it("rejects bad input with SparsekitError", () => {
    const x = tf.zeros([2, 10]);
    expect(() => randomAffine(x, { seed: 1 })).toThrow(/randomAffine: flat input of 10 features is not a square image/);
    expect(() => randomAffine(x, { seed: 1, height: 3, width: 3 })).toThrow(/must divide the 10 features/);
    expect(() => randomAffine(x, { seed: 1.5 } as never)).toThrow(SparsekitError);
    expect(() => randomAffine(x, { seed: 1, maxScale: 1, height: 2, width: 5 })).toThrow(/maxScale/);
    expect(() => affineWarp(x, [identity], { height: 2, width: 5 })).toThrow(/one transform per image \(2\), got 1/);
    expect(() => affineWarp(x, [identity, { ...identity, scale: 0 }], { height: 2, width: 5 })).toThrow(/params\[1\]\.scale/);
    expect(() => randomAffine(tf.zeros([3]), { seed: 1 })).toThrow(SparsekitError);
    x.dispose();
  });
});
