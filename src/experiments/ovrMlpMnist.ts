import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { disposeLabelledData, loadMnist } from "../data/node.js";
import { OVR_REDUCTIONS } from "../objectives/ovrOverlap.js";
import { deriveSeed } from "../random/index.js";
import { errorBandChart, scatterChart } from "../report/node.js";
import type { HiddenPenalty } from "../models/Mlp.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { defineExperiment } from "./Experiment.js";
import { runMlpTrial, type MlpTrialResult } from "./mlpTrial.js";
import { formatSeedSummary, summarizeSeeds, type SeedSummary } from "./seedStatistics.js";

const configSchema = z.strictObject({
  /** Hidden units of the single ReLU layer (784-width-10). */
  width: z.number().int().min(2).default(512),
  /** OVR weights, one condition each. */
  lambdas: z.array(z.number().positive().finite()).min(1).default([1e-6, 1e-5, 1e-4]),
  ovrReduction: z.enum(OVR_REDUCTIONS).default("sum"),
  /** Dropout rate of the dropout condition (on the hidden layer). */
  dropout: z.number().min(0).lt(1).default(0.5),
  seeds: z.number().int().min(1).default(3),
  /** Digits of the mnist package (10,000 in all) for training and testing; a fixed seeded split. */
  trainSize: z.number().int().min(2).default(8000),
  /**
   * The last validationSize of the training digits are held out of training: lambda is chosen by
   * their mean accuracy over seeds. The test digits choose nothing.
   */
  validationSize: z.number().int().min(1).default(1500),
  testSize: z.number().int().min(2).default(2000),
  epochs: z.number().int().min(1).default(5),
  batchSize: z.number().int().min(2).default(128),
  learningRate: z.number().positive().default(1e-3),
});

type Config = z.output<typeof configSchema>;

interface Condition {
  name: string;
  dropout: number;
  penalty?: HiddenPenalty;
}

/**
 * SPEC §3 / §5.3 (seed 001 used CIFAR-10; here the MNIST digits of the mnist package): an MLP
 * trained with cross-entropy + lambda * OVR(H) against no regularisation and against dropout at
 * the same width.
 */
