import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { makeLabelledData } from "../../src/data/labelledData.js";
import { splitLabelledData } from "../../src/data/splitLabelledData.js";

describe("splitLabelledData", () => {
  it("splits x, labels and y at the given sample, leaving the input intact", () => {
    const data = makeLabelledData(Float32Array.from({ length: 10 }, (_, i) => i), Int32Array.from([0, 1, 2, 0, 1]), [2], 3, true, "t");
    const before = tf.memory().numTensors;
    const [a, b] = splitLabelledData(data, 3);
    expect(Array.from(a.x.dataSync())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(b.x.dataSync())).toEqual([6, 7, 8, 9]);
    expect(Array.from(a.labels)).toEqual([0, 1, 2]);
    expect(Array.from(b.labels)).toEqual([0, 1]);
    expect(b.y!.arraySync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(tf.memory().numTensors).toBe(before + 4);
    tf.dispose([a.x, a.y!, b.x, b.y!, data.x, data.y!]);
    const plain = makeLabelledData(new Float32Array(4), Int32Array.from([0, 1]), [2], 2, false, "t");
    const [p, q] = splitLabelledData(plain, 1);
    expect(p.y).toBeUndefined();
    tf.dispose([p.x, q.x, plain.x]);
  });
  it("names an empty part", () => {
    const data = makeLabelledData(new Float32Array(4), Int32Array.from([0, 1]), [2], 2, false, "t");
    expect(() => splitLabelledData(data, 2)).toThrow(/\[1, 1\].*got 2/);
    expect(() => splitLabelledData(data, 0)).toThrow(/got 0/);
    data.x.dispose();
  });
});
