import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { EpochRecord, TrainHistory } from "../../src/train/history.js";
import { glorotUniform } from "../../src/train/initializers.js";
import { createRng } from "../../src/random/index.js";
import { train, trainRunOptions, type LossTermsFn, type TrainOptions } from "../../src/train/train.js";
import { TrainingDivergedError } from "../../src/train/TrainingDivergedError.js";
import { ovrOverlap } from "../../src/objectives/ovrOverlap.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

let counter = 0;

/** A 3-8-2 tanh MLP with seeded weights; tf variable names are unique per call. */
function mlp(seed = 1): Record<string, tf.Variable> {
  const rng = createRng(seed);
  const id = counter++;
  return {
    w1: tf.variable(glorotUniform([3, 8], rng), true, `w1_${id}`),
    b1: tf.variable(tf.zeros([8]), true, `b1_${id}`),
    w2: tf.variable(glorotUniform([8, 2], rng), true, `w2_${id}`),
  };
}

function regressionData(n = 40): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = tf.randomUniform([n, 3], -1, 1, "float32", 11) as tf.Tensor2D;
  const y = tf.tidy(() => tf.concat([tf.sin(tf.sum(x, 1, true)), tf.mul(x.slice([0, 0], [n, 1]), 0.5)], 1)) as tf.Tensor2D;
  return { x, y };
}

function mlpLoss(v: Record<string, tf.Variable>, withNoise = false): LossTermsFn {
  return ({ x, y }, ctx) => {
    const input = withNoise ? tf.add(x, tf.randomNormal(x.shape, 0, 0.05, "float32", ctx.seed)) : x;
    const h = tf.tanh(tf.add(tf.matMul(input as tf.Tensor2D, v.w1), v.b1));
    const out = tf.matMul(h, v.w2);
    return {
      mse: tf.losses.meanSquaredError(y!, out) as tf.Scalar,
      l2: tf.mul(1e-3, tf.sum(tf.square(v.w1))) as tf.Scalar,
    };
  };
}

function values(v: Record<string, tf.Variable>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(v).map(([k, t]) => [k, Array.from(t.dataSync())]));
}

/** History without the wall-clock seconds, which are not reproducible. */
function stable(h: TrainHistory): Omit<EpochRecord, "seconds">[] {
  return h.epochs.map(({ seconds: _s, ...rest }) => rest);
}

async function tmpDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), "sparsekit-train-"));
}

const base = (v: Record<string, tf.Variable>, data: { x: tf.Tensor; y: tf.Tensor }): TrainOptions => ({
  variables: v,
  lossTerms: mlpLoss(v),
  data,
  epochs: 5,
  batchSize: 8,
  optimizer: { name: "adam", learningRate: 0.03 },
  seed: 7,
  progress: "none",
});

