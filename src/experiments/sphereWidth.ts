import { z } from "zod";
import { errorBandChart } from "../report/node.js";
import { defineExperiment, type TrialSpec } from "./Experiment.js";
import type { MlpTrialResult } from "./mlpTrial.js";
import { runSphereTrial } from "./sphereTrial.js";
import { formatSeedSummary, summarizeSeeds } from "./seedStatistics.js";
import { seedTrend, type SeedTrend } from "./seedTrend.js";
import { partitionGrid } from "./sphereSplit.js";

const configSchema = z.strictObject({
  /** Hidden units of the single ReLU layer. */
  widths: z.array(z.number().int().min(2).max(8192)).min(1).default([8, 16, 32, 64, 128, 256, 512]),
  /** Partition counts M(N+1), each cut into bands x sectors by partitionGrid (4 = 2x2, 16 = 4x4, 64 = 8x8, 256 = 16x16). */
  partitions: z.array(z.number().int().min(1)).min(1).default([4, 16, 64, 256]),
  /** Seeds per (partitions, width): each seed draws its own sphere data, initial weights and batch order. */
  seeds: z.number().int().min(1).default(3),
  trainSize: z.number().int().min(2).default(5000),
  testSize: z.number().int().min(2).default(1000),
  classes: z.number().int().min(2).default(10),
  epochs: z.number().int().min(1).default(15),
  batchSize: z.number().int().min(1).default(250),
  learningRate: z.number().positive().default(1e-2),
});

type Config = z.output<typeof configSchema>;
/** One trial: one partition count, width and replicate (seed index) with the settings it depends on. */
type TrialConfig = Omit<Config, "widths" | "partitions" | "seeds"> & { partitions: number; width: number; replicate: number };
type SphereWidthTrialResult = MlpTrialResult & { cpuSeconds: number };
const METRICS = ["fractionZeros", "hoyer", "liveFractionZeros", "deadFraction", "testAccuracy", "trainAccuracy"] as const;
type MetricName = (typeof METRICS)[number];

function label(p: number): string {
  const g = partitionGrid(p);
  // Short: Vega-Lite truncates legend labels past ~160 px.
  return `P=${p} (${g.latBands}x${g.lonSectors})`;
}

function verdict(trends: SeedTrend[], what: string): string {
  const rises = trends.filter((t) => t.direction === "rises").length;
  const falls = trends.filter((t) => t.direction === "falls").length;
  if (rises === trends.length) return `held: ${what} in all ${trends.length} cases (every seed)`;
  if (rises === 0) return `did not hold: ${what} in none of ${trends.length} cases (${falls} fall consistently, ${trends.length - falls} mixed across seeds)`;
  return `partly: ${what} in ${rises} of ${trends.length} cases (${falls} fall consistently, ${trends.length - rises - falls} mixed)`;
}

/**
 * Seed 001 / SPEC §5.1: sparsity of the hidden layer of a one-hidden-layer ReLU MLP on the sphere
 * data, against the number of hidden units and the number of partitions of the sphere.
 */
