import * as tf from "@tensorflow/tfjs";
import {
  deadUnits,
  fractionZeros,
  hoyerSparsity,
  lifetimeSparsity,
  lifetimeSparsityPerUnit,
  meanActiveUnits,
} from "../metrics/index.js";
import { barChart, formatNumber, histogramChart, imageGrid, lineChart, reconstructionGrid, type LineSeries, type RunReport } from "../report/node.js";
import type { EpochRecord } from "../train/history.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertNumberOption } from "../validation/optionChecks.js";

/** Sparsity statistics of hidden codes H (n x K) on an evaluation set (SPEC §2). */
export interface CodeStatistics {
  /** mean_k rho_hat_k, rho_hat_k = mean_i h_ik (the KL target compares with this). */
  meanActivation: number;
  /** Hoyer sparsity averaged over samples, [0, 1]. */
  hoyer: number;
  /** Treves–Rolls lifetime sparsity averaged over live units, [0, 1). */
  lifetimeSparsity: number;
  /** Fraction of entries h_ik > activeThreshold. */
  fractionActive: number;
  /** Mean number of units with h_ik > activeThreshold per sample. */
  meanActiveUnits: number;
  /** Units never above activeThreshold on the evaluation set. */
  deadUnits: number;
}

/** Metric names of {@link CodeStatistics}, in display order (also the per-epoch sparsity plot). */
export const CODE_STATISTIC_KEYS = ["meanActivation", "hoyer", "lifetimeSparsity", "fractionActive", "meanActiveUnits", "deadUnits"] as const;

/**
 * Sparsity statistics of codes (n x K, K >= 2). Hoyer and lifetime sparsity use the raw values
 * (the metrics' default tol, 1e-6 x max|h|, only excludes all-zero rows/units). `activeThreshold`
 * decides "active" for fractionActive, meanActiveUnits and deadUnits: undefined = that default
 * (right for ReLU codes); sigmoid codes are never exactly 0, so pass a level (e.g. 0.1) — a
 * sigmoid unit that never exceeds it on the evaluation set counts as dead.
 */
export function codeStatistics(codes: tf.Tensor2D, activeThreshold?: number): CodeStatistics {
  const where = "codeStatistics";
  if (activeThreshold !== undefined) assertNumberOption(activeThreshold, where, "activeThreshold", { min: 0 });
  const tolOpts = activeThreshold === undefined ? {} : { tol: activeThreshold };
  const meanActivation = tf.tidy(() => tf.mean(codes).dataSync()[0]);
  return {
    meanActivation,
    hoyer: hoyerSparsity(codes),
    lifetimeSparsity: lifetimeSparsity(codes),
    fractionActive: 1 - fractionZeros(codes, tolOpts),
    meanActiveUnits: meanActiveUnits(codes, tolOpts),
    deadUnits: deadUnits(codes, tolOpts),
  };
}

export interface AutoencoderReportInput {
  /** Per-epoch (or per-L-BFGS-block) training records: loss, terms, metrics. */
  epochs: readonly EpochRecord[];
  /** What one record is, for axis titles (default "epoch"). */
  epochLabel?: string;
  /** Loss at the start and after every L-BFGS iteration; plotted as the loss curve when given. */
  lossHistory?: readonly number[];
  /** Hidden codes of the evaluation set, [n, K]. */
  codes: tf.Tensor2D;
  /** See {@link codeStatistics}. */
  activeThreshold?: number;
  /** Target mean activation (KL rho), shown on the per-unit mean-activation chart and in the table. */
  targetActivation?: number;
  /** Encoder filters, one row per hidden unit: [K, height * width]. */
  filters: tf.Tensor2D;
  /** Height and width of a filter and of an input image. */
  imageShape: { height: number; width: number };
  /** Show at most this many filters (default 100), the first ones. */
  maxFilters?: number;
  /** Evaluation inputs and their reconstructions, [m, height * width] each (a handful). */
  inputs: tf.Tensor2D;
  reconstructions: tf.Tensor2D;
  /** Integer upscaling of the PNG grids (default 4). */
  scale?: number;
  /** ||W - W0|| / ||W0|| by variable name, e.g. { W1: 4.4, W2: 3.0 }. */
  relativeChange: Record<string, number>;
  /** Further final numbers for the table and report.json (e.g. testMse). */
  metrics?: Record<string, number>;
  /** One sentence on what the filter picture is expected to show. */
  filterCaption?: string;
  /** Held-out MSE and its reference (predicting every pixel by its training mean), for the summary table and headline. */
  reconstruction?: { mse: number; meanPredictorMse: number; split: string };
  /** The finding in a sentence; default: one built from the summary numbers. */
  headline?: string;
}

/** The numbers {@link addAutoencoderReport} adds to report.json's metrics. */
export type AutoencoderMetrics = CodeStatistics & Record<string, number>;

