import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { minimizeLbfgsInBlocks } from "../../src/models/lbfgsInBlocks.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Ill-conditioned quadratic sum_i c_i (w_i - 1)^2 plus a quartic, minimum at all-ones. */
function problem(start = 0) {
  const w = tf.variable(tf.fill([6], start), true);
  const c = tf.tensor1d([1, 3, 10, 30, 100, 300]);
  const lossFn = () => tf.tidy(() => tf.add(tf.sum(tf.mul(c, tf.square(tf.sub(w, 1)))), tf.sum(tf.pow(tf.sub(w, 1), 4)))) as tf.Scalar;
  return { w, lossFn, dispose: () => tf.dispose([w, c]) };
}

describe("minimizeLbfgsInBlocks", () => {
  it("runs blocks of iterations, records one entry per block and a per-iteration loss history", async () => {
    const p = problem();
    const seen: number[] = [];
    const r = await minimizeLbfgsInBlocks({
      variables: { w: p.w },
      lossFn: p.lossFn,
      blocks: 3,
      iterationsPerBlock: 2,
      onIteration: (i) => seen.push(i.iteration),
      onBlockEnd: (block, iterations) => ({ metrics: { block10: block * 10, its: iterations } }),
      lbfgs: { gradientTolerance: 0 },
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.iterations).toBe(6);
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(r.epochs.map((e) => e.steps)).toEqual([2, 4, 6]);
    expect(r.epochs[2].metrics.block10).toBe(30);
    expect(r.epochs[2].metrics.its).toBe(6);
    expect(r.lossHistory).toHaveLength(7);
    expect(r.lossHistory[6]).toBeLessThan(r.lossHistory[0]);
    for (let i = 1; i < r.lossHistory.length; i++) expect(r.lossHistory[i]).toBeLessThanOrEqual(r.lossHistory[i - 1] * (1 + 1e-6));
    p.dispose();
  });

  it("stops all blocks once a block converges", async () => {
    const p = problem();
    const r = await minimizeLbfgsInBlocks({ variables: { w: p.w }, lossFn: p.lossFn, blocks: 50, iterationsPerBlock: 20, lbfgs: { gradientTolerance: 1e-3 } });
    expect(r.converged).toBe(true);
    expect(r.reason).toBe("gradientTolerance");
    expect(r.epochs.length).toBeLessThan(50);
    expect(Array.from(p.w.dataSync()).every((v) => Math.abs(v - 1) < 1e-2)).toBe(true);
    p.dispose();
  });

  it("resumes from the newest checkpoint and ends exactly where an uninterrupted run ends", async () => {
    const a = problem();
    const full = await minimizeLbfgsInBlocks({ variables: { w: a.w }, lossFn: a.lossFn, blocks: 4, iterationsPerBlock: 2, lbfgs: { gradientTolerance: 0 } });
    const dir = mkdtempSync(join(tmpdir(), "sparsekit-lbfgs-"));
    const b = problem();
    await minimizeLbfgsInBlocks({ variables: { w: b.w }, lossFn: b.lossFn, blocks: 3, iterationsPerBlock: 2, checkpointDir: dir, lbfgs: { gradientTolerance: 0 } });
    expect(readdirSync(dir).filter((f) => f.endsWith(".json")).sort()).toEqual(["lbfgs-000002.json", "lbfgs-000003.json"]);
    b.dispose();
    const c = problem(5); // a different start: the checkpoint must overwrite it
    const resumed = await minimizeLbfgsInBlocks({
      variables: { w: c.w }, lossFn: c.lossFn, blocks: 4, iterationsPerBlock: 2, checkpointDir: dir, resume: true, lbfgs: { gradientTolerance: 0 },
    });
    expect(resumed.resumedFrom).toEqual({ block: 3, iterations: 6, checkpoint: "lbfgs-000003" });
    expect(resumed.lossHistory).toEqual(full.lossHistory);
    expect(Array.from(c.w.dataSync())).toEqual(Array.from(a.w.dataSync()));
    a.dispose();
    c.dispose();
  });

  it("rejects bad options and mismatched checkpoints", async () => {
    const p = problem();
    await expect(minimizeLbfgsInBlocks({ variables: { w: p.w }, lossFn: p.lossFn, blocks: 0, iterationsPerBlock: 2 })).rejects.toThrow(/option 'blocks'/);
    await expect(minimizeLbfgsInBlocks({ variables: { w: p.w }, lossFn: p.lossFn, blocks: 1, iterationsPerBlock: 2, resume: true })).rejects.toThrow(/needs option 'checkpointDir'/);
    const dir = mkdtempSync(join(tmpdir(), "sparsekit-lbfgs-"));
    await minimizeLbfgsInBlocks({ variables: { w: p.w }, lossFn: p.lossFn, blocks: 1, iterationsPerBlock: 1, checkpointDir: dir });
    const other = tf.variable(tf.zeros([3]), true);
    const lossFn = () => tf.sum(tf.square(other)) as tf.Scalar;
    await expect(minimizeLbfgsInBlocks({ variables: { w: other }, lossFn, blocks: 2, iterationsPerBlock: 1, checkpointDir: dir, resume: true })).rejects.toThrow(/variable 'w' has shape \[3\]/);
    other.dispose();
    p.dispose();
  });
});
