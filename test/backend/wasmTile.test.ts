import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import { installWasmTile, isWasmTileInstalled, tileInto } from "../../src/backend/wasmTile.js";
import { seededValues, sizeOf, valuesOn } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const CASES: [number[], number[]][] = [
  [[5], [3]],
  [[1, 7], [4, 1]],
  [[3, 1], [1, 5]],
  [[2, 3], [2, 2]],
  [[2, 1, 3], [3, 4, 2]],
  [[2, 3, 1, 2], [1, 2, 3, 1]],
  [[4, 2], [1, 1]],
];

describe("wasm Tile", () => {
  it("is installed by initBackend and idempotent", () => {
    expect(isWasmTileInstalled()).toBe(true);
    expect(installWasmTile()).toBe(false);
  });

  it.each(CASES)("tileInto matches tf.tile on cpu for shape %j, reps %j", async (shape, reps) => {
    const x = seededValues(sizeOf(shape), sizeOf(shape) + reps[0]);
    const [cpu] = await valuesOn("cpu", () => tf.tile(tf.tensor(x, shape), reps));
    const out = new Float32Array(cpu.length);
    tileInto(x, shape, reps, out);
    expect(Array.from(out)).toEqual(Array.from(cpu));
  });

  it.each(CASES)("the wasm kernel matches cpu for shape %j, reps %j (float32, int32, bool)", async (shape, reps) => {
    const x = seededValues(sizeOf(shape), 7, -5, 5);
    for (const dtype of ["float32", "int32", "bool"] as const) {
      const f = () => tf.cast(tf.tile(tf.cast(tf.tensor(x, shape), dtype), reps), "float32");
      const [cpu] = await valuesOn("cpu", f);
      const [wasm] = await valuesOn("wasm", f);
      expect(Array.from(wasm)).toEqual(Array.from(cpu));
    }
  });

  it("handles scalars, empty outputs, broadcastTo and the Tile gradient", async () => {
    await tf.setBackend("wasm");
    expect(Array.from(tf.tile(tf.scalar(3), []).dataSync())).toEqual([3]);
    expect(tf.tile(tf.zeros([2, 0]), [3, 2]).shape).toEqual([6, 0]);
    expect(tf.broadcastTo(tf.tensor2d([1, 2, 3], [1, 3]), [2, 3]).arraySync()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.tile(v, [3, 2]), tf.range(0, 36).reshape([6, 6]))))(
      tf.ones([2, 3]),
    );
    const [cpu] = await valuesOn("cpu", () =>
      tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.tile(v, [3, 2]), tf.range(0, 36).reshape([6, 6]))))(tf.ones([2, 3])),
    );
    await tf.setBackend("wasm");
    expect(Array.from(g.dataSync())).toEqual(Array.from(cpu));
  });
});
