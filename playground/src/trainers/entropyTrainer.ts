import * as tf from "@tensorflow/tfjs";
import { clusterUsage, EntropyClusterer, hungarianAccuracy, normalizedMutualInformation, type BatchTerm } from "../core.js";
import type { Dataset } from "../datasets.js";
import type { ParamValues } from "../params.js";
import { choiceValue, numberValue } from "../settings.js";
import { AdamStep } from "./adamStep.js";
import { Minibatches } from "./minibatches.js";
import { sumTerms, type ImageTiles, type Readout, type Trainer } from "./Trainer.js";

/** EntropyClusterer (784-256-256-N MLP, batch entropy, no consistency term) on unlabelled digits. */
export class EntropyTrainer implements Trainer {
  readonly termNames = ["entropy"] as const;
  readonly metricLabels = {
    accuracy: "Hungarian accuracy vs the digit labels",
    nmi: "normalised mutual information",
    used: "clusters used",
    usage: "cluster-size entropy / ln N",
    largest: "largest cluster fraction",
  };
  readonly chartMetrics = ["accuracy", "nmi", "usage"] as const;
  readonly chartTitle = "Clustering of held-out digits";
  readonly histogramTitle = "Confidence max_i Q_i (held-out)";
  private readonly model: EntropyClusterer;
  private readonly adam: AdamStep;
  private readonly batches: Minibatches;
  private clusters: Int32Array = new Int32Array(0);
  private testPixels: Float32Array | undefined;
  steps = 0;

  constructor(
    private readonly data: Dataset,
    values: ParamValues,
    seed: number,
  ) {
    this.model = EntropyClusterer.create({
      inputSize: data.train.shape[1],
      imageShape: [data.side, data.side, 1],
      architecture: "mlp",
      hiddenSizes: [256, 256],
      numClusters: numberValue(values, "clusters"),
      beta: numberValue(values, "beta"),
      lambda: numberValue(values, "lambda"),
      batchTerm: choiceValue(values, "form") as BatchTerm,
      consistencyWeight: 0,
      seed,
    });
    this.adam = new AdamStep(numberValue(values, "lr"));
    this.batches = new Minibatches(data.train.shape[0], numberValue(values, "batch"), seed);
  }

  trainStep(keepTerms: boolean): void {
    const [x] = this.batches.take(this.data.train);
    this.adam.step(this.model.trainableVariables(), () => this.model.lossTerms(x), keepTerms);
    x.dispose();
    this.steps++;
  }

  update(values: ParamValues): void {
    Object.assign(this.model.config, { beta: numberValue(values, "beta"), lambda: numberValue(values, "lambda") });
    this.adam.setLearningRate(numberValue(values, "lr"));
  }

  async readout(): Promise<Readout> {
    const terms = await this.adam.readTerms();
    const q = this.model.probabilities(this.data.test);
    const [ids, confidence] = tf.tidy(() => [tf.argMax(q, 1), tf.max(q, 1)]);
    q.dispose();
    const [idData, confData] = await Promise.all([ids.data(), confidence.data()]);
    tf.dispose([ids, confidence]);
    this.clusters = Int32Array.from(idData);
    const labels = this.data.testLabels!;
    const usage = clusterUsage(this.clusters, this.model.config.numClusters);
    return {
      terms,
      loss: sumTerms(terms),
      metrics: {
        accuracy: hungarianAccuracy(labels, this.clusters),
        nmi: normalizedMutualInformation(labels, this.clusters),
        used: usage.used,
        usage: usage.normalizedEntropy,
        largest: usage.largestFraction,
      },
      activations: confData as Float32Array,
      activationDomain: [0, 1],
    };
  }

  /** Mean held-out digit of each cluster (from the last readout's assignments). */
  async images(): Promise<ImageTiles> {
    this.testPixels ??= (await this.data.test.data()) as Float32Array;
    const d = this.data.test.shape[1];
    const n = this.model.config.numClusters;
    const sums = Array.from({ length: n }, () => new Float32Array(d));
    const counts = new Array<number>(n).fill(0);
    this.clusters.forEach((c, i) => {
      counts[c]++;
      const row = this.testPixels!.subarray(i * d, (i + 1) * d);
      for (let k = 0; k < d; k++) sums[c][k] += row[k];
    });
    return { tiles: sums.map((s, c) => (counts[c] ? s.map((v) => v / counts[c]) : s)), side: this.data.side };
  }

  dispose(): void {
    this.adam.dispose();
    this.model.dispose();
  }
}
