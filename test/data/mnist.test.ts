import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { disposeLabelledData } from "../../src/data/labelledData.js";
import { loadMnist, mnistPackageDigits, type MnistSplit } from "../../src/data/mnist.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

let split: MnistSplit;
let firstLoadMs = 0;
beforeAll(() => {
  const t = performance.now();
  split = loadMnist({ trainSize: 8000, testSize: 2000 });
  firstLoadMs = performance.now() - t;
});

/** A content hash of row i (two weighted sums): equal images give equal keys. */
function rowKey(x: Float32Array, i: number): string {
  let a = 0;
  let b = 0;
  for (let j = 0; j < 784; j++) {
    const v = x[i * 784 + j];
    a += v * (j + 1);
    b += v * ((j * 7919) % 1009);
  }
  return `${a.toFixed(3)}:${b.toFixed(3)}`;
}

/** Element-wise equality of two typed arrays (faster than a deep toEqual on 40k floats). */
function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe("loadMnist", () => {
  it("returns the default 8000/2000 split with the documented shapes and ranges", () => {
    const { train, test } = split;
    expect(train.x.shape).toEqual([8000, 784]);
    expect(test.x.shape).toEqual([2000, 784]);
    expect(train.x.dtype).toBe("float32");
    expect(train.labels.length).toBe(8000);
    expect(train.y?.shape).toEqual([8000, 10]);
    const [mn, mx] = [train.x.min().dataSync()[0], train.x.max().dataSync()[0]];
    expect(mn).toBe(0);
    expect(mx).toBe(1);
    // One-hot matches the labels.
    const argmax = train.y!.argMax(1).dataSync();
    expect(Array.from(argmax)).toEqual(Array.from(train.labels));
    // Every class present in both sets (the split is a shuffle, not the package's class order).
    for (const s of [train, test]) expect(new Set(s.labels).size).toBe(10);
    console.log(`loadMnist first call (parse + 10,000 tensors): ${firstLoadMs.toFixed(0)} ms`);
  });

  it("has disjoint train and test sets covering all 10,000 digits", () => {
    const all = mnistPackageDigits();
    expect(all.labels.length).toBe(10_000);
    const tr = split.train.x.dataSync() as Float32Array;
    const te = split.test.x.dataSync() as Float32Array;
    // Compare by content (the package holds no duplicate images, checked below), so a shared
    // key means a digit in both sets.
    const allKeys = new Set(Array.from({ length: 10_000 }, (_, i) => rowKey(all.pixels, i)));
    expect(allKeys.size).toBe(10_000);
    const trainKeys = new Set(Array.from({ length: 8000 }, (_, i) => rowKey(tr, i)));
    expect(trainKeys.size).toBe(8000);
    let shared = 0;
    for (let i = 0; i < 2000; i++) if (trainKeys.has(rowKey(te, i))) shared++;
    expect(shared).toBe(0);
    // Class counts of train + test equal the package's.
    const count = (l: Int32Array) => Array.from({ length: 10 }, (_, c) => l.filter((v) => v === c).length);
    const sum = count(split.train.labels).map((v, c) => v + count(split.test.labels)[c]);
    expect(sum).toEqual(count(all.labels));
  });

  it("is reproducible with a seed, differs across seeds, keeps the test set fixed across trainSize", () => {
    const a = loadMnist({ trainSize: 50, testSize: 20, seed: 3, oneHot: false });
    const b = loadMnist({ trainSize: 50, testSize: 20, seed: 3, oneHot: false });
    const c = loadMnist({ trainSize: 50, testSize: 20, seed: 4, oneHot: false });
    const d = loadMnist({ trainSize: 10, testSize: 20, seed: 3, oneHot: false });
    expect(Array.from(a.train.labels)).toEqual(Array.from(b.train.labels));
    expect(same(a.train.x.dataSync(), b.train.x.dataSync())).toBe(true);
    expect(same(a.train.x.dataSync(), c.train.x.dataSync())).toBe(false);
    expect(same(d.test.x.dataSync(), a.test.x.dataSync())).toBe(true);
    expect(Array.from(d.train.labels)).toEqual(Array.from(a.train.labels).slice(0, 10));
    expect(a.train.y).toBeUndefined();
    for (const s of [a, b, c, d]) {
      disposeLabelledData(s.train);
      disposeLabelledData(s.test);
    }
  });

  it("is cheap on later calls (digits cached) and offers image shape", () => {
    const t = performance.now();
    const s = loadMnist({ trainSize: 100, testSize: 10, shape: "image" });
    expect(performance.now() - t).toBeLessThan(firstLoadMs);
    expect(s.train.x.shape).toEqual([100, 28, 28, 1]);
    expect(s.test.x.shape).toEqual([10, 28, 28, 1]);
    disposeLabelledData(s.train);
    disposeLabelledData(s.test);
  });

  it("rejects bad options with clear messages", () => {
    expect(() => loadMnist({ trainSize: 9000, testSize: 2000 })).toThrow(/'trainSize' \+ 'testSize' must be at most 10000 .*got 9000 \+ 2000/);
    expect(() => loadMnist({ trainSize: 0 })).toThrow(/option 'trainSize' must be an integer, >= 1/);
    expect(() => loadMnist({ shape: "cube" as "flat" })).toThrow(/option 'shape' must be one of/);
    expect(() => loadMnist({ trainsize: 5 } as never)).toThrow(SparsekitError);
  });

  it("leaks no tensors", () => {
    const before = tf.memory().numTensors;
    const s = loadMnist({ trainSize: 10, testSize: 10 });
    disposeLabelledData(s.train);
    disposeLabelledData(s.test);
    expect(tf.memory().numTensors).toBe(before);
  });
});
