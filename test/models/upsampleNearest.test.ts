import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { upsampleNearest } from "../../src/models/upsampleNearest.js";
import { expectClose, seededValues, valuesOn } from "../backend/backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

/** Value and gradient (against a weighted sum of the output) of an upsampling function. */
function valueAndGrad(up: (x: tf.Tensor4D) => tf.Tensor4D, shape: [number, number, number, number], outShape: [number, number]) {
  return () => {
    const x = tf.tensor4d(seededValues(shape.reduce((a, b) => a * b, 1), 1), shape);
    const weights = tf.tensor(seededValues(shape[0] * outShape[0] * outShape[1] * shape[3], 2), [shape[0], ...outShape, shape[3]]);
    const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.mul(up(t as tf.Tensor4D), weights)) as tf.Scalar)(x);
    return [up(x), value, grad];
  };
}

/** d/dx of sum(up(x) * weights): each input pixel collects the weights of its p x q block. */
function blockSums(weights: Float32Array, [b, h, w, c]: number[], [height, width]: number[]): Float32Array {
  const out = new Float32Array(b * h * w * c);
  for (let n = 0; n < b; n++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        for (let k = 0; k < c; k++) {
          const src = ((n * h + Math.floor((y * h) / height)) * w + Math.floor((x * w) / width)) * c + k;
          out[src] += weights[((n * height + y) * width + x) * c + k];
        }
  return out;
}

describe("upsampleNearest", () => {
  it.each([
    [[2, 14, 14, 1], [28, 28]],
    [[3, 4, 5, 2], [12, 10]],
    [[1, 3, 3, 1], [7, 8]], // not an integer factor: tf.image.resizeNearestNeighbor as it is
  ] as [[number, number, number, number], [number, number]][])("gives tf.image.resizeNearestNeighbor's values and the block-sum gradient (%j -> %j), on cpu and wasm", async (shape, out) => {
    const weights = seededValues(shape[0] * out[0] * out[1] * shape[3], 2);
    for (const backend of ["cpu", "wasm"] as const) {
      const ours = await valuesOn(backend, valueAndGrad((x) => upsampleNearest(x, out[0], out[1]), shape, out));
      const [resized] = await valuesOn(backend, valueAndGrad((x) => tf.image.resizeNearestNeighbor(x, out), shape, out));
      expect(ours[0]).toEqual(resized);
      // Not tfjs's own gradient as the reference: tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad
      // reads dy at the images' batch stride, wrong for every sample but the first.
      expectClose(ours[2], blockSums(weights, shape, out));
    }
  });

  it("leaves no tensors behind", () => {
    const x = tf.ones([2, 2, 2, 1]) as tf.Tensor4D;
    const run = () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(upsampleNearest(t as tf.Tensor4D, 4, 4)))(x));
    tf.dispose(run()); // first call: tfjs caches a scalar constant
    const before = tf.memory().numTensors;
    tf.dispose(run());
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