/** The epochs that recorded a value (evaluation may run only every few epochs), as one curve. */
function series(epochs: readonly EpochRecord[], pick: (e: EpochRecord) => number | undefined, name: string): LineSeries | undefined {
  const kept = epochs.filter((e) => pick(e) !== undefined);
  return kept.length > 0 ? { name, x: kept.map((e) => e.epoch), y: kept.map((e) => pick(e) as number) } : undefined;
}

/**
 * Adds the standard autoencoder figures to a run report (SPEC §1.2, §5):
 * - at the top: a headline sentence, the filter grid (each filter normalised on its own, 0 =
 *   mid-grey) and a summary table of each number beside its reference;
 * - every epoch record (loss, terms, metrics) via recordEpoch;
 * - "Training": loss curve (per iteration for L-BFGS), the weighted cost terms per epoch (log
 *   scale), and the code sparsity statistics recorded per epoch ({@link CODE_STATISTIC_KEYS}
 *   found in the records' metrics) with the relative weight change if recorded;
 * - "Codes": histogram of all activations, mean activation per unit (rho_hat_k, with the target),
 *   lifetime sparsity per unit;
 * - "Reconstructions": inputs above their reconstructions;
 * - metrics (report.json and the page's final metrics): code statistics, relative change of each
 *   weight matrix, the given metrics.
 * Returns the metrics it set. Tensors are read, not disposed.
 */
