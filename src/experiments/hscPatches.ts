import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { atomFeatures, type AtomFeature } from "../coding/atomFeatures.js";
import { DictionaryLearner } from "../coding/DictionaryLearner.js";
import { HierarchicalSparseCoder, type HierarchicalStepRecord } from "../coding/HierarchicalSparseCoder.js";
import { logScaleNll } from "../coding/logScaleNll.js";
import { NATURAL_IMAGE_NAMES, type NaturalImageName } from "../data/node.js";
import { createRng, deriveSeed } from "../random/index.js";
import { atomMapTiles, composeGrid, encodePng, histogramChart, imageGrid, lineChart, normalizeImages, resolveGridLayout } from "../report/node.js";
import { defineExperiment } from "./Experiment.js";
import { whitenedPatches } from "./whitenedPatches.js";

const configSchema = z.strictObject({
  images: z.array(z.enum(NATURAL_IMAGE_NAMES as [NaturalImageName, ...NaturalImageName[]])).min(1).default([...NATURAL_IMAGE_NAMES]),
  imageSize: z.number().int().min(32).default(512),
  patchSize: z.number().int().min(2).max(32).default(16),
  /** Patches for the first-layer dictionary; the first `codedPatches` of them train the second layer. */
  trainPatches: z.number().int().min(10).default(20_000),
  codedPatches: z.number().int().min(10).default(6_000),
  /** Held-out patches: every reported likelihood is on them. */
  evalPatches: z.number().int().min(10).default(1_000),
  removeMean: z.boolean().default(true),
  /** Layer 1 (as lca-patches): atoms, LCA threshold, time constant, iterations, dictionary steps. */
  atoms: z.number().int().min(2).default(256),
  lambda: z.number().min(0).default(0.5),
  tau: z.number().min(1).default(5),
  inferenceIterations: z.number().int().min(1).default(50),
  dictionarySteps: z.number().int().min(1).default(400),
  batchSize: z.number().int().min(1).default(128),
  learningRate: z.number().positive().default(2),
  finalLearningRate: z.number().positive().default(0.2),
  /** Layer 2: units (columns of B), L1 weight on c, floor added to |a| (as a fraction of the mean non-zero |a|). */
  units: z.number().int().min(1).default(64),
  lambda2: z.number().min(0).default(0.5),
  floorFraction: z.number().positive().default(0.1),
  layer2Steps: z.number().int().min(1).default(200),
  layer2BatchSize: z.number().int().min(1).default(128),
  layer2LearningRate: z.number().positive().default(0.1),
  layer2FinalLearningRate: z.number().positive().default(0.01),
  layer2Iterations: z.number().int().min(1).default(25),
  /** ISTA iterations for the held-out second-layer codes. */
  evalIterations: z.number().int().min(1).default(100),
  /** Units shown in the headline figure (most used first). */
  shownUnits: z.number().int().min(1).default(12),
  /** Atoms per unit in the grouping statistics and the headline rows. */
  groupSize: z.number().int().min(2).default(8),
});

type Config = z.output<typeof configSchema>;

interface Spread {
  orientation: number;
  position: number;
  logFrequency: number;
}

/** Circular spread of orientations (axial, degrees), RMS distance from the centroid (px), std of log2 frequency. */
function groupSpread(features: AtomFeature[], members: readonly number[]): Spread {
  let cs = 0;
  let sn = 0;
  let mx = 0;
  let my = 0;
  let lf = 0;
  for (const i of members) {
    const f = features[i]!;
    const th = (2 * f.orientation * Math.PI) / 180;
    cs += Math.cos(th);
    sn += Math.sin(th);
    mx += f.x;
    my += f.y;
    lf += Math.log2(Math.max(f.frequency, 1e-3));
  }
  const n = members.length;
  const r = Math.min(1, Math.hypot(cs, sn) / n);
  mx /= n;
  my /= n;
  lf /= n;
  let pos = 0;
  let fvar = 0;
  for (const i of members) {
    const f = features[i]!;
    pos += (f.x - mx) ** 2 + (f.y - my) ** 2;
    fvar += (Math.log2(Math.max(f.frequency, 1e-3)) - lf) ** 2;
  }
  // Axial circular standard deviation: sqrt(-2 ln R) on doubled angles, halved back to degrees.
  return { orientation: ((Math.sqrt(-2 * Math.log(Math.max(r, 1e-9))) * 180) / Math.PI) / 2, position: Math.sqrt(pos / n), logFrequency: Math.sqrt(fvar / n) };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Grey tile [0, 1] (p x p) -> RGB tile upscaled k times. */
function rgbUpscale(tile: Float32Array, p: number, k: number): Float32Array {
  const s = p * k;
  const out = new Float32Array(s * s * 3);
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) out.fill(tile[Math.floor(y / k) * p + Math.floor(x / k)]!, (y * s + x) * 3, (y * s + x) * 3 + 3);
  return out;
}