export const ovrMlpMnist = defineExperiment({
  name: "ovr-mlp-mnist",
  title: "MNIST: OVR-regularised MLP vs dropout vs no regularisation (seed 001)",
  description:
    "784-K-10 ReLU MLP (Adam, softmax cross-entropy) on the MNIST digits of the mnist package: no regularisation, dropout on " +
    "the hidden layer, and cross_entropy + lambda * OVR(H) (SPEC §1.4, ovrOverlap from the objective registry) for several " +
    "lambda, all at the same width and with the same initial weights and batch order per seed. Test accuracy and held-out " +
    "hidden sparsity, mean ± std over seeds; lambda is chosen on validation digits split off the training digits, never on the test digits. " +
    "Checks the seed's claim that OVR matches dropout (SPEC §5.3; the source used CIFAR-10).",
  configSchema,
  quick: { width: 16, lambdas: [1e-5, 1e-4], seeds: 2, trainSize: 240, validationSize: 40, testSize: 100, epochs: 2, batchSize: 50 },
  async run(config: Config, ctx, report) {
    const cpu0 = process.cpuUsage();
    const conditions: Condition[] = [
      { name: "none", dropout: 0 },
      { name: `dropout ${config.dropout}`, dropout: config.dropout },
      ...config.lambdas.map((l) => ({
        name: `ovr ${l}`,
        dropout: 0,
        penalty: { objective: "ovr", weight: l, options: { reduction: config.ovrReduction } },
      })),
    ];
    if (config.validationSize >= config.trainSize - 1) {
      throw new SparsekitError(`ovr-mlp-mnist: validationSize (${config.validationSize}) must leave training digits (trainSize ${config.trainSize}).`);
    }
    const { train, test } = loadMnist({ trainSize: config.trainSize, testSize: config.testSize });
    const fitN = config.trainSize - config.validationSize;
    // loadMnist's split is seeded and shuffled: its tail is a random subset of the training digits.
    const part = (from: number, n: number) => ({
      x: tf.slice(train.x, [from, 0], [n, -1]),
      y: tf.slice(train.y as tf.Tensor2D, [from, 0], [n, -1]) as tf.Tensor2D,
      labels: train.labels.slice(from, from + n),
    });
    const fitData = part(0, fitN);
    const validationData = part(fitN, config.validationSize);
    const results: MlpTrialResult[][] = conditions.map(() => []);
    try {
      const trainData = fitData;
      const testData = { x: test.x, y: test.y as tf.Tensor2D, labels: test.labels };
      for (let s = 0; s < config.seeds; s++) {
        for (const [ci, c] of conditions.entries()) {
          const r = await report.time("training", () =>
            runMlpTrial({
              train: trainData,
              validation: validationData,
              test: testData,
              hiddenSizes: [config.width],
              dropout: c.dropout,
              initSeed: deriveSeed(ctx.seed, "init", s),
              trainSeed: deriveSeed(ctx.seed, "train", s),
              epochs: config.epochs,
              batchSize: config.batchSize,
              learningRate: config.learningRate,
              ...(c.penalty ? { penalty: c.penalty } : {}),
              checkpointDir: join(ctx.checkpointDir, `cond${ci}-s${s}`),
              checkpointEvery: 1,
              resume: ctx.resume,
              trackEpochs: true,
            }),
          );
          results[ci][s] = r;
          ctx.log(
            `ovr-mlp-mnist seed ${s}, ${c.name}: validation acc ${r.validationAccuracy.toFixed(4)}, test acc ${r.testAccuracy.toFixed(4)}, zeros ${r.fractionZeros.toFixed(3)}, hoyer ${r.hoyer.toFixed(3)}${r.diverged ? " (diverged)" : ""}`,
          );
        }
      }
    } finally {
      tf.dispose([fitData.x, fitData.y, validationData.x, validationData.y]);
      disposeLabelledData(train);
      disposeLabelledData(test);
    }

    const epochX = Array.from({ length: config.epochs }, (_, i) => i + 1);
    // A diverged run has fewer epoch records: pad with NaN so it shows as a gap.
    const perEpoch = (ci: number, key: string) =>
      results[ci].map((r) => epochX.map((e) => r.epochs.find((x) => x.epoch === e)?.[key] ?? NaN));

    const metricNames = ["validationAccuracy", "testAccuracy", "trainAccuracy", "fractionZeros", "liveFractionZeros", "hoyer", "deadFraction", "finalLoss"] as const;
    const rows: Record<string, unknown>[] = [];
    const summaries: Record<string, SeedSummary>[] = [];
    for (const [ci, c] of conditions.entries()) {
      const row: Record<string, unknown> = { condition: c.name, dropout: c.dropout, lambda: c.penalty?.weight ?? 0 };
      const sums: Record<string, SeedSummary> = {};
      for (const m of metricNames) {
        sums[m] = summarizeSeeds(results[ci].map((r) => r[m]));
        row[m] = sums[m];
      }
      row.diverged = results[ci].filter((r) => r.diverged).length;
      summaries.push(sums);
      rows.push(row);
    }

    // lambda chosen by mean validation accuracy (validation digits come from the training digits).
    const ovrIdx = conditions.map((c, i) => (c.penalty ? i : -1)).filter((i) => i >= 0);
    const valMean = (i: number) => (Number.isFinite(summaries[i].validationAccuracy.mean) ? summaries[i].validationAccuracy.mean : -Infinity);
    const chosen = ovrIdx.reduce((b, i) => (valMean(i) > valMean(b) ? i : b), ovrIdx[0]);
    const compare = (a: number, b: number) => {
      const d = summarizeSeeds(results[a].map((r, s) => r.testAccuracy - results[b][s].testAccuracy));
      // Two standard errors of the paired difference: a rough 95% band for "within seed noise".
      const se = d.n > 1 ? d.std / Math.sqrt(d.n) : NaN;
      const call = !Number.isFinite(se) ? "undetermined (one seed)" : Math.abs(d.mean) <= 2 * se ? "within seed noise" : d.mean > 0 ? "higher" : "lower";
      return { difference: d, verdict: call };
    };
    const vsDropout = compare(chosen, 1);
    const vsNone = compare(chosen, 0);
    const dropoutVsNone = compare(1, 0);
    const held = vsDropout.verdict.startsWith("undetermined") ? null : vsDropout.verdict !== "lower";
    const acc = (i: number) => formatSeedSummary(summaries[i].testAccuracy, 4);
    const lambdaChosen = conditions[chosen].penalty!.weight;

    report.setHeadline(
      `With lambda = ${lambdaChosen} chosen on ${config.validationSize} validation digits, OVR reaches test accuracy ${acc(chosen)} against ${acc(1)} for ${conditions[1].name} ` +
        `and ${acc(0)} without regularisation (mean ± std over ${config.seeds} seeds): ${vsDropout.verdict} than dropout; ` +
        `hidden zeros ${formatSeedSummary(summaries[chosen].fractionZeros, 2)} vs ${formatSeedSummary(summaries[1].fractionZeros, 2)} and ${formatSeedSummary(summaries[0].fractionZeros, 2)}.`,
    );
    report.addPlot(
      "accuracy-vs-sparsity",
      scatterChart(
        conditions.map((c, ci) => ({ name: c.name + (ci === chosen ? " (chosen)" : ""), x: results[ci].map((r) => r.fractionZeros), y: results[ci].map((r) => r.testAccuracy) })),
        { title: "Test accuracy against hidden sparsity, one point per seed", xTitle: "fraction of zero hidden activations (test digits)", yTitle: "test accuracy" },
      ),
      "Each point is one trained network; the OVR weight marked (chosen) was picked by validation accuracy.",
      { lead: true },
    );
    const baseline = summaries[0].testAccuracy.mean;
    report.addTable(
      "summary",
      conditions.map((c, ci) => ({
        condition: c.name + (ci === chosen ? " (chosen on validation)" : ""),
        "validation acc": formatSeedSummary(summaries[ci].validationAccuracy, 4),
        "test acc": acc(ci),
        "test acc − none": ci === 0 ? "—" : formatSeedSummary(compare(ci, 0).difference, 4),
        "test acc − dropout": ci === 1 ? "—" : formatSeedSummary(compare(ci, 1).difference, 4),
        "fraction zeros": formatSeedSummary(summaries[ci].fractionZeros, 3),
        hoyer: formatSeedSummary(summaries[ci].hoyer, 3),
        "dead units": formatSeedSummary(summaries[ci].deadFraction, 3),
      })),
      `784-${config.width}-10, ${config.epochs} epochs on ${fitN} training digits; validation = ${config.validationSize} further training digits (selection only); test = ${config.testSize} digits (reporting only). ` +
        `Mean ± std over ${config.seeds} seeds; differences are paired by seed (same initial weights and batch order). No regularisation reaches ${baseline.toFixed(4)} on test.`,
      { lead: true },
    );

    report.addSection("Accuracy and sparsity during training");
    report.addPlot(
      "validation-accuracy-per-epoch",
      errorBandChart(conditions.map((c, ci) => ({ name: c.name, runs: perEpoch(ci, "validationAccuracy"), x: epochX })), {
        title: `Validation accuracy (selects lambda), 784-${config.width}-10`,
        xTitle: "epoch",
        yTitle: "validation accuracy (mean ± std)",
      }),
      "Accuracy on the validation digits after every epoch, band = ± 1 std over seeds.",
    );
    report.addPlot(
      "test-accuracy-per-epoch",
      errorBandChart(conditions.map((c, ci) => ({ name: c.name, runs: perEpoch(ci, "testAccuracy"), x: epochX })), {
        title: `Test accuracy (reported only), 784-${config.width}-10`,
        xTitle: "epoch",
        yTitle: "test accuracy (mean ± std)",
      }),
      "Held-out accuracy after every epoch, band = ± 1 std over seeds. Epochs are fixed, not chosen.",
    );
    report.addPlot(
      "fraction-zeros-per-epoch",
      errorBandChart(conditions.map((c, ci) => ({ name: c.name, runs: perEpoch(ci, "fractionZeros"), x: epochX })), {
        title: "Held-out fraction of zero hidden activations",
        xTitle: "epoch",
        yTitle: "fraction of zeros (mean ± std)",
      }),
      "Sparsity of the hidden codes of the test digits (no dropout at evaluation).",
    );

    const lines = [
      `Selection: lambda = ${lambdaChosen} has the highest mean validation accuracy (${formatSeedSummary(summaries[chosen].validationAccuracy, 4)}) among ${ovrIdx.map((i) => conditions[i].penalty!.weight).join(", ")}; ` +
        `validation digits are the last ${config.validationSize} of the ${config.trainSize} training digits, which the networks never train on. Epochs (${config.epochs}) and all other settings are fixed. The test digits choose nothing.`,
      `OVR (chosen lambda) vs ${conditions[1].name}: paired test difference ${formatSeedSummary(vsDropout.difference, 4)} -> ${vsDropout.verdict}.`,
      `OVR (chosen lambda) vs no regularisation: ${formatSeedSummary(vsNone.difference, 4)} -> ${vsNone.verdict}.`,
      `${conditions[1].name} vs no regularisation: ${formatSeedSummary(dropoutVsNone.difference, 4)} -> ${dropoutVsNone.verdict}.`,
      `Seed claim "OVR regularisation performs on par with dropout": ${held === null ? "undetermined" : held ? "held" : "did not hold"} here (${vsDropout.verdict}).`,
    ];
    report.addText("Selection and seed claims", lines.join("\n\n"));
    const cpu = process.cpuUsage(cpu0);
    report.setMetrics({
      chosenOvrLambda: lambdaChosen,
      selectedOn: `validation: last ${config.validationSize} of ${config.trainSize} training digits`,
      chosenTestAccuracy: summaries[chosen].testAccuracy.mean,
      chosenTestAccuracyStd: summaries[chosen].testAccuracy.std,
      dropoutTestAccuracy: summaries[1].testAccuracy.mean,
      noneTestAccuracy: summaries[0].testAccuracy.mean,
      byCondition: Object.fromEntries(
        conditions.map((c, ci) => [c.name, Object.fromEntries(metricNames.map((m) => [m, summaries[ci][m].mean]))]),
      ),
      results: rows,
      claims: {
        ovrVsDropout: vsDropout,
        ovrVsNone: vsNone,
        dropoutVsNone,
        ovrMatchesDropoutHeld: held,
        text: lines,
      },
      perEpoch: conditions.map((c, ci) => ({ condition: c.name, epochs: results[ci].map((r) => r.epochs) })),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    });
  },
});
