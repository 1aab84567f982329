import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { disposeLabelledData, loadMnist } from "../data/node.js";
import { deadUnits, lifetimeSparsityPerUnit } from "../metrics/index.js";
import { ConvSaturatingAutoencoder } from "../models/ConvSaturatingAutoencoder.js";
import { SaturatingAutoencoder, sataeActivate, saturatedFraction } from "../models/SaturatingAutoencoder.js";
import { saturationPenalty } from "../objectives/saturationPenalty.js";
import { deriveSeed } from "../random/index.js";
import { barChart, histogramChart, imageGrid, lineChart, reconstructionGrid, type LineSeries, type RunReport } from "../report/node.js";
import type { EpochRecord } from "../train/history.js";
import { codeStatistics } from "./autoencoderReport.js";
import { defineExperiment } from "./Experiment.js";

/**
 * Variant defaults (sized so a default run stays under 3 minutes on 2 wasm cores). The regulariser is a sum over units (dense: K = 256) or over every map
 * position (conv: 28 x 28 x F = 6,272 for F = 8), so the same alpha weighs about 25 times more on
 * the conv encoder; its sweep is scaled down accordingly.
 */
const DEFAULTS = {
  dense: { alphas: [0, 0.03, 0.1, 0.3, 1], epochs: 8, trainSize: 3000 },
  conv: { alphas: [0, 0.003, 0.01, 0.03], epochs: 3, trainSize: 1500 },
} as const;

const denoisingSchema = z
  .strictObject({ kind: z.enum(["gaussian", "masking"]), level: z.number().min(0).finite() })
  .refine((d) => d.kind !== "masking" || d.level < 1, { message: "masking level must be < 1 (a drop probability)" });

const configSchema = z.strictObject({
  /** Dense (784-K-784) or convolutional (conv -> feature maps -> transposed conv) encoder. */
  variant: z.enum(["dense", "conv"]).default("dense"),
  activation: z.enum(["satlin", "relu"]).default("satlin"),
  /** Regulariser weights, one training run each; null = the variant's default sweep (see DEFAULTS). */
  alphas: z.array(z.number().min(0).finite()).min(1).max(12).nullable().default(null),
  /** Dense variant: hidden units. */
  hiddenSize: z.number().int().min(1).default(256),
  /** Conv variant: feature maps, kernel side, padding. */
  filters: z.number().int().min(1).default(8),
  kernelSize: z.number().int().min(1).max(28).default(7),
  padding: z.enum(["same", "valid"]).default("same"),
  /** Decoder weights tied to the encoder (dense: W^T; conv: transposed convolution with K). */
  tied: z.boolean().default(true),
  decoderOutput: z.enum(["linear", "sigmoid"]).default("linear"),
  weightDecay: z.number().min(0).finite().default(0),
  /** Input corruption in training only (denoising autoencoder); null = none. */
  denoising: denoisingSchema.nullable().default({ kind: "masking", level: 0.25 }),
  /** Epochs per alpha; null = the variant's default (dense 8, conv 3). */
  epochs: z.number().int().min(1).nullable().default(null),
  batchSize: z.number().int().min(1).default(64),
  learningRate: z.number().positive().finite().default(2e-3),
  /** Training digits (fixed seeded split of the mnist package); null = variant default (dense 3000, conv 1500). */
  trainSize: z.number().int().min(1).max(9000).nullable().default(null),
  /** Held-out digits on which every number is measured. */
  testSize: z.number().int().min(10).max(1000).default(1000),
});

type Config = z.output<typeof configSchema>;

