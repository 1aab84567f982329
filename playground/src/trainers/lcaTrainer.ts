import * as tf from "@tensorflow/tfjs";
import { DictionaryLearner, type DictionaryStepRecord, type Threshold } from "../core.js";
import type { Dataset } from "../datasets.js";
import type { ParamValues } from "../params.js";
import { choiceValue, numberValue } from "../settings.js";
import { codeMetricLabels, codeMetrics, rowsAsTiles } from "./codeMetrics.js";
import { Minibatches } from "./minibatches.js";
import type { ImageTiles, Readout, Trainer } from "./Trainer.js";

/** Held-out patches coded for the metrics (LCA inference is the expensive part). */
const EVAL_ROWS = 200;

/**
 * DictionaryLearner: LCA inference on a minibatch, then one Hebbian step of the atoms. Its step
 * reports the batch's energy, MSE and L0 itself (three numbers read back per step).
 */
export class LcaTrainer implements Trainer {
  readonly termNames = ["reconstruction", "sparsity"] as const;
  readonly metricLabels = codeMetricLabels(0);
  readonly chartMetrics = ["hoyer", "fractionZeros"] as const;
  readonly chartTitle = "Sparsity of LCA codes (held-out)";
  readonly histogramTitle = "LCA coefficients a (held-out)";
  private readonly learner: DictionaryLearner;
  private readonly batches: Minibatches;
  private readonly evalX: tf.Tensor2D;
  private learningRate: number;
  private last: DictionaryStepRecord | undefined;
  steps = 0;

  constructor(
    private readonly data: Dataset,
    values: ParamValues,
    seed: number,
  ) {
    this.learningRate = numberValue(values, "lr");
    this.learner = DictionaryLearner.create({
      inputSize: data.train.shape[1],
      atoms: numberValue(values, "atoms"),
      lambda: numberValue(values, "lambda"),
      learningRate: this.learningRate,
      inferenceIterations: numberValue(values, "iterations"),
      tau: 5,
      threshold: choiceValue(values, "threshold") as Threshold,
      seed,
    });
    this.batches = new Minibatches(data.train.shape[0], numberValue(values, "batch"), seed);
    this.evalX = tf.slice(data.test, [0, 0], [Math.min(EVAL_ROWS, data.test.shape[0]), -1]) as tf.Tensor2D;
  }

  trainStep(): void {
    const [x] = this.batches.take(this.data.train);
    this.last = this.learner.step(x, this.learningRate);
    x.dispose();
    this.steps++;
  }

  update(values: ParamValues): void {
    Object.assign(this.learner.config, { lambda: numberValue(values, "lambda"), inferenceIterations: numberValue(values, "iterations") });
    this.learningRate = numberValue(values, "lr");
  }

  async readout(): Promise<Readout> {
    const d = this.data.train.shape[1];
    // energy = 0.5 ||x - Phi a||^2 + lambda * penalty(a), batch means; MSE is per pixel.
    const terms: Record<string, number> = this.last ? { reconstruction: 0.5 * d * this.last.reconstructionMse, sparsity: this.last.energy - 0.5 * d * this.last.reconstructionMse } : {};
    const { codes } = this.learner.encode(this.evalX);
    try {
      const { metrics, values } = await codeMetrics(codes, 0);
      return { terms, loss: this.last?.energy ?? NaN, metrics, activations: values };
    } finally {
      codes.dispose();
    }
  }

  async images(): Promise<ImageTiles> {
    const atoms = tf.tidy(() => tf.transpose(this.learner.phi) as tf.Tensor2D);
    try {
      return { tiles: await rowsAsTiles(atoms, 256), side: this.data.side };
    } finally {
      atoms.dispose();
    }
  }

  dispose(): void {
    this.evalX.dispose();
    this.learner.dispose();
  }
}
