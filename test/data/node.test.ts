import { describe, expect, it } from "vitest";
import * as data from "../../src/data/node.js";

describe("src/data barrel", () => {
  it("exports the public API by name", () => {
    for (const name of [
      "loadMnist", "loadMnistIdx", "readIdx", "loadIdxFile", "encodeIdx", "loadCifar10", "loadCifar10Batch",
      "loadNaturalImages", "samplePatches", "removePatchMean", "normalizeForSigmoid", "whitenImage",
      "downsampleImage", "decodeJpegGrey", "fft1d", "fft2d", "symmetricEigen", "covarianceEigen",
      "sphereDataset", "disposeLabelledData", "assertGreyImage",
    ]) {
      expect(typeof (data as Record<string, unknown>)[name], name).toBe("function");
    }
    expect(typeof data.Pca).toBe("function");
    expect(typeof data.Whitening).toBe("function");
    expect(data.NATURAL_IMAGE_NAMES.length).toBe(4);
    expect(data.CIFAR10_CLASSES.length).toBe(10);
  });
});
