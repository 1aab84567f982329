import * as tf from "@tensorflow/tfjs";
import { Mlp, type HiddenPenalty } from "../core.js";
import type { Dataset } from "../datasets.js";
import type { ParamValues } from "../params.js";
import { numberValue } from "../settings.js";
import { AdamStep } from "./adamStep.js";
import { codeMetricLabels, codeMetrics, rowsAsTiles } from "./codeMetrics.js";
import { Minibatches } from "./minibatches.js";
import { sumTerms, type ImageTiles, type Readout, type Trainer } from "./Trainer.js";

/** 784-K-10 ReLU Mlp with cross-entropy + λ OVR(H) (reduction sum), Adam on minibatches. */
export class OvrMlpTrainer implements Trainer {
  readonly termNames = ["crossEntropy", "ovr"] as const;
  readonly metricLabels = { ...codeMetricLabels(0), accuracy: "test accuracy" };
  readonly chartMetrics = ["accuracy", "fractionZeros", "hoyer"] as const;
  readonly chartTitle = "Accuracy and hidden sparsity (held-out)";
  readonly histogramTitle = "Hidden ReLU codes (held-out)";
  private readonly model: Mlp;
  private readonly adam: AdamStep;
  private readonly batches: Minibatches;
  private penalty: HiddenPenalty;
  steps = 0;

  constructor(
    private readonly data: Dataset,
    values: ParamValues,
    seed: number,
  ) {
    this.model = Mlp.create({ inputSize: data.train.shape[1], hiddenSizes: [numberValue(values, "hidden")], outputSize: 10, dropout: numberValue(values, "dropout"), seed });
    this.penalty = { objective: "ovr", weight: numberValue(values, "lambda"), options: { reduction: "sum" } };
    this.adam = new AdamStep(numberValue(values, "lr"));
    this.batches = new Minibatches(data.train.shape[0], numberValue(values, "batch"), seed);
  }

  trainStep(keepTerms: boolean): void {
    const [x, y] = this.batches.take(this.data.train, this.data.trainOneHot!);
    const seed = this.batches.noiseSeed();
    this.adam.step(this.model.trainableVariables(), () => this.model.lossTerms(x, y, { penalty: this.penalty, training: true, seed }), keepTerms);
    tf.dispose([x, y]);
    this.steps++;
  }

  update(values: ParamValues): void {
    this.penalty = { ...this.penalty, weight: numberValue(values, "lambda") };
    this.adam.setLearningRate(numberValue(values, "lr"));
  }

  async readout(): Promise<Readout> {
    const terms = await this.adam.readTerms();
    const codes = this.model.hiddenCodes(this.data.test);
    try {
      const { metrics, values } = await codeMetrics(codes, 0);
      return { terms, loss: sumTerms(terms), metrics: { ...metrics, accuracy: this.model.accuracy(this.data.test, this.data.testLabels!) }, activations: values };
    } finally {
      codes.dispose();
    }
  }

  async images(): Promise<ImageTiles> {
    // The first layer's kernel (784 x K): one 28x28 picture per hidden unit.
    const w = Object.values(this.model.variables).find((v) => v.rank === 2 && v.shape[0] === this.data.train.shape[1])!;
    const f = tf.tidy(() => tf.transpose(w) as tf.Tensor2D);
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
