import { existsSync } from "node:fs";
import { join } from "node:path";
import { assertBooleanOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { makeLabelledData, type LabelledData } from "./labelledData.js";
import { readDataFile, type DataSource } from "./readDataFile.js";

/** CIFAR-10 class names, by label. */
export const CIFAR10_CLASSES = [
  "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
] as const;

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/**
 * Parses the CIFAR-10 binary format: records of 1 label byte (0..9) + 3072 pixel bytes stored
 * channel-major (1024 R, 1024 G, 1024 B, each plane 32x32 row-major). Returns x [n, 32, 32, 3]
 * (NHWC, float32 = byte / 255 in [0, 1]), labels, and one-hot y [n, 10] unless `oneHot: false`.
 * A file whose length is not a whole number of records is reported as truncated. SPEC.md §4.
 */
export function loadCifar10Batch(source: DataSource, opts: { oneHot?: boolean } = {}): LabelledData {
  return parseCifar10(source, "loadCifar10Batch", opts);
}

function parseCifar10(source: DataSource, where: string, opts: { oneHot?: boolean }): LabelledData {
  assertKnownOptions(opts, where, ["oneHot"]);
  const oneHot = opts.oneHot ?? true;
  assertBooleanOption(oneHot, where, "oneHot");
  const bytes = readDataFile(source, where, "source");
  checkRecords(bytes, where, typeof source === "string" ? `file "${source}"` : "the data");
  return decodeRecords(bytes, oneHot, where);
}

/** Throws unless `bytes` is a whole, non-zero number of records with labels 0..9. */
function checkRecords(bytes: Uint8Array, where: string, what: string): void {
  if (bytes.length === 0) throw new SparsekitError(`${where}: ${what} is empty; expected records of ${RECORD} bytes.`);
  const rest = bytes.length % RECORD;
  if (rest !== 0) {
    throw new SparsekitError(
      `${where}: ${what} is truncated: its length ${bytes.length} is not a multiple of the record size ${RECORD} (1 label byte + 3072 pixel bytes); record ${Math.floor(bytes.length / RECORD)} has only ${rest} byte(s).`,
    );
  }
  for (let at = 0, r = 0; at < bytes.length; at += RECORD, r++) {
    if (bytes[at] > 9) {
      throw new SparsekitError(`${where}: ${what} record ${r} has label ${bytes[at]}; CIFAR-10 labels are 0..9 (is this a CIFAR-100 file?).`);
    }
  }
}

/** Channel-major records -> NHWC float32 in [0, 1]. */
function decodeRecords(bytes: Uint8Array, oneHot: boolean, where: string): LabelledData {
  const n = bytes.length / RECORD;
  const px = new Float32Array(n * 3 * PLANE);
  const labels = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const at = r * RECORD;
    labels[r] = bytes[at];
    const out = r * 3 * PLANE;
    for (let c = 0; c < 3; c++) {
      const src = at + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) px[out + p * 3 + c] = bytes[src + p] / 255;
    }
  }
  return makeLabelledData(px, labels, [SIDE, SIDE, 3], 10, oneHot, where);
}

export interface LoadCifar10Options {
  /** Folder holding data_batch_1.bin ... data_batch_5.bin and test_batch.bin (cifar-10-batches-bin). */
  dir: string;
  /** How many training batches to read, 1..5 (default 5: 50,000 images). */
  trainBatches?: number;
  /** Also return one-hot labels (default true). */
  oneHot?: boolean;
}

/**
 * Loads the CIFAR-10 binary version from `dir`: train = data_batch_1.bin .. data_batch_<k>.bin
 * concatenated (k = trainBatches), test = test_batch.bin; see {@link loadCifar10Batch}.
 */
export function loadCifar10(opts: LoadCifar10Options): { train: LabelledData; test: LabelledData } {
  const where = "loadCifar10";
  if (opts === undefined || opts === null || typeof opts !== "object") {
    throw new SparsekitError(`${where}: options must be an object with 'dir', got ${String(opts)}.`);
  }
  assertKnownOptions(opts, where, ["dir", "trainBatches", "oneHot"]);
  const k = opts.trainBatches ?? 5;
  const oneHot = opts.oneHot ?? true;
  assertNumberOption(k, where, "trainBatches", { integer: true, min: 1, max: 5 });
  assertBooleanOption(oneHot, where, "oneHot");
  if (typeof opts.dir !== "string" || !existsSync(opts.dir)) {
    throw new SparsekitError(`${where}: option 'dir' must be an existing folder (cifar-10-batches-bin), got ${typeof opts.dir === "string" ? `"${opts.dir}"` : String(opts.dir)}.`);
  }
  const names = [...Array.from({ length: k }, (_, i) => `data_batch_${i + 1}.bin`), "test_batch.bin"];
  const missing = names.filter((f) => !existsSync(join(opts.dir, f)));
  if (missing.length) {
    throw new SparsekitError(`${where}: folder "${opts.dir}" must hold ${names.join(", ")}; missing: ${missing.join(", ")}.`);
  }
  const files = names.slice(0, k).map((f) => {
    const path = join(opts.dir, f);
    const bytes = readDataFile(path, where, "dir");
    checkRecords(bytes, where, `file "${path}"`);
    return bytes;
  });
  const train = decodeRecords(files.length === 1 ? files[0] : Buffer.concat(files), oneHot, where);
  const test = parseCifar10(join(opts.dir, "test_batch.bin"), where, { oneHot });
  return { train, test };
}
