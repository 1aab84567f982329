import { assertBooleanOption, assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { parseIdx } from "./idx.js";
import { makeLabelledData, type LabelledData } from "./labelledData.js";
import { readDataFile } from "./readDataFile.js";

export interface LoadMnistIdxOptions {
  /** Images file, e.g. train-images-idx3-ubyte(.gz): uint8 IDX of shape [n, rows, cols]. */
  imagesPath: string;
  /** Labels file, e.g. train-labels-idx1-ubyte(.gz): uint8 IDX of shape [n]. */
  labelsPath: string;
  /** "flat" -> x [n, rows*cols] (default); "image" -> x [n, rows, cols, 1]. */
  shape?: "flat" | "image";
  /** Also return one-hot labels y [n, numClasses] (default true). */
  oneHot?: boolean;
  /** Number of classes (default 10; e.g. 47 for EMNIST balanced). Labels must be below it. */
  numClasses?: number;
}

/**
 * Loads an MNIST-format pair of IDX files (the full MNIST set, Fashion-MNIST, ...), raw or gzipped.
 * x = pixel / 255 as float32 in [0, 1]; labels as integers. Checks both files are uint8, the
 * images rank 3 and the labels rank 1, and that their counts agree. SPEC.md §4.
 */
export function loadMnistIdx(opts: LoadMnistIdxOptions): LabelledData {
  const where = "loadMnistIdx";
  if (opts === undefined || opts === null || typeof opts !== "object") {
    throw new SparsekitError(`${where}: options must be an object with 'imagesPath' and 'labelsPath', got ${String(opts)}.`);
  }
  assertKnownOptions(opts, where, ["imagesPath", "labelsPath", "shape", "oneHot", "numClasses"]);
  const shape = opts.shape ?? "flat";
  const oneHot = opts.oneHot ?? true;
  const numClasses = opts.numClasses ?? 10;
  assertEnumOption(shape, where, "shape", ["flat", "image"] as const);
  assertBooleanOption(oneHot, where, "oneHot");
  assertNumberOption(numClasses, where, "numClasses", { integer: true, min: 2, max: 256 });
  const images = parseIdx(readDataFile(opts.imagesPath, where, "imagesPath"), where, `images file "${opts.imagesPath}"`);
  const labels = parseIdx(readDataFile(opts.labelsPath, where, "labelsPath"), where, `labels file "${opts.labelsPath}"`);
  if (images.dtype !== "uint8" || images.shape.length !== 3) {
    throw new SparsekitError(
      `${where}: images file "${opts.imagesPath}" must be a uint8 IDX array of shape [n, rows, cols], got ${images.dtype} of shape [${images.shape.join(", ")}].`,
    );
  }
  if (labels.dtype !== "uint8" || labels.shape.length !== 1) {
    throw new SparsekitError(
      `${where}: labels file "${opts.labelsPath}" must be a uint8 IDX array of shape [n], got ${labels.dtype} of shape [${labels.shape.join(", ")}].`,
    );
  }
  const [n, rows, cols] = images.shape;
  if (labels.shape[0] !== n) {
    throw new SparsekitError(`${where}: images and labels must have the same count, got ${n} images and ${labels.shape[0]} labels.`);
  }
  if (n === 0 || rows === 0 || cols === 0) {
    throw new SparsekitError(`${where}: images file "${opts.imagesPath}" must hold at least one non-empty image, got shape [${images.shape.join(", ")}].`);
  }
  const px = new Float32Array(images.data.length);
  for (let i = 0; i < px.length; i++) px[i] = images.data[i] / 255;
  const sampleShape = shape === "flat" ? [rows * cols] : [rows, cols, 1];
  return makeLabelledData(px, Int32Array.from(labels.data), sampleShape, numClasses, oneHot, where);
}
