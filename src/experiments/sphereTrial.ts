import { deriveSeed } from "../random/index.js";
import type { TrialContext } from "./Experiment.js";
import { runMlpTrial, type MlpTrialOptions, type MlpTrialResult } from "./mlpTrial.js";
import { sphereSplit } from "./sphereSplit.js";

/** One sphere trial's settings: data (partitions, sizes, replicate) and the MLP's width and training. */
export interface SphereTrialConfig {
  partitions: number;
  trainSize: number;
  testSize: number;
  classes: number;
  replicate: number;
  width: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
}

export type SphereTrialResult = MlpTrialResult & { cpuSeconds: number };

/**
 * The trial sphere-width and sphere-lambda share: partitioned-sphere data and a one-hidden-layer
 * ReLU MLP, seeded so that every setting of one replicate sees the same data, initial weights and
 * batch order (paired comparisons), with an optional activity penalty.
 */
export async function runSphereTrial(c: SphereTrialConfig, seed: number, ctx: TrialContext, penalty?: MlpTrialOptions["penalty"]): Promise<SphereTrialResult> {
  const s = c.replicate;
  const cpu0 = process.cpuUsage();
  const split = sphereSplit({
    partitions: c.partitions,
    trainSize: c.trainSize,
    testSize: c.testSize,
    classes: c.classes,
    seed: deriveSeed(seed, "sphere-data", c.partitions, s),
  });
  try {
    const r = await runMlpTrial({
      train: split.train,
      test: split.test,
      hiddenSizes: [c.width],
      initSeed: deriveSeed(seed, "init", s, c.width),
      trainSeed: deriveSeed(seed, "train", s),
      epochs: c.epochs,
      batchSize: c.batchSize,
      learningRate: c.learningRate,
      ...(penalty ? { penalty } : {}),
      checkpointDir: ctx.checkpointDir,
      resume: ctx.resume,
      ...(ctx.trainCallbacks ? { callbacks: ctx.trainCallbacks } : {}),
    });
    const cpu = process.cpuUsage(cpu0);
    return { ...r, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    split.dispose();
  }
}
