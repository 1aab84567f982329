import * as tf from "@tensorflow/tfjs";
import { SaturatingAutoencoder, type SataeActivation } from "../core.js";
import type { Dataset } from "../datasets.js";
import type { ParamValues } from "../params.js";
import { choiceValue, numberValue } from "../settings.js";
import { AdamStep } from "./adamStep.js";
import { codeMetricLabels, codeMetrics, rowsAsTiles } from "./codeMetrics.js";
import { Minibatches } from "./minibatches.js";
import { sumTerms, type ImageTiles, type Readout, type Trainer } from "./Trainer.js";

/** Tied dense SaturatingAutoencoder (linear decoder) on MNIST, Adam on minibatches, masking noise. */
export class SataeTrainer implements Trainer {
  readonly termNames = ["reconstruction", "saturation"] as const;
  readonly metricLabels = { ...codeMetricLabels(0), saturated: "saturated pre-activations (flat part of f)" };
  readonly chartMetrics = ["saturated", "hoyer", "fractionZeros"] as const;
  readonly chartTitle = "Saturation and sparsity (held-out)";
  readonly histogramTitle = "Codes h = f(z) (held-out)";
  private readonly model: SaturatingAutoencoder;
  private readonly adam: AdamStep;
  private readonly batches: Minibatches;
  private readonly activation: SataeActivation;
  steps = 0;

  constructor(
    private readonly data: Dataset,
    values: ParamValues,
    seed: number,
  ) {
    const noise = numberValue(values, "noise");
    this.activation = choiceValue(values, "activation") as SataeActivation;
    this.model = SaturatingAutoencoder.create({
      inputDim: data.train.shape[1],
      hiddenSize: numberValue(values, "hidden"),
      activation: this.activation,
      tied: true,
      decoderOutput: "linear",
      alpha: numberValue(values, "alpha"),
      weightDecay: 0,
      denoising: noise > 0 ? { kind: "masking", level: noise } : null,
      seed,
    });
    this.adam = new AdamStep(numberValue(values, "lr"));
    this.batches = new Minibatches(data.train.shape[0], numberValue(values, "batch"), seed);
  }

  trainStep(keepTerms: boolean): void {
    const [x] = this.batches.take(this.data.train);
    const noiseSeed = this.batches.noiseSeed();
    this.adam.step(this.model.trainableVariables(), () => this.model.lossTerms(x, { noiseSeed }), keepTerms);
    x.dispose();
    this.steps++;
  }

  update(values: ParamValues): void {
    // alpha is read from the config at every loss evaluation.
    Object.assign(this.model.config, { alpha: numberValue(values, "alpha") });
    this.adam.setLearningRate(numberValue(values, "lr"));
  }

  async readout(): Promise<Readout> {
    const terms = await this.adam.readTerms();
    const codes = this.model.encode(this.data.test);
    try {
      const { metrics, values } = await codeMetrics(codes, 0);
      const sat = this.model.saturation(this.data.test);
      return {
        terms,
        loss: sumTerms(terms),
        metrics: { ...metrics, saturated: sat.total },
        activations: values,
        ...(this.activation === "satlin" ? { activationDomain: [0, 1] as [number, number] } : {}),
      };
    } finally {
      codes.dispose();
    }
  }

  async images(): Promise<ImageTiles> {
    const f = this.model.encoderFilters();
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
