import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { shapeString } from "../validation/tensorChecks.js";

/** A partition of n samples: one integer label per sample (class ids or cluster ids, any integers). */
export type Labels = ArrayLike<number> | tf.Tensor;

/**
 * Counts n_ij = #{samples with label i in the first partition and j in the second}; rows follow the
 * first partition, columns the second, each in ascending order of the distinct label values.
 */
export interface ContingencyTable {
  /** Row-major counts, rows x cols. */
  counts: Float64Array;
  rows: number;
  cols: number;
  /** Number of samples. */
  n: number;
  /** Row sums a_i (samples per label of the first partition). */
  rowSums: Float64Array;
  /** Column sums b_j (samples per label of the second partition). */
  colSums: Float64Array;
  /** The distinct label values of each partition, ascending (row i <-> rowLabels[i]). */
  rowLabels: number[];
  colLabels: number[];
}

/** Reads a partition (plain array or rank-1 tensor) and checks every entry is an integer. */
export function readLabels(labels: unknown, where: string, name: string): Int32Array | number[] {
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    if (labels.isDisposed) throw new SparsekitError(`${where}: argument '${name}' must be a live tensor, got a disposed tensor.`);
    if (labels.rank !== 1) {
      throw new SparsekitError(`${where}: argument '${name}' must be a rank-1 tensor of labels (one per sample), got shape ${shapeString(labels.shape)}.`);
    }
    if (labels.dtype === "string" || labels.dtype === "complex64") {
      throw new SparsekitError(`${where}: argument '${name}' must hold integer labels, got dtype ${labels.dtype}.`);
    }
    values = labels.dataSync() as ArrayLike<number>;
  } else if (labels != null && typeof labels === "object" && typeof (labels as ArrayLike<number>).length === "number") {
    values = labels as ArrayLike<number>;
  } else {
    throw new SparsekitError(`${where}: argument '${name}' must be an array or rank-1 tensor of integer labels, got ${labels === null ? "null" : typeof labels}.`);
  }
  if (values.length === 0) throw new SparsekitError(`${where}: argument '${name}' must hold at least one label, got an empty array.`);
  const out = Array.from(values);
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (typeof v !== "number" || !Number.isSafeInteger(v)) {
      throw new SparsekitError(`${where}: argument '${name}' must hold integer labels, got ${String(v)} at index ${i}.`);
    }
  }
  return out;
}

function compact(values: ArrayLike<number>): { ids: Int32Array; distinct: number[] } {
  const distinct = [...new Set(Array.from(values))].sort((a, b) => a - b);
  const index = new Map(distinct.map((v, i) => [v, i]));
  const ids = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) ids[i] = index.get(values[i])!;
  return { ids, distinct };
}

/**
 * Contingency table of two partitions of the same n samples (the basis of NMI, ARI and Hungarian
 * accuracy). `a` gives the rows, `b` the columns; labels may be any integers (not necessarily
 * 0..k-1) and the two partitions may have different numbers of groups. O(n + rows * cols).
 */
export function contingencyTable(a: Labels, b: Labels, where = "contingencyTable", names: [string, string] = ["a", "b"]): ContingencyTable {
  const la = readLabels(a, where, names[0]);
  const lb = readLabels(b, where, names[1]);
  if (la.length !== lb.length) {
    throw new SparsekitError(`${where}: arguments '${names[0]}' and '${names[1]}' must label the same samples, got ${la.length} and ${lb.length} labels.`);
  }
  const ra = compact(la);
  const rb = compact(lb);
  const rows = ra.distinct.length;
  const cols = rb.distinct.length;
  const counts = new Float64Array(rows * cols);
  const rowSums = new Float64Array(rows);
  const colSums = new Float64Array(cols);
  for (let s = 0; s < la.length; s++) {
    const i = ra.ids[s];
    const j = rb.ids[s];
    counts[i * cols + j]++;
    rowSums[i]++;
    colSums[j]++;
  }
  return { counts, rows, cols, n: la.length, rowSums, colSums, rowLabels: ra.distinct, colLabels: rb.distinct };
}
