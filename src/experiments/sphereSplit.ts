import * as tf from "@tensorflow/tfjs";
import { sphereDataset, type LabelledData } from "../data/node.js";
import type { Seed } from "../random/index.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";

/**
 * How a partition count P = M (N + 1) is cut into latitude bands (N + 1) and longitude sectors
 * (M): the most nearly square factorisation with bands <= sectors, e.g. 4 = 2 x 2, 16 = 4 x 4,
 * 64 = 8 x 8, 256 = 16 x 16, 32 = 4 x 8. Square grids keep the partitions of one experiment
 * comparable across counts (a band spans pi / (N + 1) of polar angle, a sector 2 pi / M of
 * longitude, so at the equator a cell is twice as wide as tall). A prime count becomes 1 x P.
 */
export function partitionGrid(partitions: number): { latBands: number; lonSectors: number } {
  assertNumberOption(partitions, "partitionGrid", "partitions", { integer: true, min: 1 });
  let bands = Math.floor(Math.sqrt(partitions));
  while (partitions % bands !== 0) bands--;
  return { latBands: bands, lonSectors: partitions / bands };
}

export interface SphereSplitOptions {
  /** Partition count M (N + 1), cut by {@link partitionGrid}. */
  partitions: number;
  trainSize: number;
  testSize: number;
  /** Classes C (default 10). */
  classes?: number;
  seed: Seed;
}

export interface SphereSplit {
  /** x [n, 3], labels, one-hot y [n, C]. */
  train: LabelledData & { y: tf.Tensor2D };
  test: LabelledData & { y: tf.Tensor2D };
  latBands: number;
  lonSectors: number;
  /** Class of each partition (shared by train and test). */
  partitionClasses: Int32Array;
  /** Number of distinct classes that occur among the partitions (< C for few partitions). */
  classesUsed: number;
  dispose(): void;
}

/**
 * Train and held-out test points of one sphere data set (SPEC §4): a single
 * `sphereDataset({ n: trainSize + testSize, ... })` draw (so both halves share the partition ->
 * class map), first `trainSize` points for training, the rest for testing; the points are i.i.d.,
 * so the split is unbiased.
 */
export function sphereSplit(opts: SphereSplitOptions): SphereSplit {
  const where = "sphereSplit";
  assertKnownOptions(opts, where, ["partitions", "trainSize", "testSize", "classes", "seed"]);
  assertNumberOption(opts.trainSize, where, "trainSize", { integer: true, min: 1 });
  assertNumberOption(opts.testSize, where, "testSize", { integer: true, min: 1 });
  const classes = opts.classes ?? 10;
  assertNumberOption(classes, where, "classes", { integer: true, min: 2 });
  const { latBands, lonSectors } = partitionGrid(opts.partitions);
  const n = opts.trainSize + opts.testSize;
  const d = sphereDataset({ n, latBands, lonSectors, classes, seed: opts.seed });
  try {
    const part = (start: number, size: number): LabelledData & { y: tf.Tensor2D } => {
      const labels = d.labels.slice(start, start + size);
      return tf.tidy(() => ({
        x: tf.slice(d.x, [start, 0], [size, 3]),
        labels,
        y: tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), classes), "float32") as tf.Tensor2D,
      }));
    };
    const train = part(0, opts.trainSize);
    const test = part(opts.trainSize, opts.testSize);
    return {
      train,
      test,
      latBands,
      lonSectors,
      partitionClasses: d.partitionClasses,
      classesUsed: new Set(d.partitionClasses).size,
      dispose() {
        tf.dispose([train.x, train.y, test.x, test.y]);
      },
    };
  } finally {
    d.x.dispose();
  }
}