describe("train", () => {
  it("minimises the sum of the terms and records each term per epoch", async () => {
    const data = regressionData();
    const v = mlp();
    const h = await train({ ...base(v, data), epochs: 30 });
    expect(h.epochs).toHaveLength(30);
    expect(h.steps).toBe(30 * 5);
    expect(h.stopped).toBeUndefined();
    const first = h.epochs[0];
    const last = h.epochs[29];
    expect(Object.keys(last.terms)).toEqual(["mse", "l2"]);
    expect(last.loss).toBeCloseTo(last.terms.mse + last.terms.l2, 6);
    expect(last.terms.mse).toBeLessThan(first.terms.mse * 0.2);
    expect(last.steps).toBe(150);
  });

  it("gives identical histories and weights for the same seed, different ones for another seed", async () => {
    const data = regressionData();
    const a = mlp(3);
    const b = mlp(3);
    const c = mlp(3);
    const ha = await train(base(a, data));
    const hb = await train(base(b, data));
    const hc = await train({ ...base(c, data), seed: 8 });
    expect(stable(hb)).toEqual(stable(ha));
    expect(values(b)).toEqual(values(a));
    expect(stable(hc)).not.toEqual(stable(ha));
  });

  it("shuffles every epoch from the seed and keeps the last partial batch", async () => {
    const n = 10;
    const x = tf.range(0, n).reshape([n, 1]);
    const w = tf.variable(tf.ones([1, 1]), true, `w_shuffle_${counter++}`);
    const seenBatches: number[][] = [];
    const lossTerms: LossTermsFn = (batch) => {
      seenBatches.push(Array.from(batch.x.dataSync()));
      return { s: tf.sum(tf.matMul(batch.x, w)) as tf.Scalar };
    };
    await train({ variables: [w], lossTerms, data: { x }, epochs: 3, batchSize: 4, optimizer: { name: "sgd", learningRate: 0 }, progress: "none" });
    expect(seenBatches.map((b) => b.length)).toEqual([4, 4, 2, 4, 4, 2, 4, 4, 2]);
    const epochs = [0, 1, 2].map((e) => seenBatches.slice(3 * e, 3 * e + 3).flat());
    for (const e of epochs) expect([...e].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epochs[1]).not.toEqual(epochs[0]);
    expect(epochs[0]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    seenBatches.length = 0;
    await train({ variables: [w], lossTerms, data: { x }, epochs: 2, batchSize: 4, shuffle: false, optimizer: { name: "sgd", learningRate: 0 }, progress: "none" });
    expect(seenBatches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("stops on a NaN term, naming the step, epoch and term, before applying the update", async () => {
    const data = regressionData(40);
    const v = mlp();
    const inner = mlpLoss(v);
    let before: Record<string, number[]> = {};
    const err = await train({
      ...base(v, data),
      lossTerms: (batch, ctx) => {
        const terms = inner(batch, ctx);
        return { ...terms, kl: tf.mul(tf.sum(v.w2), ctx.step === 7 ? NaN : 0) as tf.Scalar };
      },
      callbacks: {
        onBatchEnd: () => {
          before = values(v);
        },
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect(err).toBeInstanceOf(SparsekitError);
    const e = err as TrainingDivergedError;
    expect(e.message).toBe("train: training diverged at step 7 (epoch 2): term 'kl' is NaN");
    expect(e.step).toBe(7);
    expect(e.epoch).toBe(2);
    expect(e.culprit).toEqual({ kind: "term", name: "kl", value: NaN });
    expect(e.history.epochs).toHaveLength(1);
    expect(e.history.steps).toBe(6);
    expect(e.history.stopped?.reason).toBe("diverged");
    expect(values(v)).toEqual(before);
  });

  it("reports infinite terms and variables that a NaN gradient corrupted", async () => {
    const w = tf.variable(tf.tensor2d([[0], [1]]), true, `w_inf_${counter++}`);
    const x = tf.ones([4, 1]);
    await expect(
      train({ variables: { w }, lossTerms: () => ({ big: tf.div(tf.sum(w), 0) as tf.Scalar }), data: { x }, epochs: 1, batchSize: 4, progress: "none" }),
    ).rejects.toThrow("train: training diverged at step 1 (epoch 1): term 'big' is +Infinity");

    // d/dw sqrt(w^2) at w = 0 is 0/0: the loss is finite, the update is NaN.
    const lossTerms: LossTermsFn = () => ({ abs: tf.sum(tf.sqrt(tf.square(w))) as tf.Scalar });
    await expect(
      train({ variables: { w }, lossTerms, data: { x }, epochs: 1, batchSize: 4, optimizer: { name: "sgd", learningRate: 0.1 }, progress: "none" }),
    ).rejects.toThrow("train: training diverged at step 1 (epoch 1): variable 'w' became non-finite after the update (1 NaN and 0 infinite value(s))");
    // With checkFinite "terms" the NaN variable goes unnoticed (documented trade-off).
    w.assign(tf.tensor2d([[0], [1]]));
    const h = await train({ variables: { w }, lossTerms, data: { x }, epochs: 1, batchSize: 4, optimizer: { name: "sgd", learningRate: 0.1 }, progress: "none", checkFinite: "terms" });
    expect(h.steps).toBe(1);
    expect(Number.isNaN(w.dataSync()[0])).toBe(true);
  });

  it("resumes from a checkpoint to exactly the weights of an uninterrupted run", async () => {
    const data = regressionData(44); // 6 batches of 8 per epoch, the last one of 4
    const opts = (v: Record<string, tf.Variable>, dir: string): TrainOptions => ({
      ...base(v, data),
      lossTerms: mlpLoss(v, true), // per-step noise from ctx.seed must also replay
      epochs: 6,
      checkpoint: { dir, every: 1 },
    });
    const full = mlp(5);
    const hFull = await train(opts(full, await tmpDir()));

    const dir = await tmpDir();
    const first = mlp(5);
    const hFirst = await train({ ...opts(first, dir), stopAfterSteps: 6 * 2 + 3 }); // crash mid epoch 3
    expect(hFirst.stopped).toMatchObject({ reason: "stopAfterSteps", epoch: 3, step: 15 });
    expect(hFirst.epochs).toHaveLength(2);
    expect(JSON.parse(await fs.readFile(path.join(dir, "latest.json"), "utf8"))).toEqual({ checkpoint: "epoch-000002" });

    const resumed = mlp(99); // different initial values: everything must come from the checkpoint
    const hResumed = await train({ ...opts(resumed, dir), resume: true });
    expect(hResumed.resumedFrom).toEqual({ epoch: 2, step: 12, checkpoint: "epoch-000002" });
    expect(hResumed.steps).toBe(hFull.steps);
    expect(values(resumed)).toEqual(values(full));
    expect(stable(hResumed)).toEqual(stable(hFull));
    expect(hResumed.stopped).toBeUndefined();
    // keep = 2 by default
    expect((await fs.readdir(dir)).sort()).toEqual(["epoch-000005", "epoch-000006", "latest.json"]);

    // Resuming a finished run is a no-op that returns its history.
    const again = await train({ ...opts(mlp(5), dir), resume: true });
    expect(stable(again)).toEqual(stable(hFull));
    expect(again.steps).toBe(hFull.steps);
  });

  it("starts fresh when resume finds no checkpoint, and refuses an incompatible one", async () => {
    const data = regressionData();
    const dir = await tmpDir();
    const h = await train({ ...base(mlp(), data), epochs: 2, checkpoint: { dir }, resume: true });
    expect(h.resumedFrom).toBeUndefined();
    expect(h.epochs).toHaveLength(2);
    await expect(train({ ...base(mlp(), data), epochs: 3, batchSize: 4, checkpoint: { dir }, resume: true })).rejects.toThrow(
      /train: cannot resume from .*epoch-000002: batchSize: checkpoint 8, now 4/,
    );
    const v = mlp();
    await expect(
      train({ ...base(v, data), variables: { w1: v.w1, w2: v.w2 }, epochs: 3, checkpoint: { dir }, resume: true }),
    ).rejects.toThrow(/checkpoint has 3 variables, now 2/);
    await expect(train({ ...base(mlp(), data), resume: true })).rejects.toThrow(/option 'resume' needs option 'checkpoint'/);
  });

  it("does not leak tensors over 100 steps", async () => {
    const data = regressionData(40);
    const v = mlp();
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    await train({
      ...base(v, data),
      lossTerms: mlpLoss(v, true),
      epochs: 20, // 5 steps per epoch
      callbacks: { onBatchEnd: (info) => void (info.step % 10 === 0 && counts.push(tf.memory().numTensors)) },
      evaluate: () => ({ w2norm: tf.tidy(() => tf.norm(v.w2).dataSync()[0]) }),
    });
    expect(counts).toHaveLength(10);
    expect(new Set(counts).size).toBe(1);
    // The optimizer was created from a spec, so train() disposed it (and its accumulators).
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reads values back for checks only every valueCheckEvery steps (no dataSync stall per step)", async () => {
    const v = mlp();
    const x = tf.randomUniform([40, 3], 0, 1, "float32", 3);
    const lossTerms: LossTermsFn = ({ x: xb }) => {
      const h = tf.relu(tf.add(tf.matMul(xb as tf.Tensor2D, v.w1), v.b1));
      return { ovr: tf.mul(1e-3, ovrOverlap(h)) as tf.Scalar, fit: tf.mean(tf.square(tf.sub(tf.matMul(h, v.w2), 0.5))) as tf.Scalar };
    };
    const count = async (valueCheckEvery: number) => {
      const original = tf.Tensor.prototype.dataSync;
      let calls = 0;
      tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
        calls++;
        return original.call(this);
      } as typeof original;
      try {
        await train({ variables: v, lossTerms, data: { x }, epochs: 20, batchSize: 8, seed: 1, progress: "none", valueCheckEvery });
      } finally {
        tf.Tensor.prototype.dataSync = original;
      }
      return calls;
    };
    const everyStep = await count(1);
    const every50 = await count(50);
    // 100 steps: ovrOverlap's sign and NaN checks plus the variable check, each a read-back.
    expect(everyStep).toBeGreaterThanOrEqual(300);
    expect(every50).toBeLessThanOrEqual(3 * 3);
    x.dispose();
  });

  it("runs callbacks and evaluate, and lets a callback stop training", async () => {
    const data = regressionData(40);
    const v = mlp();
    let batches = 0;
    let ended: TrainHistory | undefined;
    const h = await train({
      ...base(v, data),
      epochs: 10,
      evaluate: (epoch) => ({ twice: 2 * epoch }),
      callbacks: {
        onBatchEnd: (info) => {
          batches++;
          expect(info.loss).toBeCloseTo(info.terms.mse + info.terms.l2, 6);
        },
        onEpochEnd: (record, control) => {
          if (record.epoch === 3) control.stop("enough");
        },
        onTrainEnd: (hist) => {
          ended = hist;
        },
      },
    });
    expect(batches).toBe(15);
    expect(h.epochs.map((e) => e.metrics)).toEqual([{ twice: 2 }, { twice: 4 }, { twice: 6 }]);
    expect(h.stopped).toEqual({ reason: "callback", message: "enough", epoch: 3, step: 15 });
    expect(ended).toBe(h);
  });

  it("writes one log line per epoch in log mode", async () => {
    const data = regressionData(40);
    let out = "";
    const stream = new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    });
    await train({ ...base(mlp(), data), epochs: 3, progress: "auto", progressStream: stream });
    const lines = out.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^epoch 3\/3 {2}loss \S+ {2}mse \S+ {2}l2 \S+ {2}\(\d+\.\d\ds\)$/);
  });

  it("validates its inputs with clear messages", async () => {
    const data = regressionData(8);
    const v = mlp();
    const ok = base(v, data);
    await expect(train({ ...ok, epochs: 0 })).rejects.toThrow(/train: option 'epochs' must be an integer, >= 1, got 0/);
    await expect(train({ ...ok, batchSize: 2.5 })).rejects.toThrow(/'batchSize' must be an integer/);
    await expect(train({ ...ok, bogus: 1 } as unknown as TrainOptions)).rejects.toThrow(/unknown option 'bogus'/);
    await expect(train({ ...ok, data: { x: data.x, y: tf.zeros([7, 2]) } })).rejects.toThrow(/'data.y' must have 8 samples/);
    await expect(train({ ...ok, variables: { c: tf.variable(tf.zeros([1]), false, `c_${counter++}`) } })).rejects.toThrow(/variable 'c' is not trainable/);
    await expect(train({ ...ok, lossTerms: () => ({ vec: tf.ones([2]) as unknown as tf.Scalar }) })).rejects.toThrow(/term 'vec' must be a scalar tensor, got a tensor of shape \[2\]/);
    const unused = tf.variable(tf.zeros([2]), true, `unused_${counter++}`);
    await expect(train({ ...ok, variables: { ...v, unused } })).rejects.toThrow(/does not depend on variable\(s\) 'unused'/);
    await expect(train({ ...ok, optimizer: { name: "adamw", learningRate: 1 } as never })).rejects.toThrow(/'optimizer' must have 'name' one of "adam"/);
    await expect(train({ ...ok, progress: "loud" as never })).rejects.toThrow(/option 'progress' must be one of/);
  });
});

describe("trainRunOptions", () => {
  it("keeps only the run-control options that are set, with progress defaulting to none", () => {
    expect(trainRunOptions({})).toEqual({ progress: "none" });
    expect(trainRunOptions({}, "log")).toEqual({ progress: "log" });
    const evaluate = () => ({});
    const picked = trainRunOptions({ resume: false, stopAfterSteps: 0, evaluate, checkpoint: { dir: "/tmp/x" }, progress: "bar" });
    expect(picked).toEqual({ resume: false, stopAfterSteps: 0, evaluate, checkpoint: { dir: "/tmp/x" }, progress: "bar" });
    expect(Object.keys(trainRunOptions({ resume: undefined, callbacks: undefined } as never))).toEqual(["progress"]);
  });
});
