import type { Assets } from "../assets.js";
import { mnistDataset, patchDataset, type Dataset } from "../datasets.js";
import { choiceValue, type Settings } from "../settings.js";
import { EntropyTrainer } from "./entropyTrainer.js";
import { LcaTrainer } from "./lcaTrainer.js";
import { MaskTrainer } from "./maskTrainer.js";
import { OvrMlpTrainer } from "./ovrMlpTrainer.js";
import { SaeTrainer } from "./saeTrainer.js";
import { SataeTrainer } from "./sataeTrainer.js";
import type { Trainer } from "./Trainer.js";

/** Held-out rows used for the metrics and pictures. */
const TEST_ROWS = 500;

/** Data sets by key, kept across resets (whitening and sampling run once per page). */
const cache = new Map<string, Promise<Dataset>>();

function dataset(key: string, make: () => Promise<Dataset>): Promise<Dataset> {
  let d = cache.get(key);
  if (!d) {
    d = make();
    cache.set(key, d);
  }
  return d;
}

/** Builds the trainer of a setting (model, data, optimizer), loading its data on first use. */
export async function createTrainer(s: Settings, assets: Assets): Promise<Trainer> {
  const mnist = () => dataset("mnist", () => mnistDataset(assets, { test: TEST_ROWS }));
  switch (s.model) {
    case "sae-patches": {
      const d = await dataset("patches-8-sigmoid", () => patchDataset(assets, { size: 8, train: 10_000, test: TEST_ROWS, seed: 0, mode: "sigmoid" }));
      return new SaeTrainer(d, s.values, s.seed);
    }
    case "sae-mnist":
      return new SaeTrainer(await mnist(), s.values, s.seed);
    case "satae":
      return new SataeTrainer(await mnist(), s.values, s.seed);
    case "ovr-mlp":
      return new OvrMlpTrainer(await mnist(), s.values, s.seed);
    case "lca": {
      const size = Number(choiceValue(s.values, "patch"));
      const d = await dataset(`patches-${size}-centred`, () => patchDataset(assets, { size, train: 10_000, test: TEST_ROWS, seed: 0, mode: "centred" }));
      return new LcaTrainer(d, s.values, s.seed);
    }
    case "entropy":
      return new EntropyTrainer(await mnist(), s.values, s.seed);
    case "masks":
      return new MaskTrainer(await mnist(), s.values, s.seed);
  }
}
