import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { disposeLabelledData, loadMnist } from "../data/node.js";
import { SparseAutoencoder } from "../models/SparseAutoencoder.js";
import { deriveSeed } from "../random/index.js";
import { addAutoencoderReport } from "./autoencoderReport.js";
import { defineExperiment } from "./Experiment.js";
import { epochLabel, trainSae } from "./saeTraining.js";

const configSchema = z.strictObject({
  /**
   * Training digits (of the 10,000 shipped; full batch for L-BFGS). 2,000 keeps the default under
   * 3 minutes: one loss-and-gradient evaluation costs ~0.3 s of CPU per 2,000 digits on wasm.
   */
  trainSize: z.number().int().min(10).default(2_000),
  /** Held-out digits for the metrics and reconstructions. */
  testSize: z.number().int().min(10).default(2_000),
  hiddenSize: z.number().int().min(2).default(196),
  /** UFLDL's MNIST setting: rho 0.1, beta 3, lambda 3e-3. */
  rho: z.number().gt(0).lt(1).default(0.1),
  beta: z.number().min(0).default(3),
  weightDecay: z.number().min(0).default(3e-3),
  optimizer: z.enum(["lbfgs", "adam"]).default("lbfgs"),
  /** L-BFGS: blocks of iterationsPerEpoch iterations (default 4, i.e. 200 iterations); Adam: epochs (default 20). */
  epochs: z.number().int().min(1).nullable().default(null),
  iterationsPerEpoch: z.number().int().min(1).default(50),
  /** Adam minibatch size. */
  batchSize: z.number().int().min(2).default(128),
  learningRate: z.number().gt(0).default(3e-3),
  /** A sigmoid unit counts as active on a digit when its activation exceeds this. */
  activeThreshold: z.number().min(0).lt(1).default(0.1),
  /** Filters shown in the grid (the first ones). */
  showFilters: z.number().int().min(1).default(100),
});

type Config = z.output<typeof configSchema>;

const DESCRIPTION =
  "A 784-196-784 sigmoid KL sparse autoencoder (SPEC §1.2, §3) on MNIST digits in [0, 1], with UFLDL's " +
  "setting rho = 0.1, beta = 3, lambda = 3e-3, trained by full-batch L-BFGS on a subset of the digits. " +
  "The claim: the encoder filters look like pen strokes (parts of digits), not whole digits or noise. " +
  "Reconstructions and metrics are on held-out digits.";