/** Everything measured for one alpha on the held-out digits. */
interface AlphaResult {
  alpha: number;
  /** Fraction of pre-activations (units or map positions) in a flat region of f. */
  saturated: number;
  saturatedLow: number;
  saturatedHigh: number;
  /** Mean over pixels of (x_hat - x)^2, clean inputs. */
  reconstructionMse: number;
  /** saturationPenalty(z) per sample (unweighted, the sum of f_c over units/positions). */
  meanFc: number;
  hoyer: number;
  fractionZeros: number;
  /** Dense: hidden units never active; conv: feature maps never active at any position. */
  deadUnits: number;
  units: number;
  lifetimeSparsity: number;
  relativeChangeW: number;
  trainLoss: number;
  trainReconstruction: number;
  trainSaturation: number;
  seconds: number;
}

type AnyModel = SaturatingAutoencoder | ConvSaturatingAutoencoder;

const alphaLabel = (a: number) => `α=${a}`;

function fmt(v: number, digits = 4): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(digits);
}

/**
 * SPEC §1.3, §3, §5 (seed 003): the saturating autoencoder on MNIST, one run per alpha with the
 * same initial weights, batch order and noise; every number measured on held-out digits.
 */
export const sataeMnist = defineExperiment({
  name: "satae-mnist",
  title: "MNIST: saturating autoencoder, alpha sweep (seed 003)",
  description:
    "Saturating autoencoder (Goroshin & LeCun 2013; SPEC §1.3) on the MNIST digits of the mnist package, dense (784-K-784) " +
    "or convolutional (conv -> satlin/relu feature maps -> transposed conv) encoder, denoising (input corruption in training " +
    "only), trained with Adam on (1/2B) sum ||x_hat - x||^2 + alpha * sum_j f_c(z_j) for a sweep of alpha, all runs from the same " +
    "initial weights with the same batches and noise. Checks the seed's claim that the regulariser pushes encoder units into " +
    "the flat (saturated) regions of the activation: fraction of held-out pre-activations in a saturated region (satlin: z <= 0 " +
    "or z >= 1; relu: z <= 0) and reconstruction error as alpha grows.",
  configSchema,
  quick: { trainSize: 128, testSize: 64, epochs: 1, hiddenSize: 32, filters: 4, kernelSize: 5, batchSize: 32 },
  async run(config: Config, ctx, report) {
    const variant = config.variant;
    const alphas = config.alphas ?? [...DEFAULTS[variant].alphas];
    const epochs = config.epochs ?? DEFAULTS[variant].epochs;
    const trainSize = config.trainSize ?? DEFAULTS[variant].trainSize;
    const resolved = { alphas, epochs, trainSize };
    ctx.log(`satae-mnist: ${variant} ${config.activation}, alphas ${alphas.join(", ")}, ${epochs} epochs on ${trainSize} digits`);

    const { train, test } = loadMnist({ trainSize, testSize: config.testSize, shape: variant === "dense" ? "flat" : "image", oneHot: false });
    // Per-epoch held-out numbers use the first (up to) 500 test digits; the final ones all of them.
    const evalCount = Math.min(500, config.testSize);
    const evalX = tf.slice(test.x, 0, evalCount);
    const showCount = Math.min(10, config.testSize);
    const showX = tf.slice(test.x, 0, showCount);

    const results: AlphaResult[] = [];
    const histories: EpochRecord[][] = [];
    const keep: { z: Float32Array; h: Float32Array; filters: tf.Tensor; recon: tf.Tensor; maps?: tf.Tensor; lifetime: number[] }[] = [];
    try {
      for (const [i, alpha] of alphas.entries()) {
        const model = createModel(config, alpha, deriveSeed(ctx.seed, "init"));
        try {
          const t0 = performance.now();
          const history = await report.time(`train ${alphaLabel(alpha)}`, () =>
            model.fit(train.x, {
              epochs,
              batchSize: config.batchSize,
              optimizer: { name: "adam", learningRate: config.learningRate },
              seed: deriveSeed(ctx.seed, "train"),
              checkpointDir: join(ctx.checkpointDir, `alpha-${i}`),
              resume: ctx.resume,
              progress: ctx.progress,
              evaluate: () => {
                const sat = model.saturation(evalX).total;
                const mse = reconstructionMse(model, evalX);
                return { saturated: sat, reconstructionMse: mse, relativeChangeW: model.relativeChange(encoderName(model)) };
              },
            }),
          );
          histories.push(history.epochs);
          const last = history.epochs[history.epochs.length - 1];
          const measured = measure(model, test.x as tf.Tensor, config.activation);
          results.push({
            alpha,
            ...measured.numbers,
            relativeChangeW: model.relativeChange(encoderName(model)),
            trainLoss: last?.loss ?? NaN,
            trainReconstruction: last?.terms.reconstruction ?? NaN,
            trainSaturation: last?.terms.saturation ?? NaN,
            seconds: (performance.now() - t0) / 1000,
          });
          keep.push({
            z: measured.zSample,
            h: measured.hSample,
            lifetime: measured.lifetime,
            filters: model.encoderFilters(),
            recon: model.reconstruct(showX),
            ...(model instanceof ConvSaturatingAutoencoder ? { maps: tf.tidy(() => tf.transpose(model.encode(tf.slice(showX, 0, 1)), [3, 1, 2, 0])) } : {}),
          });
          const r = results[results.length - 1];
          ctx.log(`${alphaLabel(alpha)}: saturated ${fmt(r.saturated)}, reconstruction MSE ${fmt(r.reconstructionMse)}, dead ${r.deadUnits}/${r.units} (${r.seconds.toFixed(1)} s)`);
        } finally {
          model.dispose();
        }
      }
      writeReport(report, config, resolved, results, histories, keep, showX, variant);
    } finally {
      for (const k of keep) tf.dispose([k.filters, k.recon, ...(k.maps ? [k.maps] : [])]);
      tf.dispose([evalX, showX]);
      disposeLabelledData(train);
      disposeLabelledData(test);
    }
  },
});

