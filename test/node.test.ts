import { describe, expect, it } from "vitest";
import * as sparsekit from "../src/node.js";

describe("sparsekit/node entry point", () => {
  it("exports the public names of every layer", () => {
    const names = [
      // objectives and metrics
      "klSparsityPenalty", "l1Penalty", "topK", "saturationPenalty", "ovrOverlap", "batchEntropy",
      "maskArea", "maskBinarization", "maskTotalVariation", "hardConcreteExpectedL0",
      "fractionZeros", "hoyerSparsity", "populationSparsity", "lifetimeSparsity", "deadUnits", "meanActiveUnits",
      "normalizedMutualInformation", "adjustedRandIndex",
      // infrastructure
      "SparsekitError", "initBackend", "train", "fitSparse", "minimizeLbfgs", "createRng", "checkGradient",
      // data, report, models, coding, masks, experiments, CLI
      "loadMnist", "samplePatches", "RunReport", "imageGrid",
      "SparseAutoencoder", "SaturatingAutoencoder", "OvrEncoder", "EntropyClusterer", "MaskedClassifier", "Mlp",
      "softThreshold", "dictionaryUpdate", "kMeans",
      "runExperiment", "getExperiment", "experimentRegistry", "runCli",
    ];
    const missing = names.filter((n) => !(n in sparsekit));
    expect(missing).toEqual([]);
  });

  it("installs the Node platform on import: file storage, file:// models, progress to stderr", () => {
    expect(sparsekit.hasStorage()).toBe(true);
    expect(sparsekit.getStorage("test").name).toBe("file system");
  });

  it("registers every experiment the README lists", () => {
    const known = Object.keys(sparsekit.experimentRegistry);
    for (const name of ["sae-patches", "sae-mnist", "satae-mnist", "sphere-width", "sphere-lambda", "ovr-mlp-mnist", "ovr-encoder-mnist", "entropy-mnist", "masks-mnist"]) {
      expect(known).toContain(name);
    }
  });
});
