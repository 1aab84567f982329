import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { sphereDataset } from "../../src/data/node.js";
import { partitionGrid, sphereSplit } from "../../src/experiments/sphereSplit.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("partitionGrid", () => {
  it("cuts counts into the most nearly square bands x sectors", () => {
    expect(partitionGrid(4)).toEqual({ latBands: 2, lonSectors: 2 });
    expect(partitionGrid(16)).toEqual({ latBands: 4, lonSectors: 4 });
    expect(partitionGrid(64)).toEqual({ latBands: 8, lonSectors: 8 });
    expect(partitionGrid(256)).toEqual({ latBands: 16, lonSectors: 16 });
    expect(partitionGrid(32)).toEqual({ latBands: 4, lonSectors: 8 });
    expect(partitionGrid(7)).toEqual({ latBands: 1, lonSectors: 7 });
    expect(() => partitionGrid(0)).toThrow(/partitionGrid: option 'partitions' must be an integer, >= 1/);
  });
});

describe("sphereSplit", () => {
  it("splits one sphereDataset draw into train and test with one-hot labels", () => {
    const before = tf.memory().numTensors;
    const s = sphereSplit({ partitions: 16, trainSize: 70, testSize: 30, seed: 5 });
    const ref = sphereDataset({ n: 100, latBands: 4, lonSectors: 4, classes: 10, seed: 5 });
    expect(s.train.x.shape).toEqual([70, 3]);
    expect(s.test.x.shape).toEqual([30, 3]);
    expect(s.train.y.shape).toEqual([70, 10]);
    const all = ref.x.dataSync();
    expect(Array.from(s.test.x.dataSync())).toEqual(Array.from(all.slice(70 * 3)));
    expect(Array.from(s.train.labels)).toEqual(Array.from(ref.labels.slice(0, 70)));
    expect(Array.from(tf.tidy(() => tf.argMax(s.test.y, 1).dataSync()))).toEqual(Array.from(ref.labels.slice(70)));
    expect(Array.from(s.partitionClasses)).toEqual(Array.from(ref.partitionClasses));
    expect(s.classesUsed).toBe(new Set(ref.partitionClasses).size);
    expect([s.latBands, s.lonSectors]).toEqual([4, 4]);
    ref.x.dispose();
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
  it("rejects bad options", () => {
    expect(() => sphereSplit({ partitions: 4, trainSize: 0, testSize: 3, seed: 1 })).toThrow(/sphereSplit: option 'trainSize'/);
    expect(() => sphereSplit({ partitions: 4, trainSize: 5, testSize: 3, seed: 1, n: 3 } as never)).toThrow(/unknown option 'n'/);
  });
});