function createModel(config: Config, alpha: number, seed: number): AnyModel {
  const common = {
    activation: config.activation,
    tied: config.tied,
    decoderOutput: config.decoderOutput,
    alpha,
    weightDecay: config.weightDecay,
    denoising: config.denoising,
    seed,
  };
  if (config.variant === "dense") return SaturatingAutoencoder.create({ inputDim: 784, hiddenSize: config.hiddenSize, ...common });
  return ConvSaturatingAutoencoder.create({
    height: 28, width: 28, channels: 1, filters: config.filters, kernelSize: config.kernelSize, padding: config.padding, ...common,
  });
}

function encoderName(model: AnyModel): string {
  return model instanceof ConvSaturatingAutoencoder ? "K" : "W";
}

/** Mean over samples and pixels of (x_hat - x)^2 on clean inputs. */
function reconstructionMse(model: AnyModel, x: tf.Tensor): number {
  const xh = model.reconstruct(x);
  try {
    return tf.tidy(() => tf.mean(tf.square(tf.sub(xh, x))).dataSync()[0]);
  } finally {
    xh.dispose();
  }
}

const MAX_HIST_VALUES = 100_000;

/** Held-out numbers of a trained model, plus samples of z and h for the histograms. */
function measure(model: AnyModel, x: tf.Tensor, activation: Config["activation"]) {
  const z = model.preActivations(x);
  const h = sataeActivate(z, activation);
  // Dense: units are columns of h (n x K). Conv: a unit is a feature map, seen at every position.
  const perSample = tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
  const perUnit = tf.reshape(h, [-1, h.shape[h.rank - 1]]) as tf.Tensor2D;
  try {
    const sat = saturatedFraction(z, activation);
    const stats = codeStatistics(perSample);
    const meanFc = tf.tidy(() => saturationPenalty(z, { activation }).dataSync()[0]);
    const lifetime = lifetimeSparsityPerUnit(perUnit);
    const live = lifetime.filter((v) => Number.isFinite(v));
    const zv = z.dataSync() as Float32Array;
    const hv = h.dataSync() as Float32Array;
    return {
      numbers: {
        saturated: sat.total,
        saturatedLow: sat.low,
        saturatedHigh: sat.high,
        reconstructionMse: reconstructionMse(model, x),
        meanFc,
        hoyer: stats.hoyer,
        fractionZeros: 1 - stats.fractionActive,
        deadUnits: deadUnits(perUnit),
        units: perUnit.shape[1],
        // Per unit (dense) or per feature map (conv), averaged over the live ones.
        lifetimeSparsity: live.length ? live.reduce((a, b) => a + b, 0) / live.length : NaN,
      },
      zSample: zv.slice(0, MAX_HIST_VALUES),
      hSample: hv.slice(0, MAX_HIST_VALUES),
      lifetime,
    };
  } finally {
    tf.dispose([z, h, perSample, perUnit]);
  }
}

