import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { disposeLabelledData, loadMnist } from "../data/node.js";
import { OVR_REDUCTIONS } from "../objectives/ovrOverlap.js";
import { deriveSeed } from "../random/index.js";
import { errorBandChart, scatterChart } from "../report/node.js";
import type { HiddenPenalty } from "../models/Mlp.js";
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
    "hidden sparsity, mean ± std over seeds. Checks the seed's claim that OVR matches dropout (SPEC §5.3; the source used CIFAR-10).",
  configSchema,
  quick: { width: 16, lambdas: [1e-4], seeds: 2, trainSize: 200, testSize: 100, epochs: 2, batchSize: 50 },
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
    const { train, test } = loadMnist({ trainSize: config.trainSize, testSize: config.testSize });
    const results: MlpTrialResult[][] = conditions.map(() => []);
    try {
      const trainData = { x: train.x, y: train.y as tf.Tensor2D, labels: train.labels };
      const testData = { x: test.x, y: test.y as tf.Tensor2D, labels: test.labels };
      for (let s = 0; s < config.seeds; s++) {
        for (const [ci, c] of conditions.entries()) {
          const r = await report.time("training", () =>
            runMlpTrial({
              train: trainData,
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
            `ovr-mlp-mnist seed ${s}, ${c.name}: test acc ${r.testAccuracy.toFixed(4)}, zeros ${r.fractionZeros.toFixed(3)}, hoyer ${r.hoyer.toFixed(3)}${r.diverged ? " (diverged)" : ""}`,
          );
        }
      }
    } finally {
      disposeLabelledData(train);
      disposeLabelledData(test);
    }

    const epochX = Array.from({ length: config.epochs }, (_, i) => i + 1);
    // A diverged run has fewer epoch records: pad with NaN so it shows as a gap.
    const perEpoch = (ci: number, key: string) =>
      results[ci].map((r) => epochX.map((e) => r.epochs.find((x) => x.epoch === e)?.[key] ?? NaN));
    report.addSection("Accuracy and sparsity during training");
    report.addPlot(
      "test-accuracy-per-epoch",
      errorBandChart(conditions.map((c, ci) => ({ name: c.name, runs: perEpoch(ci, "testAccuracy"), x: epochX })), {
        title: `Test accuracy, 784-${config.width}-10`,
        xTitle: "epoch",
        yTitle: "test accuracy (mean ± std)",
      }),
      "Held-out accuracy after every epoch, band = ± 1 std over seeds.",
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
    report.addPlot(
      "accuracy-vs-sparsity",
      scatterChart(
        conditions.map((c, ci) => ({ name: c.name, x: results[ci].map((r) => r.fractionZeros), y: results[ci].map((r) => r.testAccuracy) })),
        { title: "Final test accuracy against hidden sparsity, one point per seed", xTitle: "fraction of zeros (test)", yTitle: "test accuracy" },
      ),
      "Each point is one trained network.",
    );

    const metricNames = ["testAccuracy", "trainAccuracy", "fractionZeros", "liveFractionZeros", "hoyer", "deadFraction", "finalLoss"] as const;
    const rows: Record<string, unknown>[] = [];
    const table: Record<string, unknown>[] = [];
    const summaries: Record<string, SeedSummary>[] = [];
    for (const [ci, c] of conditions.entries()) {
      const row: Record<string, unknown> = { condition: c.name, dropout: c.dropout, lambda: c.penalty?.weight ?? 0 };
      const shown: Record<string, unknown> = { condition: c.name };
      const sums: Record<string, SeedSummary> = {};
      for (const m of metricNames) {
        sums[m] = summarizeSeeds(results[ci].map((r) => r[m]));
        row[m] = sums[m];
        shown[m] = formatSeedSummary(sums[m], m === "testAccuracy" || m === "trainAccuracy" ? 4 : 3);
      }
      row.diverged = results[ci].filter((r) => r.diverged).length;
      summaries.push(sums);
      rows.push(row);
      table.push(shown);
    }
    report.addTable("results", table, `784-${config.width}-10, ${config.epochs} epochs, ${config.trainSize}/${config.testSize} digits, mean ± std over ${config.seeds} seeds.`);

    // OVR vs dropout and vs none, paired over seeds (same initial weights and batch order).
    const ovrIdx = conditions.map((c, i) => (c.penalty ? i : -1)).filter((i) => i >= 0);
    const best = ovrIdx.reduce((b, i) => (summaries[i].testAccuracy.mean > summaries[b].testAccuracy.mean ? i : b), ovrIdx[0]);
    const compare = (a: number, b: number) => {
      const d = summarizeSeeds(results[a].map((r, s) => r.testAccuracy - results[b][s].testAccuracy));
      // Two standard errors of the paired difference: a rough 95% band for "within seed noise".
      const se = d.n > 1 ? d.std / Math.sqrt(d.n) : NaN;
      const call = !Number.isFinite(se) ? "undetermined (one seed)" : Math.abs(d.mean) <= 2 * se ? "within seed noise" : d.mean > 0 ? "higher" : "lower";
      return { difference: d, verdict: call };
    };
    const vsDropout = compare(best, 1);
    const vsNone = compare(best, 0);
    const dropoutVsNone = compare(1, 0);
    const held = vsDropout.verdict.startsWith("undetermined") ? null : vsDropout.verdict !== "lower";
    const lines = [
      `Best OVR weight by mean test accuracy: lambda = ${conditions[best].penalty!.weight} (${formatSeedSummary(summaries[best].testAccuracy, 4)}); chosen on the test set, so this is optimistic for OVR.`,
      `OVR (best lambda) vs ${conditions[1].name}: paired difference ${formatSeedSummary(vsDropout.difference, 4)} -> ${vsDropout.verdict}.`,
      `OVR (best lambda) vs no regularisation: ${formatSeedSummary(vsNone.difference, 4)} -> ${vsNone.verdict}.`,
      `${conditions[1].name} vs no regularisation: ${formatSeedSummary(dropoutVsNone.difference, 4)} -> ${dropoutVsNone.verdict}.`,
      `Hidden sparsity (fraction of zeros on test digits): none ${formatSeedSummary(summaries[0].fractionZeros)}, ${conditions[1].name} ${formatSeedSummary(summaries[1].fractionZeros)}, ` +
        ovrIdx.map((i) => `${conditions[i].name} ${formatSeedSummary(summaries[i].fractionZeros)}`).join(", ") + ".",
      `Seed claim "OVR regularisation performs on par with dropout": ${held === null ? "undetermined" : held ? "held" : "did not hold"} here (${vsDropout.verdict}).`,
    ];
    report.addText("Seed claims", lines.join("\n\n"));
    const cpu = process.cpuUsage(cpu0);
    report.setMetrics({
      results: rows,
      claims: {
        bestOvrLambda: conditions[best].penalty!.weight,
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
