import * as tf from "@tensorflow/tfjs";
import { resolveSaeConfig, SparseAutoencoder, type SaeSparsity } from "../core.js";
import type { Dataset } from "../datasets.js";
import type { ParamValues } from "../params.js";
import { choiceValue, numberValue } from "../settings.js";
import { AdamStep } from "./adamStep.js";
import { LbfgsBlock } from "./lbfgsBlock.js";
import { codeMetricLabels, codeMetrics, rowsAsTiles } from "./codeMetrics.js";
import { Minibatches } from "./minibatches.js";
import { sumTerms, type ImageTiles, type Readout, type Trainer } from "./Trainer.js";

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

/** Patches / digits in the fixed L-BFGS batch (the Node demo uses 10,000 patches). */
const LBFGS_BATCH = 5000;

/**
 * SparseAutoencoder (sigmoid codes, sigmoid output) trained by full-batch L-BFGS in short blocks
 * (as the Node demo; the counter counts L-BFGS iterations) or by Adam on minibatches.
 */
export class SaeTrainer implements Trainer {
  readonly termNames = ["reconstruction", "sparsity", "weightDecay"] as const;
  readonly metricLabels = codeMetricLabels(ACTIVE);
  readonly chartMetrics = ["hoyer", "fractionZeros", "meanActivation"] as const;
  readonly chartTitle = "Sparsity of held-out codes";
  readonly histogramTitle = "Sigmoid codes h (held-out)";
  private readonly model: SparseAutoencoder;
  private readonly adam: AdamStep | undefined;
  private readonly lbfgs: LbfgsBlock | undefined;
  private readonly batches: Minibatches;
  private readonly fullBatch: tf.Tensor2D | undefined;
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
    this.batches = new Minibatches(data.train.shape[0], numberValue(values, "batch"), seed);
    if (choiceValue(values, "optimizer") === "lbfgs") {
      this.lbfgs = new LbfgsBlock();
      const n = Math.min(LBFGS_BATCH, data.train.shape[0]);
      this.fullBatch = tf.slice(data.train, [0, 0], [n, data.train.shape[1]]) as tf.Tensor2D;
    } else {
      this.adam = new AdamStep(numberValue(values, "lr"));
    }
  }

  trainStep(keepTerms: boolean): void {
    if (this.lbfgs && this.fullBatch) {
      const x = this.fullBatch;
      this.lbfgs.step(this.model.trainableVariables(), () => ({ ...this.model.lossTerms(x) }), keepTerms);
      this.steps = this.lbfgs.iterations;
      return;
    }
    const [x] = this.batches.take(this.data.train);
    this.adam!.step(this.model.trainableVariables(), () => ({ ...this.model.lossTerms(x) }), keepTerms);
    x.dispose();
    this.steps++;
  }

  update(values: ParamValues): void {
    const c = this.model.config;
    // Weights live in the model's config; resolveSaeConfig validates the new ones.
    Object.assign(c, resolveSaeConfig({ ...c, sparsity: sparsityOf(values, c.hiddenSize), weightDecay: numberValue(values, "decay") }));
    this.adam?.setLearningRate(numberValue(values, "lr"));
  }

  async readout(): Promise<Readout> {
    const terms = await (this.lbfgs ?? this.adam)!.readTerms();
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
    this.adam?.dispose();
    this.lbfgs?.dispose();
    this.fullBatch?.dispose();
    this.model.dispose();
  }
}