export const saeMnist = defineExperiment({
  name: "sae-mnist",
  title: "Sparse autoencoder on MNIST digits",
  description: DESCRIPTION,
  configSchema,
  quick: {
    trainSize: 120,
    testSize: 40,
    hiddenSize: 16,
    epochs: 2,
    iterationsPerEpoch: 3,
    showFilters: 16,
  },
  async run(config: Config, ctx, report) {
    const adam = config.optimizer === "adam";
    const epochs = config.epochs ?? (adam ? 20 : 4);
    const split = await report.time("data", () => loadMnist({ trainSize: config.trainSize, testSize: config.testSize, seed: deriveSeed(ctx.seed, "mnist") }));
    const trainX = split.train.x as tf.Tensor2D;
    const testX = split.test.x as tf.Tensor2D;
    const model = SparseAutoencoder.create({
      inputSize: 784,
      hiddenSize: config.hiddenSize,
      activation: "sigmoid",
      outputActivation: "sigmoid",
      sparsity: { kind: "kl", rho: config.rho, beta: config.beta },
      weightDecay: config.weightDecay,
      seed: deriveSeed(ctx.seed, "init"),
    });
    try {
      const settings = {
        optimizer: config.optimizer,
        epochs,
        iterationsPerEpoch: config.iterationsPerEpoch,
        batchSize: config.batchSize,
        learningRate: config.learningRate,
        activeThreshold: config.activeThreshold,
        evaluateEvery: 1,
      };
      ctx.log(
        adam
          ? `sae-mnist: Adam, ${epochs} epochs of batch ${config.batchSize} on ${config.trainSize} digits`
          : `sae-mnist: L-BFGS, ${epochs} x ${config.iterationsPerEpoch} iterations on ${config.trainSize} digits`,
      );
      const { fit, drift } = await report.time("train", () => trainSae(model, trainX, testX, settings, ctx));

      const codes = model.encode(testX);
      const recon = model.reconstruct(testX);
      const trainRecon = model.reconstruct(trainX);
      const filters = model.filters();
      const shown = Math.min(20, config.testSize);
      const inputs = tf.slice(testX, [0, 0], [shown, 784]) as tf.Tensor2D;
      const outputs = tf.slice(recon, [0, 0], [shown, 784]) as tf.Tensor2D;
      try {
        const mse = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.mean(tf.squaredDifference(a, b)).dataSync()[0]);
        const final = model.lossValues(trainX);
        // Baseline: predict every pixel by its training-set mean (what a model with no code achieves).
        const baselineMse = tf.tidy(() => tf.mean(tf.squaredDifference(testX, tf.mean(trainX, 0, true))).dataSync()[0]);
        const modelMse = mse(recon, testX);
        const relativeChange: Record<string, number> = { W1: model.relativeChange("W1") };
        if (model.decoderVariable === "W2") relativeChange.W2 = model.relativeChange("W2");
        addAutoencoderReport(report, {
          epochs: fit.epochs,
          epochLabel: epochLabel(settings),
          ...(fit.lossHistory.length > 1 ? { lossHistory: fit.lossHistory } : {}),
          codes,
          activeThreshold: config.activeThreshold,
          targetActivation: config.rho,
          filters,
          imageShape: { height: 28, width: 28 },
          maxFilters: config.showFilters,
          inputs,
          reconstructions: outputs,
          scale: 2,
          relativeChange,
          metrics: {
            testMse: modelMse,
            meanPredictorMse: baselineMse,
            varianceExplained: 1 - modelMse / baselineMse,
            trainMse: mse(trainRecon, trainX),
            finalLoss: final.reconstruction + final.weightDecay + final.sparsity,
            reconstructionTerm: final.reconstruction,
            weightDecayTerm: final.weightDecay,
            sparsityTerm: final.sparsity,
            steps: fit.steps,
            ...drift,
          },
          reconstruction: { mse: modelMse, meanPredictorMse: baselineMse, split: "held-out digits" },
          filterCaption: "Expected: pen-stroke filters (parts of digits).",
        });
        report.setMetrics({
          optimizer: config.optimizer,
          stopReason: fit.stopReason,
          trainSeconds: fit.seconds,
          ...(fit.resumedFrom ? { resumedFrom: fit.resumedFrom } : {}),
        });
        report.addText(
          "Setting",
          `${config.trainSize} training and ${config.testSize} held-out MNIST digits (pixels in [0, 1]). ` +
            `784-${config.hiddenSize}-784 sigmoid autoencoder, rho = ${config.rho}, beta = ${config.beta}, lambda = ${config.weightDecay}. ` +
            (adam
              ? `Adam, learning rate ${config.learningRate}, ${epochs} epochs of batch ${config.batchSize} (${fit.steps} steps).`
              : `Full-batch L-BFGS, ${epochs} blocks of ${config.iterationsPerEpoch} iterations (${fit.steps} done, stop: ${fit.stopReason}); the curvature memory restarts at each block.`) +
            ` Metrics are on the held-out digits; a unit is active on a digit when its activation exceeds ${config.activeThreshold}, ` +
            `dead when it never does. testMse is the mean squared error per pixel; meanPredictorMse that of predicting every pixel by its training mean, and varianceExplained = 1 - testMse / meanPredictorMse.`,
        );
      } finally {
        tf.dispose([codes, recon, trainRecon, filters, inputs, outputs]);
      }
    } finally {
      model.dispose();
      disposeLabelledData(split.train);
      disposeLabelledData(split.test);
    }
  },
});
