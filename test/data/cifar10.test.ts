import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCifar10, loadCifar10Batch } from "../../src/data/cifar10.js";
import { disposeLabelledData } from "../../src/data/labelledData.js";

const dir = mkdtempSync(join(tmpdir(), "sparsekit-cifar-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A record whose pixel (row, col) of channel c has value (c * 50 + row + col) % 256. */
function record(label: number, shift = 0): Uint8Array {
  const r = new Uint8Array(3073);
  r[0] = label;
  for (let c = 0; c < 3; c++) {
    for (let row = 0; row < 32; row++) for (let col = 0; col < 32; col++) r[1 + c * 1024 + row * 32 + col] = (c * 50 + row + col + shift) % 256;
  }
  return r;
}
function batch(labels: number[], shift = 0): Uint8Array {
  return Buffer.concat(labels.map((l) => record(l, shift)));
}

describe("loadCifar10Batch", () => {
  it("turns channel-major records into NHWC floats in [0, 1]", () => {
    const d = loadCifar10Batch(batch([3, 9]));
    expect(d.x.shape).toEqual([2, 32, 32, 3]);
    expect(Array.from(d.labels)).toEqual([3, 9]);
    const x = d.x.arraySync() as number[][][][];
    for (const [row, col] of [[0, 0], [5, 7], [31, 31]]) {
      for (let c = 0; c < 3; c++) expect(x[1][row][col][c]).toBeCloseTo((c * 50 + row + col) / 255, 6);
    }
    expect(d.y!.shape).toEqual([2, 10]);
    disposeLabelledData(d);
  });

  it("reads files and reports truncated records, empty files and bad labels", () => {
    const p = join(dir, "one.bin");
    writeFileSync(p, batch([1, 2, 3]));
    const d = loadCifar10Batch(p, { oneHot: false });
    expect(d.x.shape[0]).toBe(3);
    expect(d.y).toBeUndefined();
    disposeLabelledData(d);
    const cut = batch([1, 2]).subarray(0, 3073 + 100);
    expect(() => loadCifar10Batch(cut)).toThrow(/truncated: its length 3173 is not a multiple of the record size 3073.*record 1 has only 100 byte/);
    expect(() => loadCifar10Batch(new Uint8Array(0))).toThrow(/is empty/);
    expect(() => loadCifar10Batch(batch([1, 42]))).toThrow(/record 1 has label 42/);
    expect(() => loadCifar10Batch(join(dir, "missing.bin"))).toThrow(/no such file/);
  });
});

describe("loadCifar10", () => {
  it("concatenates the training batches in order and reads the test batch", () => {
    for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), batch([b, b], b));
    writeFileSync(join(dir, "test_batch.bin"), batch([0]));
    const { train, test } = loadCifar10({ dir });
    expect(train.x.shape).toEqual([10, 32, 32, 3]);
    expect(Array.from(train.labels)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // Pixel (0, 0) of the red channel carries the batch's shift.
    const x = train.x.arraySync() as number[][][][];
    expect(x[4][0][0][0] * 255).toBeCloseTo(3, 4);
    expect(test.x.shape).toEqual([1, 32, 32, 3]);
    expect(train.y!.shape).toEqual([10, 10]);
    disposeLabelledData(train);
    disposeLabelledData(test);
    const two = loadCifar10({ dir, trainBatches: 2, oneHot: false });
    expect(Array.from(two.train.labels)).toEqual([1, 1, 2, 2]);
    disposeLabelledData(two.train);
    disposeLabelledData(two.test);
  });

  it("names missing files and truncated batches", () => {
    const other = mkdtempSync(join(dir, "partial-"));
    writeFileSync(join(other, "data_batch_1.bin"), batch([1]).subarray(0, 10));
    writeFileSync(join(other, "test_batch.bin"), batch([1]));
    expect(() => loadCifar10({ dir: other })).toThrow(/missing: data_batch_2\.bin, data_batch_3\.bin, data_batch_4\.bin, data_batch_5\.bin/);
    expect(() => loadCifar10({ dir: other, trainBatches: 1 })).toThrow(/data_batch_1\.bin" is truncated/);
    expect(() => loadCifar10({ dir: join(dir, "nowhere") })).toThrow(/option 'dir' must be an existing folder/);
    expect(() => loadCifar10({ dir, trainBatches: 6 })).toThrow(/option 'trainBatches'/);
  });
});
