import * as tf from "@tensorflow/tfjs";
import type { Assets } from "./assets.js";
import { normalizeForSigmoid, removePatchMean, samplePatches, whitenImage, type GreyImage } from "./core.js";

/** Training rows and held-out rows (for metrics and pictures), on the active backend. */
export interface Dataset {
  train: tf.Tensor2D;
  test: tf.Tensor2D;
  /** Integer classes of train/test rows (MNIST only). */
  trainLabels?: Int32Array;
  testLabels?: Int32Array;
  /** One-hot classes (MNIST only). */
  trainOneHot?: tf.Tensor2D;
  /** Side of the square images the rows are. */
  side: number;
  dispose(): void;
}

let whitened: Promise<GreyImage[]> | undefined;

/** The four photographs, each whitened as a whole (1/f, as sae-patches and lca-patches do). Cached. */
function whitenedPhotos(assets: Assets): Promise<GreyImage[]> {
  return (whitened ??= assets.photos().then((ps) => ps.map((p) => whitenImage(p))));
}

/**
 * Patches of the whitened photographs (border 4: the Fourier whitening wraps around), as in the
 * Node experiments: "sigmoid" = mean removed, ±3 std, mapped into [0.1, 0.9] (sae-patches);
 * "centred" = each patch's mean removed (lca-patches).
 */
export async function patchDataset(assets: Assets, opts: { size: number; train: number; test: number; seed: number; mode: "sigmoid" | "centred" }): Promise<Dataset> {
  const images = await whitenedPhotos(assets);
  const all = tf.tidy(() => {
    const raw = samplePatches(images, { size: opts.size, count: opts.train + opts.test, seed: opts.seed, border: 4 });
    return opts.mode === "sigmoid" ? normalizeForSigmoid(raw) : removePatchMean(raw);
  });
  const d = opts.size * opts.size;
  const train = tf.slice(all, [0, 0], [opts.train, d]) as tf.Tensor2D;
  const test = tf.slice(all, [opts.train, 0], [opts.test, d]) as tf.Tensor2D;
  all.dispose();
  return { train, test, side: opts.size, dispose: () => tf.dispose([train, test]) };
}

/** The shipped MNIST digits: the training part and up to `test` held-out digits, pixels in [0, 1]. */
export async function mnistDataset(assets: Assets, opts: { test: number }): Promise<Dataset> {
  const m = await assets.mnist();
  const d = m.side * m.side;
  const test = Math.min(opts.test, m.test);
  const trainTensor = tf.tensor2d(m.pixels.subarray(0, m.train * d), [m.train, d]);
  const testTensor = tf.tensor2d(m.pixels.subarray(m.train * d, (m.train + test) * d), [test, d]);
  const trainLabels = m.labels.subarray(0, m.train);
  const testLabels = m.labels.subarray(m.train, m.train + test);
  const trainOneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(trainLabels, "int32"), 10).toFloat()) as tf.Tensor2D;
  return {
    train: trainTensor,
    test: testTensor,
    trainLabels,
    testLabels,
    trainOneHot,
    side: m.side,
    dispose: () => tf.dispose([trainTensor, testTensor, trainOneHot]),
  };
}