export const sphereWidth = defineExperiment({
  name: "sphere-width",
  title: "Sphere: hidden sparsity vs width and number of partitions (seed 001)",
  description:
    "One-hidden-layer ReLU MLP (softmax cross-entropy, Adam) on points of the unit sphere whose M(N+1) partitions carry random " +
    "classes (SPEC §4). Held-out sparsity of the hidden codes (fraction of zeros, Hoyer) against hidden units, one line per " +
    "partition count, mean ± std over seeds, plus test accuracy. Checks the seed's claim that sparsity rises with width and " +
    "with the number of partitions (SPEC §5.1).",
  configSchema,
  quick: { widths: [8, 16], partitions: [4, 16], seeds: 2, trainSize: 300, testSize: 100, epochs: 2, batchSize: 100 },
  grid: {
    trials(config: Config, seed: number): TrialSpec[] {
      const { widths: _w, partitions: _p, seeds: _s, ...shared } = config;
      const trials: TrialSpec[] = [];
      for (const p of config.partitions) {
        for (let s = 0; s < config.seeds; s++) {
          for (const width of config.widths) {
            const c: TrialConfig = { ...shared, partitions: p, width, replicate: s };
            trials.push({ label: `p${p}-w${width}-s${s}`, config: c as unknown as Record<string, unknown>, seed });
          }
        }
      }
      return trials;
    },
    async runTrial(trial, ctx): Promise<SphereWidthTrialResult> {
      const c = trial.config as unknown as TrialConfig;
      const s = c.replicate;
      const r = await runSphereTrial(c, trial.seed, ctx, undefined);
      ctx.log(
        `sphere-width: partitions ${c.partitions}, width ${c.width}, seed ${s}: test acc ${r.testAccuracy.toFixed(3)}, zeros ${r.fractionZeros.toFixed(3)}, hoyer ${r.hoyer.toFixed(3)}${r.diverged ? " (diverged)" : ""}`,
      );
      return r;
    },
    async reduce(config: Config, trials, _ctx, report) {
    const widthsX = config.widths.map((w) => Math.log2(w));
    const partsX = config.partitions.map((p) => Math.log2(p));
    // results[pi][wi][s]
    const results: SphereWidthTrialResult[][][] = config.partitions.map((p) =>
      config.widths.map((width) => Array.from({ length: config.seeds }, (_, s) => trials.get(`p${p}-w${width}-s${s}`))),
    );

    // runs(metric, pi)[s][wi]
    const runs = (m: MetricName, pi: number): number[][] =>
      Array.from({ length: config.seeds }, (_, s) => config.widths.map((_, wi) => results[pi][wi][s][m]));
    const band = (m: MetricName) => config.partitions.map((p, pi) => ({ name: label(p), runs: runs(m, pi), x: widthsX }));
    const xTitle = "log2(hidden units)";
    report.addSection("Sparsity against width");
    report.addPlot(
      "fraction-zeros-vs-width",
      errorBandChart(band("fractionZeros"), { title: "Held-out fraction of zero hidden activations", xTitle, yTitle: "fraction of zeros (mean ± std)" }),
      "Fraction of exact zeros in the hidden codes of the test points, against log2 of the hidden units; one line per partition count P = M(N+1) (bands x sectors), band = ± 1 std over seeds. Dead units count as zeros.",
      { lead: true },
    );
    report.addPlot(
      "hoyer-vs-width",
      errorBandChart(band("hoyer"), { title: "Held-out Hoyer sparsity of the hidden codes", xTitle, yTitle: "Hoyer sparsity (mean ± std)" }),
      "Hoyer sparsity (sqrt(K) - L1/L2) / (sqrt(K) - 1) per test point, averaged.",
    );
    report.addPlot(
      "live-fraction-zeros-vs-width",
      errorBandChart(band("liveFractionZeros"), { title: "Fraction of zeros among live units", xTitle, yTitle: "fraction of zeros, live units" }),
      "As the first plot, with units that never fire on the test set left out: sparsity that is not just dead units.",
    );
    report.addPlot(
      "test-accuracy-vs-width",
      errorBandChart(band("testAccuracy"), { title: "Test accuracy", xTitle, yTitle: "test accuracy (mean ± std)" }),
      "Held-out classification accuracy. Few partitions carry fewer distinct classes, so chance level differs between lines.",
    );

    const rows: Record<string, unknown>[] = [];
    const table: Record<string, unknown>[] = [];
    for (const [pi, p] of config.partitions.entries()) {
      const g = partitionGrid(p);
      for (const [wi, width] of config.widths.entries()) {
        const trial = results[pi][wi];
        const row: Record<string, unknown> = { partitions: p, latBands: g.latBands, lonSectors: g.lonSectors, width };
        const shown: Record<string, unknown> = { partitions: p, grid: `${g.latBands}x${g.lonSectors}`, width };
        for (const m of METRICS) {
          const sum = summarizeSeeds(trial.map((t) => t[m]));
          row[m] = sum;
          shown[m] = formatSeedSummary(sum);
        }
        row.diverged = trial.filter((t) => t.diverged).length;
        rows.push(row);
        table.push(shown);
      }
    }
    report.addTable("results", table, `Mean ± std over ${config.seeds} seeds of held-out numbers per partition count and width (test points; nothing is chosen, every setting is reported).`, { lead: true });

    // Trends: slope per doubling, per seed.
    const trendRows: Record<string, unknown>[] = [];
    const trends: Record<string, unknown> = { vsWidth: {}, vsPartitions: {} };
    const claimText: string[] = [];
    for (const m of ["fractionZeros", "hoyer", "liveFractionZeros"] as const) {
      const byP = config.partitions.map((p, pi) => {
        const t = seedTrend(widthsX, runs(m, pi));
        trendRows.push({ metric: m, along: "width", at: label(p), slopePerDoubling: formatSeedSummary(t.slope, 4), direction: t.direction });
        return t;
      });
      const byW = config.widths.map((w, wi) => {
        const perSeed = Array.from({ length: config.seeds }, (_, s) => config.partitions.map((_, pi) => results[pi][wi][s][m]));
        const t = seedTrend(partsX, perSeed);
        trendRows.push({ metric: m, along: "partitions", at: `${w} hidden units`, slopePerDoubling: formatSeedSummary(t.slope, 4), direction: t.direction });
        return t;
      });
      (trends.vsWidth as Record<string, unknown>)[m] = config.partitions.map((p, i) => ({ partitions: p, ...byP[i] }));
      (trends.vsPartitions as Record<string, unknown>)[m] = config.widths.map((w, i) => ({ width: w, ...byW[i] }));
      if (config.widths.length > 1) claimText.push(`${m} vs width: ${verdict(byP, "rises with width")}.`);
      if (config.partitions.length > 1) claimText.push(`${m} vs partitions: ${verdict(byW, "rises with the number of partitions")}.`);
    }
    report.addTable(
      "trends",
      trendRows,
      "Least-squares slope of each sparsity measure per doubling of width (or of the partition count), per seed; 'rises'/'falls' only when every seed agrees.",
    );
    const zerosClaims = claimText.filter((t) => t.startsWith("fractionZeros"));
    report.setHeadline(
      `Seed 001's claim that hidden sparsity rises with width and with the number of partitions, on the partitioned sphere (${config.seeds} seeds, held-out points): ` +
        (zerosClaims.length ? zerosClaims.map((t) => t.replace(/\.$/, "")).join("; ") : "one width and one partition count, no trend to test") + ".",
    );
    const claims = {
      sparsityRisesWithWidth: claimText.filter((t) => t.includes("vs width")),
      sparsityRisesWithPartitions: claimText.filter((t) => t.includes("vs partitions")),
    };
    report.addText(
      "Seed claim: sparsity rises with width and with the number of partitions",
      [
        ...claimText,
        `Setting: ${config.trainSize} training / ${config.testSize} test points, ${config.classes} classes, Adam lr ${config.learningRate}, batch ${config.batchSize}, ${config.epochs} epochs, ${config.seeds} seeds; sparsity measured on the test points.`,
      ].join("\n\n"),
    );
    report.setMetrics({ results: rows, trends, claims, cpuSeconds: results.flat(2).reduce((a, r) => a + r.cpuSeconds, 0) });
    },
  },
});
