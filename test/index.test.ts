import { describe, expect, it } from "vitest";
import * as core from "../src/index.js";

describe("sparsekit (platform-neutral core entry)", () => {
  it("exports objectives, metrics, training, models, coding, masks, data transforms and chart specs", () => {
    const names = [
      "klSparsityPenalty", "l1Penalty", "topK", "saturationPenalty", "ovrOverlap", "batchEntropy",
      "maskArea", "maskBinarization", "maskTotalVariation", "hardConcreteExpectedL0",
      "fractionZeros", "hoyerSparsity", "populationSparsity", "lifetimeSparsity", "deadUnits", "meanActiveUnits",
      "SparsekitError", "initBackend", "train", "fitSparse", "minimizeLbfgs", "createRng", "checkGradient",
      "samplePatches", "Whitening", "Pca", "sphereDataset", "randomAffine", "lineChart", "histogramChart",
      "SparseAutoencoder", "SaturatingAutoencoder", "OvrEncoder", "EntropyClusterer", "MaskedClassifier", "Mlp",
      "lcaInference", "fista", "DictionaryLearner", "SemiSupervisedLca", "gumbelTopKGate", "kMeans",
      "setStorage", "memoryStorage", "saveSparseModel", "loadSparseModel",
    ];
    expect(names.filter((n) => !(n in core))).toEqual([]);
  });

  it("leaves disk, processes, loaders, experiments and the CLI to sparsekit/node", () => {
    for (const n of ["loadMnist", "loadNaturalImages", "loadIdxFile", "RunReport", "imageGrid", "runExperiment", "runCli", "nodeStorage", "wasmBinaryDir", "packageRoot"]) {
      expect(n in core, n).toBe(false);
    }
  });
});