export function addAutoencoderReport(report: RunReport, input: AutoencoderReportInput): AutoencoderMetrics {
  const where = "addAutoencoderReport";
  const { epochs, codes, filters, imageShape } = input;
  if (!Array.isArray(epochs)) throw new SparsekitError(`${where}: argument 'epochs' must be an array of epoch records.`);
  const label = input.epochLabel ?? "epoch";
  const scale = input.scale ?? 4;
  const { height, width } = imageShape;

  const stats = codeStatistics(codes, input.activeThreshold);
  const target = input.targetActivation;
  const units = filters.shape[0];
  const rec = input.reconstruction;
  const change = input.relativeChange.W1;
  const headline =
    input.headline ??
    [
      rec ? `Held-out reconstruction MSE ${formatNumber(rec.mse, 3)} against ${formatNumber(rec.meanPredictorMse, 3)} for the mean predictor (${(100 * (1 - rec.mse / rec.meanPredictorMse)).toFixed(1)}% of the variance explained)` : undefined,
      `mean activation ${formatNumber(stats.meanActivation, 3)}${target !== undefined ? ` (target rho ${target})` : ""}`,
      `${stats.deadUnits} of ${units} units dead`,
      change !== undefined ? `W1 moved ${formatNumber(change, 3)}x its initial norm` : undefined,
    ]
      .filter((t) => t !== undefined)
      .join("; ") + ".";
  report.setHeadline(headline);

  // Headline figure: the filters.
  const count = Math.min(units, input.maxFilters ?? 100);
  const shownFilters = tf.slice(filters, [0, 0], [count, filters.shape[1]]);
  try {
    report.addImage(
      "filters",
      imageGrid(shownFilters, { height, width, scale, normalize: "perImage" }),
      `${count === units ? "All" : `The first ${count} of`} ${units} encoder filters (rows of W1^T), each scaled by its own max |w| (mid-grey = 0).${input.filterCaption ? ` ${input.filterCaption}` : ""}`,
      { lead: true },
    );
  } finally {
    shownFilters.dispose();
  }
  const summary: Record<string, unknown>[] = [];
  if (rec) {
    summary.push({ quantity: `reconstruction MSE (${rec.split})`, value: rec.mse, reference: rec.meanPredictorMse, "reference is": "MSE of predicting every pixel by its training mean" });
  }
  summary.push({ quantity: "mean activation rho_hat", value: stats.meanActivation, reference: target ?? null, "reference is": target !== undefined ? "KL target rho" : "" });
  summary.push({ quantity: "dead units", value: `${stats.deadUnits} of ${units}`, reference: 0, "reference is": "every unit used" });
  summary.push({ quantity: "Hoyer sparsity (per sample)", value: stats.hoyer, reference: null, "reference is": "0 = dense, 1 = one active unit" });
  summary.push({ quantity: "lifetime sparsity (per unit)", value: stats.lifetimeSparsity, reference: null, "reference is": "0 = same response to all inputs" });
  for (const [name, v] of Object.entries(input.relativeChange)) {
    summary.push({ quantity: `||${name} - ${name}_0|| / ||${name}_0||`, value: v, reference: null, "reference is": "0 = still the random start" });
  }
  report.addTable("summary", summary, `One run (one seed); numbers on the ${rec?.split ?? "evaluation set"}, each beside its reference.`, { lead: true });

  for (const e of epochs) {
    report.recordEpoch({ epoch: e.epoch, steps: e.steps, loss: e.loss, ...e.terms, ...e.metrics, seconds: e.seconds });
  }

  report.addSection("Training");
  if (input.lossHistory && input.lossHistory.length > 1) {
    report.addPlot(
      "loss curve",
      lineChart([{ name: "loss", y: [...input.lossHistory] }], { title: "Training loss", xTitle: "L-BFGS iteration", yTitle: "loss", logY: "auto" }),
      "Total cost (reconstruction + weight decay + sparsity) at the start and after every L-BFGS iteration (log axis when it spans decades).",
    );
  } else if (epochs.length > 0) {
    report.addPlot(
      "loss curve",
      lineChart([{ name: "loss", x: epochs.map((e) => e.epoch), y: epochs.map((e) => e.loss) }], { title: "Training loss", xTitle: label, yTitle: "loss", logY: "auto" }),
      `Total training cost per ${label}.`,
    );
  }
  const termNames = [...new Set(epochs.flatMap((e) => Object.keys(e.terms)))];
  const termSeries = termNames.map((t) => series(epochs, (e) => e.terms[t], t)).filter((s): s is LineSeries => s !== undefined);
  if (termSeries.length > 0) {
    report.addPlot(
      "cost terms",
      lineChart(termSeries, { title: "Weighted cost terms", xTitle: label, yTitle: "value (log scale)", logY: true }),
      `Each weighted term of the cost at the end of every ${label} (zero terms are not drawn on the log scale).`,
    );
  }
  const statSeries = CODE_STATISTIC_KEYS.filter((k) => k !== "meanActiveUnits" && k !== "deadUnits")
    .map((k) => series(epochs, (e) => e.metrics[k], k))
    .filter((s): s is LineSeries => s !== undefined);
  if (statSeries.length > 0) {
    report.addPlot(
      "sparsity over training",
      lineChart(statSeries, { title: "Code sparsity during training", xTitle: label, yTitle: "value" }),
      "Statistics of the hidden codes on the evaluation set after every " + label + " (mean activation, Hoyer, lifetime sparsity, fraction of active entries).",
    );
  }
  const changeSeries = [
    ...Object.keys(input.relativeChange).map((name) => series(epochs, (e) => e.metrics[`relativeChange${name}`], `||${name} - ${name}_0|| / ||${name}_0||`)),
    series(epochs, (e) => e.metrics.normRatioW1, "||W1|| / ||W1_0||"),
    series(epochs, (e) => e.metrics.cosineToInitW1, "cos(W1, W1_0)"),
    series(epochs, (e) => e.metrics.cosineToInitW1Centered, "cos(W1, W1_0), filters centred"),
  ].filter((s): s is LineSeries => s !== undefined);
  if (changeSeries.length > 0) {
    report.addPlot(
      "relative weight change",
      lineChart(changeSeries, { title: "Distance from the random start", xTitle: label, yTitle: "relative change" }),
      "How far training moved each weight matrix from its initial value. A relative change near 0, a cosine to the start near 1 (the weights only shrank), or a centred cosine near 1 (each filter only gained a uniform offset, which acts as a bias on mean-removed inputs) means the filter pictures are still the random initialisation.",
    );
  }

  report.addSection("Codes");
  const values = codes.dataSync();
  const maxValues = 200_000;
  const shown = values.length > maxValues ? values.subarray(0, maxValues) : values;
  report.addPlot(
    "activation histogram",
    histogramChart(shown, { title: "Hidden activations", xTitle: "activation", yTitle: "count (log)", logY: true, bins: 50 }),
    `All hidden activations of ${shown === values ? "the" : "part of the"} evaluation set (${shown.length} values).`,
  );
  const perUnitMean = tf.tidy(() => Array.from(tf.mean(codes, 0).dataSync()));
  report.addPlot(
    "mean activation per unit",
    barChart(perUnitMean, {
      title: "Mean activation per unit (rho_hat)",
      ...(target !== undefined ? { subtitle: `target rho = ${target}` } : {}),
      xTitle: "unit",
      yTitle: "rho_hat",
    }),
    target !== undefined ? `rho_hat_k = mean over the evaluation set of h_k; the KL term pulls each towards rho = ${target}.` : "Mean activation of each hidden unit on the evaluation set.",
  );
  const perUnitLifetime = lifetimeSparsityPerUnit(codes);
  report.addPlot(
    "lifetime sparsity per unit",
    barChart(perUnitLifetime, { title: "Lifetime sparsity per unit (Treves–Rolls)", xTitle: "unit", yTitle: "1 - mean(h)^2 / mean(h^2)", domain: [0, 1] }),
    "Close to 1: the unit responds strongly to few inputs; close to 0: it responds alike to all. All-zero units have no bar.",
  );

  report.addSection("Reconstructions");
  report.addImage(
    "reconstructions",
    reconstructionGrid(input.inputs, input.reconstructions, { height, width, scale, pairsPerRow: Math.min(10, input.inputs.shape[0]) }),
    "Evaluation inputs (upper row of each band) and their reconstructions (lower row), same grey scale.",
  );

  const metrics: AutoencoderMetrics = { ...stats };
  if (target !== undefined) metrics.targetActivation = target;
  for (const [name, v] of Object.entries(input.relativeChange)) metrics[`relativeChange${name}`] = v;
  Object.assign(metrics, input.metrics ?? {});
  report.setMetrics(metrics);
  return metrics;
}