export const hscPatches = defineExperiment({
  name: "hsc-patches",
  title: "Hierarchical sparse coding: a variance layer over LCA codes of whitened patches (seed 004)",
  description:
    "Seed 004's last equation (SPEC §3; Karklin & Lewicki 2005): first-layer LCA codes a of 16x16 whitened patches get a Laplacian prior whose log-scale is set by sparse second-layer codes c, log sigma = B c + bias, energy sum_i (|a_i| / sigma_i + log sigma_i) + lambda2 ||c||_1. Layer 1 is an LCA dictionary learned as in lca-patches; layer 2 (B, bias) is learned on the codes of the training patches by gradient steps at the MAP c. The report shows which first-layer atoms each second-layer unit groups (position, orientation, frequency), and how much better the two-layer model predicts held-out code magnitudes than the first layer's independent per-atom Laplacians, with a shuffled control that keeps each atom's marginal and destroys the dependencies.",
  configSchema,
  quick: {
    images: ["black-canyon"],
    imageSize: 96,
    patchSize: 8,
    trainPatches: 600,
    codedPatches: 400,
    evalPatches: 100,
    atoms: 32,
    inferenceIterations: 20,
    dictionarySteps: 6,
    batchSize: 64,
    units: 8,
    layer2Steps: 5,
    layer2BatchSize: 64,
    layer2Iterations: 10,
    evalIterations: 20,
    shownUnits: 4,
    groupSize: 4,
  },
  async run(config: Config, ctx, report) {
    const p = config.patchSize;
    const M = config.atoms;
    const K = config.units;
    const { trainX, evalX } = await report.time("data", () => whitenedPatches(config, ctx.seed));
    const learner = DictionaryLearner.create({
      inputSize: p * p,
      atoms: M,
      lambda: config.lambda,
      tau: config.tau,
      learningRate: config.learningRate,
      inferenceIterations: config.inferenceIterations,
      seed: deriveSeed(ctx.seed, "dictionary"),
    });
    let coder: HierarchicalSparseCoder | undefined;
    const owned: tf.Tensor[] = [];
    try {
      ctx.log(`hsc-patches: layer 1, ${M} atoms, ${config.dictionarySteps} steps of batch ${config.batchSize}`);
      const layer1 = await report.time("layer1", () =>
        learner.fit(trainX, {
          steps: config.dictionarySteps,
          batchSize: Math.min(config.batchSize, config.trainPatches),
          initialLearningRate: config.learningRate,
          finalLearningRate: config.finalLearningRate,
        }),
      );
      const codedN = Math.min(config.codedPatches, config.trainPatches);
      const [aTrain, aEval] = await report.time("layer1Codes", () => {
        const xs = tf.slice(trainX, [0, 0], [codedN, -1]) as tf.Tensor2D;
        const a = learner.encode(xs).codes;
        xs.dispose();
        return [a, learner.encode(evalX).codes];
      });
      owned.push(aTrain, aEval);
      const meanNonZero = tf.tidy(() => {
        const abs = tf.abs(aTrain);
        return tf.div(tf.sum(abs), tf.maximum(tf.sum(tf.cast(tf.greater(abs, 0), "float32")), 1)).dataSync()[0]!;
      });
      const floor = config.floorFraction * meanNonZero;
      coder = HierarchicalSparseCoder.create({
        atoms: M,
        units: K,
        lambda: config.lambda2,
        floor,
        learningRate: config.layer2LearningRate,
        inferenceIterations: config.layer2Iterations,
        seed: deriveSeed(ctx.seed, "layer2"),
      });
      const mTrain = coder.magnitudes(aTrain);
      const mEval = coder.magnitudes(aEval);
      owned.push(mTrain, mEval);
      // Layer 1 alone: independent per-atom Laplacians, scales fitted on the training codes.
      const baseLogScale = coder.fitBias(mTrain);
      owned.push(baseLogScale);
      ctx.log(`hsc-patches: layer 2, ${K} units, ${config.layer2Steps} steps of batch ${config.layer2BatchSize}, floor ${floor.toPrecision(3)}`);
      const layer2: HierarchicalStepRecord[] = await report.time("layer2", () =>
        coder!.fit(mTrain, { steps: config.layer2Steps, batchSize: config.layer2BatchSize, learningRate: config.layer2LearningRate, finalLearningRate: config.layer2FinalLearningRate }),
      );

      // Held-out evaluation, and the shuffled control (each atom's magnitudes permuted across patches on its own).
      const evaluation = await report.time("evaluate", () => {
        const n = config.evalPatches;
        const rng = createRng(deriveSeed(ctx.seed, "shuffle"));
        const cols = Array.from({ length: M }, () => rng.permutation(n));
        const mEvalData = mEval.arraySync();
        const shuffled = tf.tensor2d(mEvalData.map((_, r) => cols.map((perm, i) => mEvalData[perm[r]!]![i]!)));
        const one = (m: tf.Tensor2D, record: boolean) => {
          const { codes, energy } = coder!.encode(m, { iterations: config.evalIterations, recordEnergy: record });
          const out = tf.tidy(() => {
            const base = logScaleNll(m, tf.add(tf.zerosLike(m), baseLogScale) as tf.Tensor2D);
            const two = coder!.nll(m, codes);
            const l1 = tf.mul(config.lambda2, tf.sum(tf.abs(codes), 1));
            return {
              base: tf.mean(base).dataSync()[0]!,
              two: tf.mean(two).dataSync()[0]!,
              twoWithCodeCost: tf.mean(tf.add(two, l1)).dataSync()[0]!,
              gainPerPatch: Array.from(tf.sub(base, two).dataSync()),
              l0: tf.mean(tf.sum(tf.cast(tf.notEqual(codes, 0), "float32"), 1)).dataSync()[0]!,
              usage: Array.from(tf.mean(tf.cast(tf.notEqual(codes, 0), "float32"), 0).dataSync()),
            };
          });
          codes.dispose();
          return { ...out, energy };
        };
        const real = one(mEval, true);
        const control = one(shuffled, false);
        shuffled.dispose();
        const l1L0 = tf.tidy(() => tf.mean(tf.sum(tf.cast(tf.notEqual(aEval, 0), "float32"), 1)).dataSync()[0]!);
        const mse = tf.tidy(() => tf.mean(tf.square(tf.sub(evalX, tf.matMul(aEval, learner.phi, false, true)))).dataSync()[0]!);
        return { real, control, layer1L0: l1L0, layer1Mse: mse };
      });

      // What each unit groups: features of the atoms, the strongest positive weights per unit.
      const phiT = tf.tidy(() => tf.transpose(learner.phi).arraySync() as number[][]);
      const features = atomFeatures(phiT, p, p);
      const B = coder.basis.arraySync() as number[][]; // M x K
      const column = (j: number) => B.map((row) => row[j]!);
      const byWeight = (j: number, sign: 1 | -1) =>
        Array.from({ length: M }, (_, i) => i).sort((a, b) => sign * (column(j)[b]! - column(j)[a]!));
      const g = Math.min(config.groupSize, M);
      const spreads = Array.from({ length: K }, (_, j) => groupSpread(features, byWeight(j, 1).slice(0, g)));
      const rng = createRng(deriveSeed(ctx.seed, "random-groups"));
      const randomSpreads = Array.from({ length: 500 }, () => groupSpread(features, Array.from(rng.permutation(M).slice(0, g))));
      const usedUnits = Array.from({ length: K }, (_, j) => j).sort((a, b) => evaluation.real.usage[b]! - evaluation.real.usage[a]!);
      const active = usedUnits.filter((j) => evaluation.real.usage[j]! > 0);
      const groupedSpread = (k: keyof Spread, units: number[]) => (units.length ? median(units.map((j) => spreads[j]![k])) : NaN);
      const spreadTable = (["orientation", "position", "logFrequency"] as const).map((k) => ({
        feature: { orientation: "orientation (circular std, degrees)", position: "position (RMS distance from centre, px)", logFrequency: "frequency (std of log2 cycles/px)" }[k],
        "second-layer groups": groupedSpread(k, active),
        "random groups": median(randomSpreads.map((s) => s[k])),
      }));

      const gain = evaluation.real.base - evaluation.real.two;
      const gainCost = evaluation.real.base - evaluation.real.twoWithCodeCost;
      const controlGain = evaluation.control.base - evaluation.control.two;
      const nats = (v: number) => `${v.toFixed(2)} nats (${(v / Math.LN2).toFixed(2)} bits)`;
      const o = spreadTable[0]!;
      const p1 = spreadTable[1]!;
      report.setHeadline(
        `The second layer predicts held-out first-layer code magnitudes ${nats(gain - controlGain)} per patch better than independent per-atom Laplacians ` +
          `beyond what it gains on shuffled codes (${nats(gain)} on real codes vs ${nats(controlGain)} on the shuffled control, whose gain is per-patch fitting of c, not co-variation); ` +
          `its units group atoms by orientation (spread ${o["second-layer groups"].toFixed(0)}° vs ${o["random groups"].toFixed(0)}° for random groups of ${g}) and, weakly, by position (${p1["second-layer groups"].toFixed(1)} vs ${p1["random groups"].toFixed(1)} px).`,
      );

      // Headline figure: one row per unit.
      const k = Math.max(1, Math.round(48 / p));
      const S = p * k;
      const shown = usedUnits.slice(0, Math.min(config.shownUnits, K));
      const plus = Math.min(6, M);
      const minus = Math.min(3, M);
      const atomTiles = normalizeImages(phiT.map((r) => Float32Array.from(r)), "perImage", true, "hsc-patches", "atoms").map((t) => rgbUpscale(t, p, k));
      const rowPng = (j: number) => {
        const maps = atomMapTiles(features, column(j), { patchHeight: p, patchWidth: p, size: S });
        const tiles = [maps.position, maps.spectrum, ...byWeight(j, 1).slice(0, plus).map((i) => atomTiles[i]!), ...byWeight(j, -1).slice(0, minus).map((i) => atomTiles[i]!)];
        return encodePng(composeGrid(tiles, S, S, 3, resolveGridLayout(tiles.length, { rows: 1, cols: tiles.length, padding: 2 }, "hsc-patches"), "hsc-patches"));
      };
      report.addImageRows(
        "second-layer units",
        shown.map((j) => ({ label: `unit ${j + 1} (${(100 * evaluation.real.usage[j]!).toFixed(0)}%)`, png: rowPng(j) })),
        `The ${shown.length} most used of ${K} second-layer units (row label: share of held-out patches where c_j != 0). Per row: ` +
          `position map (each first-layer atom a bar at its centre along its edge; red = positive weight B_ij, blue = negative, opacity = |B_ij| / max), ` +
          `orientation x frequency map (angle = edge orientation, radius = spatial frequency, circles at 0.25 and 0.5 cycles/px), then the atoms with the ${plus} largest positive ` +
          `and the ${minus} most negative weights. c_j > 0 raises the variance of the red atoms together and lowers the blue ones.`,
        { lead: true, columnLabels: ["pos.", "orient. x freq.", ...Array.from({ length: plus }, (_, i) => `+${i + 1}`), ...Array.from({ length: minus }, (_, i) => `−${i + 1}`)] },
      );
      report.addTable(
        "summary",
        [
          { model: "layer 1 alone: independent Laplacian per atom", "NLL held-out (nats/patch)": evaluation.real.base, "gain over layer 1": 0, "shuffled control NLL": evaluation.control.base, "control gain": 0 },
          { model: "two layers: NLL given MAP c", "NLL held-out (nats/patch)": evaluation.real.two, "gain over layer 1": gain, "shuffled control NLL": evaluation.control.two, "control gain": controlGain },
          {
            model: "two layers: NLL + lambda2 ||c||_1",
            "NLL held-out (nats/patch)": evaluation.real.twoWithCodeCost,
            "gain over layer 1": gainCost,
            "shuffled control NLL": evaluation.control.twoWithCodeCost,
            "control gain": evaluation.control.base - evaluation.control.twoWithCodeCost,
          },
        ],
        `Negative log-likelihood of the held-out magnitudes m = |a| + ${floor.toPrecision(3)} (${config.evalPatches} patches, ${M} atoms; lower is better). ` +
          `Shuffled control: each atom's magnitudes permuted across patches, which keeps the per-atom marginals (so layer 1 scores the same) and removes the co-variation layer 2 models. One seed.`,
        { lead: true },
      );
      report.addTable("grouping", spreadTable, `Spread of the ${g} atoms with the largest positive weight, median over the ${active.length} second-layer units active on held-out patches, against the median over 500 random groups of ${g} atoms (lower = tighter grouping).`, { lead: true });

      report.addSection("All second-layer units");
      const allTiles = usedUnits.flatMap((j) => {
        const maps = atomMapTiles(features, column(j), { patchHeight: p, patchWidth: p, size: 64 });
        return [maps.position, maps.spectrum];
      });
      const perRow = 8;
      report.addImage(
        "all units",
        encodePng(composeGrid(allTiles, 64, 64, 3, resolveGridLayout(allTiles.length, { cols: perRow, padding: 3, padColor: [200, 200, 200] }, "hsc-patches"), "hsc-patches")),
        `Every second-layer unit, most used first, ${perRow / 2} per row: position map and orientation x frequency map side by side (colours as in Figure 1).`,
        { pixelated: false },
      );
      report.addSection("Layer 1");
      report.addImage("dictionary", tf.tidy(() => imageGrid(tf.reshape(tf.transpose(learner.phi), [M, p, p]), { scale: p <= 8 ? 4 : 3 })), `All ${M} first-layer atoms (columns of Phi), each scaled by its own max |value|, grey = 0.`);
      report.addText(
        "Layer 1 numbers",
        `Held-out reconstruction MSE ${evaluation.layer1Mse.toPrecision(4)} per pixel, mean L0 ${evaluation.layer1L0.toFixed(1)} of ${M} atoms (lambda ${config.lambda}, ${config.inferenceIterations} LCA iterations, ${config.dictionarySteps} dictionary steps).`,
      );
      report.addSection("Training and inference");
      report.addPlot("layer1-training", lineChart([{ name: "reconstruction MSE (batch)", x: layer1.map((r) => r.step), y: layer1.map((r) => r.reconstructionMse) }], { title: "Layer 1: reconstruction error per dictionary step", xTitle: "step", yTitle: "MSE per pixel", logY: "auto" }));
      report.addPlot(
        "layer2-training",
        lineChart([{ name: "NLL given MAP c (batch)", x: layer2.map((r) => r.step), y: layer2.map((r) => r.nll) }, { name: "energy incl. lambda2 ||c||_1", x: layer2.map((r) => r.step), y: layer2.map((r) => r.energy) }], {
          title: "Layer 2: energy per learning step",
          subtitle: `layer 1 alone on held-out patches: ${evaluation.real.base.toFixed(1)} nats/patch`,
          xTitle: "step",
          yTitle: "nats per patch",
        }),
      );
      if (evaluation.real.energy) {
        report.addPlot("layer2-inference", lineChart([{ name: "energy (held-out mean)", x: evaluation.real.energy.map((_, i) => i + 1), y: evaluation.real.energy }], { title: "Layer 2 inference (ISTA with backtracking) on held-out patches", xTitle: "iteration", yTitle: "nats per patch" }));
      }
      report.addPlot("gain-histogram", histogramChart(evaluation.real.gainPerPatch, { title: "Per-patch gain over layer 1 (held-out)", xTitle: "NLL(layer 1) - NLL(two layers | c), nats", yTitle: "patches", bins: 40 }));

      report.setMetrics({
        nllLayer1: evaluation.real.base,
        nllTwoLayers: evaluation.real.two,
        nllTwoLayersWithCodeCost: evaluation.real.twoWithCodeCost,
        gainNats: gain,
        gainBits: gain / Math.LN2,
        gainWithCodeCostNats: gainCost,
        gainOverControlNats: gain - controlGain,
        controlGainNats: controlGain,
        controlGainWithCodeCostNats: evaluation.control.base - evaluation.control.twoWithCodeCost,
        layer2MeanL0: evaluation.real.l0,
        layer2ActiveUnits: active.length,
        layer1MeanL0: evaluation.layer1L0,
        layer1Mse: evaluation.layer1Mse,
        floor,
        orientationSpread: o["second-layer groups"],
        orientationSpreadRandom: o["random groups"],
        positionSpread: spreadTable[1]!["second-layer groups"],
        positionSpreadRandom: spreadTable[1]!["random groups"],
        logFrequencySpread: spreadTable[2]!["second-layer groups"],
        logFrequencySpreadRandom: spreadTable[2]!["random groups"],
        unitUsage: evaluation.real.usage,
        selection: "nothing is selected on held-out patches: all settings are fixed defaults; held-out patches only evaluate",
      });
    } finally {
      tf.dispose(owned);
      coder?.dispose();
      learner.dispose();
      trainX.dispose();
      evalX.dispose();
    }
  },
});
