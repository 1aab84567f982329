import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeIdx } from "../../src/data/idx.js";
import { disposeLabelledData } from "../../src/data/labelledData.js";
import { loadMnistIdx } from "../../src/data/mnistIdx.js";

const dir = mkdtempSync(join(tmpdir(), "sparsekit-mnistidx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Three 2x3 "images" with known bytes, and their labels.
const pixels = new Uint8Array([0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6, 255, 255, 0, 0, 255, 255]);
const labels = new Uint8Array([7, 0, 9]);
function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}
const imagesPath = write("images-idx3-ubyte", encodeIdx({ dtype: "uint8", shape: [3, 2, 3], data: pixels }));
const labelsPath = write("labels-idx1-ubyte.gz", encodeIdx({ dtype: "uint8", shape: [3], data: labels }, { gzip: true }));

describe("loadMnistIdx", () => {
  it("loads images / 255 and labels from raw and gzipped IDX files", () => {
    const d = loadMnistIdx({ imagesPath, labelsPath });
    expect(d.x.shape).toEqual([3, 6]);
    const x = d.x.dataSync();
    pixels.forEach((p, i) => expect(x[i]).toBeCloseTo(p / 255, 6));
    expect(Array.from(d.labels)).toEqual([7, 0, 9]);
    expect(Array.from(d.y!.argMax(1).dataSync())).toEqual([7, 0, 9]);
    disposeLabelledData(d);
    const img = loadMnistIdx({ imagesPath, labelsPath, shape: "image", oneHot: false });
    expect(img.x.shape).toEqual([3, 2, 3, 1]);
    expect(img.y).toBeUndefined();
    disposeLabelledData(img);
  });

  it("rejects count mismatches, wrong dtypes or ranks, bad labels and broken files", () => {
    const twoLabels = write("two.idx", encodeIdx({ dtype: "uint8", shape: [2], data: new Uint8Array([1, 2]) }));
    expect(() => loadMnistIdx({ imagesPath, labelsPath: twoLabels })).toThrow(/same count, got 3 images and 2 labels/);
    const floatImages = write("f.idx", encodeIdx({ dtype: "float32", shape: [3, 2, 3], data: new Float32Array(18) }));
    expect(() => loadMnistIdx({ imagesPath: floatImages, labelsPath })).toThrow(/must be a uint8 IDX array of shape \[n, rows, cols\], got float32/);
    expect(() => loadMnistIdx({ imagesPath: labelsPath, labelsPath })).toThrow(/got uint8 of shape \[3\]/);
    const badLabels = write("bad.idx", encodeIdx({ dtype: "uint8", shape: [3], data: new Uint8Array([1, 12, 2]) }));
    expect(() => loadMnistIdx({ imagesPath, labelsPath: badLabels })).toThrow(/label 1 must be an integer class in \[0, 9\], got 12/);
    const truncated = write("trunc.idx", encodeIdx({ dtype: "uint8", shape: [3, 2, 3], data: pixels }).subarray(0, 20));
    expect(() => loadMnistIdx({ imagesPath: truncated, labelsPath })).toThrow(/images file ".*trunc\.idx" is truncated/);
    const wrongMagic = write("magic.idx", new Uint8Array([8, 0, 0, 1, 0, 0, 0, 0]));
    expect(() => loadMnistIdx({ imagesPath, labelsPath: wrongMagic })).toThrow(/labels file .* wrong magic number/);
    expect(() => loadMnistIdx({ imagesPath: join(dir, "none"), labelsPath })).toThrow(/argument 'imagesPath' must name a readable file/);
    expect(() => loadMnistIdx({ imagesPath, labelsPath, numClasses: 1 })).toThrow(/option 'numClasses'/);
  });
});
