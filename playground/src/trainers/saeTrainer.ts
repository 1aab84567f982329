import * as tf from "@tensorflow/tfjs";
import { resolveSaeConfig, SparseAutoencoder, type SaeSparsity } from "../core.js";
import type { Dataset } from "../datasets.js";
import type { ParamValues } from "../params.js";
import { choiceValue, numberValue } from "../settings.js";
import { AdamStep } from "./adamStep.js";
import { codeMetricLabels, codeMetrics, rowsAsTiles } from "./codeMetrics.js";
import { Minibatches } from "./minibatches.js";
import { readTerms, sumTerms, type ImageTiles, type Readout, type Trainer } from "./Trainer.js";

/** Sigmoid codes count as active above this (the reports' activeThreshold). */
const ACTIVE = 0.1;

function sparsityOf(v: ParamValues, hidden: number): SaeSparsity {
  const n = (id: string) => numberValue(v, id);
  switch (choiceValue(v, "sparsity")) {
    case "l1":
      return { kind: "l1", weight: n("l1") };
    case "topk":
      return { kind: "topk", k: Math.min(hidden, n("k")) };
    default:
      return { kind: "kl", rho: n("rho"), beta: n("beta") };
  }
}

/** SparseAutoencoder (sigmoid codes, sigmoid output) trained by Adam on minibatches. */
export class SaeTrainer implements Trainer {
  readonly termNames = ["reconstruction", "sparsity", "weightDecay"] as const;
  readonly metricLabels = codeMetricLabels(ACTIVE);
  readonly chartMetrics = ["hoyer", "fractionZeros", "meanActivation"] as const;
  readonly chartTitle = "Sparsity of held-out codes";
  readonly histogramTitle = "Sigmoid codes h (held-out)";
  private readonly model: SparseAutoencoder;
  private readonly adam: AdamStep;
  private readonly batches: Minibatches;
  steps = 0;

  constructor(
    private readonly data: Dataset,
    values: ParamValues,
    seed: number,
  ) {
    const hidden = numberValue(values, "hidden");
    this.model = SparseAutoencoder.create({
      inputSize: data.train.shape[1],
      hiddenSize: hidden,
      activation: "sigmoid",
      outputActivation: "sigmoid",
      sparsity: sparsityOf(values, hidden),
      weightDecay: numberValue(values, "decay"),
      seed,
    });
    this.adam = new AdamStep(numberValue(values, "lr"));
    this.batches = new Minibatches(data.train.shape[0], numberValue(values, "batch"), seed);
  }

  trainStep(keepTerms: boolean): void {
    const [x] = this.batches.take(this.data.train);
    this.adam.step(this.model.trainableVariables(), () => ({ ...this.model.lossTerms(x) }), keepTerms);
    x.dispose();
    this.steps++;
  }

  update(values: ParamValues): void {
    const c = this.model.config;
    // Weights live in the model's config; resolveSaeConfig validates the new ones.
    Object.assign(c, resolveSaeConfig({ ...c, sparsity: sparsityOf(values, c.hiddenSize), weightDecay: numberValue(values, "decay") }));
    this.adam.setLearningRate(numberValue(values, "lr"));
  }

  async readout(): Promise<Readout> {
    const kept = this.adam.takeTerms();
    const terms = await readTerms(kept);
    if (kept) tf.dispose(Object.values(kept));
    const codes = this.model.encode(this.data.test);
    try {
      const { metrics, values } = await codeMetrics(codes, ACTIVE);
      return { terms, loss: sumTerms(terms), metrics, activations: values, activationDomain: [0, 1] };
    } finally {
      codes.dispose();
    }
  }

  async images(): Promise<ImageTiles> {
    const f = this.model.filters();
    try {
      return { tiles: await rowsAsTiles(f, 100), side: this.data.side };
    } finally {
      f.dispose();
    }
  }

  dispose(): void {
    this.adam.dispose();
    this.model.dispose();
  }
}
