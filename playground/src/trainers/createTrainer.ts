import type { Assets } from "../assets.js";
import { mnistDataset, patchDataset, type Dataset } from "../datasets.js";
import { choiceValue, type Settings } from "../settings.js";
import { SaeTrainer } from "./saeTrainer.js";
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
    default:
      throw new Error(`model '${s.model}' is not available yet (${choiceValue({ x: "" }, "x")})`);
  }
}