/** True when every value is >= the one before it. */
function nonDecreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1]);
}

function writeReport(
  report: RunReport,
  config: Config,
  resolved: { alphas: number[]; epochs: number; trainSize: number },
  results: AlphaResult[],
  histories: EpochRecord[][],
  keep: { z: Float32Array; h: Float32Array; filters: tf.Tensor; recon: tf.Tensor; maps?: tf.Tensor; lifetime: number[] }[],
  showX: tf.Tensor,
  variant: Config["variant"],
): void {
  const labels = results.map((r) => alphaLabel(r.alpha));
  const unitWord = variant === "dense" ? "hidden units" : "feature-map positions";
  const region = config.activation === "satlin" ? "z <= 0 or z >= 1" : "z <= 0";

  // Per-epoch records: one field per alpha and quantity.
  const maxEpochs = Math.max(...histories.map((h) => h.length));
  for (let e = 0; e < maxEpochs; e++) {
    const rec: Record<string, number> = { epoch: e + 1 };
    histories.forEach((h, i) => {
      const r = h[e];
      if (!r) return;
      const a = labels[i];
      rec[`${a} loss`] = r.loss;
      rec[`${a} reconstruction`] = r.terms.reconstruction;
      rec[`${a} saturation`] = r.terms.saturation;
      for (const [k, v] of Object.entries(r.metrics)) rec[`${a} held-out ${k}`] = v;
    });
    report.recordEpoch(rec);
  }

  // Top of the page: finding, filters per alpha (one labelled row each), summary table.
  {
    const rises0 = nonDecreasing(results.map((r) => r.saturated));
    const a0 = results[0];
    const a1 = results[results.length - 1];
    report.setHeadline(
      `Held-out saturated fraction ${rises0 ? "rises" : "does not rise monotonically"} with alpha: ${fmt(a0.saturated, 3)} at alpha = ${a0.alpha} to ${fmt(a1.saturated, 3)} at alpha = ${a1.alpha}, ` +
        `while reconstruction MSE goes from ${fmt(a0.reconstructionMse)} to ${fmt(a1.reconstructionMse)} (${config.activation}, ${variant}, one seed, ${config.testSize} held-out digits).`,
    );
    const side = variant === "dense" ? 28 : config.kernelSize;
    const perRow = Math.min(12, keep[0].filters.shape[0]);
    report.addImageRows(
      "filters per alpha",
      keep.map((k, i) => {
        const shown = tf.slice(k.filters, 0, perRow);
        try {
          return { label: labels[i]!, png: imageGrid(shown, { rows: 1, cols: perRow, height: side, width: side, scale: variant === "dense" ? 2 : 6, normalize: "perImage" }) };
        } finally {
          shown.dispose();
        }
      }),
      `The first ${perRow} encoder ${variant === "dense" ? "filters" : "kernels"} at each alpha (rows), each scaled by its own max |w| (mid-grey = 0); all filters are further down.`,
      { lead: true },
    );
    report.addTable(
      "summary",
      results.map((r) => ({
        alpha: r.alpha,
        "saturated fraction": r.saturated,
        "reconstruction MSE": r.reconstructionMse,
        [`MSE − MSE at alpha = ${a0.alpha}`]: r.reconstructionMse - a0.reconstructionMse,
        hoyer: r.hoyer,
        "dead units": `${r.deadUnits}/${r.units}`,
      })),
      `Held-out digits (${config.testSize}), one seed; the smallest alpha is the reference. Every alpha is reported, none is chosen.`,
      { lead: true },
    );
  }

  report.addSection("Effect of alpha");
  report.addPlot(
    "saturated fraction vs alpha",
    barChart(results.map((r) => r.saturated), { labels, title: `Held-out ${unitWord} in a saturated region (${region})`, xTitle: "alpha", yTitle: "fraction", domain: [0, 1] }),
    `Fraction of encoder pre-activations of the ${config.testSize} held-out digits in a flat region of ${config.activation}, one bar per alpha.`,
  );
  report.addPlot(
    "reconstruction error vs alpha",
    barChart(results.map((r) => r.reconstructionMse), { labels, title: "Held-out reconstruction MSE", xTitle: "alpha", yTitle: "mean (x_hat - x)^2 per pixel" }),
    "Reconstruction error of the clean held-out digits (no corruption at test time), one bar per alpha.",
  );
  const rises = nonDecreasing(results.map((r) => r.saturated));
  const first = results[0];
  const lastR = results[results.length - 1];
  report.addText(
    "Does saturation rise with alpha?",
    `Measured on ${config.testSize} held-out digits: the saturated fraction goes from ${fmt(first.saturated)} at alpha = ${first.alpha} ` +
      `to ${fmt(lastR.saturated)} at alpha = ${lastR.alpha}; it is ${rises ? "" : "not "}non-decreasing over the sweep ` +
      `(${results.map((r) => `${fmt(r.alpha)}: ${fmt(r.saturated, 3)}`).join(", ")}). Reconstruction MSE goes from ` +
      `${fmt(first.reconstructionMse)} to ${fmt(lastR.reconstructionMse)}.` +
      (config.activation === "satlin"
        ? ` Of the saturated pre-activations, the share at z >= 1 is ${results.map((r) => fmt(r.saturated > 0 ? r.saturatedHigh / r.saturated : 0, 2)).join(", ")} (per alpha); the rest are at z <= 0.`
        : ""),
  );

  report.addSection("Training");
  const perAlpha = (pick: (e: EpochRecord) => number | undefined): LineSeries[] =>
    histories.map((h, i) => ({ name: labels[i], x: h.map((e) => e.epoch), y: h.map((e) => pick(e) ?? NaN) }));
  report.addPlot(
    "loss curves",
    lineChart(perAlpha((e) => e.loss), { title: "Training loss per alpha", xTitle: "epoch", yTitle: "reconstruction + alpha * saturation", logY: "auto" }),
    "Mean training loss per epoch (on corrupted inputs when denoising), one curve per alpha.",
  );
  report.addPlot(
    "reconstruction term",
    lineChart(perAlpha((e) => e.terms.reconstruction), { title: "Reconstruction term per alpha", xTitle: "epoch", yTitle: "(1/2B) sum ||x_hat - x||^2" }),
    "The reconstruction part of the training loss, comparable across alphas.",
  );
  report.addPlot(
    "saturated fraction during training",
    lineChart(perAlpha((e) => e.metrics.saturated), { title: "Held-out saturated fraction after each epoch", xTitle: "epoch", yTitle: "fraction" }),
    `Fraction of pre-activations in a saturated region on the first ${Math.min(500, config.testSize)} held-out digits after every epoch.`,
  );

  report.addSection("Activations");
  const ends = results.length > 1 ? [0, results.length - 1] : [0];
  for (const i of ends) {
    report.addPlot(
      `pre-activations ${labels[i]}`,
      histogramChart(keep[i].z, { title: `Encoder pre-activations z, ${labels[i]}`, xTitle: "z", yTitle: "count (log)", logY: true, bins: 60 }),
      `Held-out pre-activations (up to ${MAX_HIST_VALUES} values). ${config.activation} is flat for ${region}.`,
    );
  }
  for (const i of ends) {
    report.addPlot(
      `activations ${labels[i]}`,
      histogramChart(keep[i].h, { title: `Codes h = ${config.activation}(z), ${labels[i]}`, xTitle: "h", yTitle: "count (log)", logY: true, bins: 50 }),
      "Held-out codes; the spikes at 0 (and 1 for satlin) are the saturated units.",
    );
  }
  for (const i of ends) {
    report.addPlot(
      `lifetime sparsity ${labels[i]}`,
      barChart(keep[i].lifetime, { title: `Lifetime sparsity per ${variant === "dense" ? "unit" : "feature map"}, ${labels[i]}`, xTitle: variant === "dense" ? "unit" : "feature map", yTitle: "1 - mean(h)^2 / mean(h^2)", domain: [0, 1] }),
      "Treves–Rolls lifetime sparsity on the held-out digits; dead units have no bar.",
    );
  }

  report.addSection("Filters and reconstructions");
  for (const [i, k] of keep.entries()) {
    const f = k.filters;
    const count = Math.min(f.shape[0], 100);
    const shown = tf.slice(f, 0, count);
    try {
      const side = variant === "dense" ? 28 : config.kernelSize;
      report.addImage(
        `filters ${labels[i]}`,
        imageGrid(shown, { height: side, width: side, scale: variant === "dense" ? 2 : 8, normalize: "perImage" }),
        `${count === f.shape[0] ? "All" : `The first ${count} of`} ${f.shape[0]} encoder filters at ${labels[i]}, each scaled by its own max |w| (mid-grey = 0).`,
        { pixelated: true },
      );
    } finally {
      shown.dispose();
    }
  }
  for (const i of ends) {
    report.addImage(
      `reconstructions ${labels[i]}`,
      reconstructionGrid(showX, keep[i].recon, { height: 28, width: 28, scale: 3, normalize: "none" }),
      `Held-out digits (upper row) and their reconstructions (lower row) at ${labels[i]}; grey scale [0, 1], values outside clamped.`,
      { pixelated: true },
    );
    const maps = keep[i].maps;
    if (maps) {
      report.addImage(
        `feature maps ${labels[i]}`,
        imageGrid(maps, { scale: 3, normalize: config.activation === "satlin" ? "none" : "perImage" }),
        `The ${maps.shape[0]} feature maps h of the first held-out digit at ${labels[i]} (${config.activation === "satlin" ? "black 0, white 1" : "each scaled to its own maximum"}).`,
        { pixelated: true },
      );
    }
  }

  report.addSection("All numbers");
  report.addTable(
    "sweep",
    results.map((r) => ({
      alpha: r.alpha,
      saturated: r.saturated,
      "saturated z<=0": r.saturatedLow,
      "saturated z>=1": r.saturatedHigh,
      "reconstruction MSE": r.reconstructionMse,
      "mean sum f_c(z)": r.meanFc,
      hoyer: r.hoyer,
      "fraction zeros": r.fractionZeros,
      "dead units": `${r.deadUnits}/${r.units}`,
      "lifetime sparsity": r.lifetimeSparsity,
      "||W-W0||/||W0||": r.relativeChangeW,
      "train loss": r.trainLoss,
      "train reconstruction": r.trainReconstruction,
      "train alpha*saturation": r.trainSaturation,
      seconds: r.seconds,
    })),
    `Held-out numbers (${config.testSize} digits) per alpha. saturated = fraction of pre-activations in ${region}; ` +
      `dead units = ${variant === "dense" ? "hidden units" : "feature maps"} never active; W is the encoder ${variant === "dense" ? "matrix" : "kernel"}; ` +
      "seconds = training time in this session (a resumed run counts only the epochs it ran).",
  );
  report.setMetrics({
    variant,
    activation: config.activation,
    resolved,
    saturationNonDecreasingInAlpha: rises,
    sweep: results.map((r) => ({ ...r })),
  });
}
