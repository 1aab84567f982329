import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertTensor, checkCodes, shapeString } from "../validation/tensorChecks.js";

/** Hidden codes H, B x K (one row per sample, one column per unit): a tensor or plain rows. */
export type Codes = tf.Tensor2D | readonly (readonly number[])[];

function fail(where: string, expected: string, got: string): never {
  throw new SparsekitError(`${where}: argument 'h' must be ${expected}, got ${got}.`);
}

function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v;
}

/** Validates plain rows and packs them into float32, the dtype every metric computes in. */
function readRows(h: readonly unknown[], where: string): { data: Float32Array; b: number; k: number } {
  const b = h.length;
  if (b === 0) fail(where, "a non-empty batch", "an empty batch (0 rows)");
  const first = h[0];
  if (!Array.isArray(first)) {
    fail(where, "a B x K array of rows (number[][])", `a rank-1 array (h[0] is ${kind(first)})`);
  }
  const k = first.length;
  if (k === 0) fail(where, "a B x K array with at least one unit per row", "h[0] of length 0");
  const data = new Float32Array(b * k);
  let nan = 0;
  let inf = 0;
  let firstBad = "";
  for (let i = 0; i < b; i++) {
    const row = h[i];
    if (!Array.isArray(row)) fail(where, "a B x K array of rows (number[][])", `h[${i}] is ${kind(row)}`);
    if (row.length !== k) {
      fail(where, "rows of equal length (a B x K matrix)", `h[0] of length ${k} and h[${i}] of length ${row.length}`);
    }
    for (let j = 0; j < k; j++) {
      const v: unknown = row[j];
      if (typeof v !== "number") {
        const deeper = Array.isArray(v) ? " (nested deeper than 2 levels)" : "";
        fail(where, "a B x K array of numbers", `h[${i}][${j}] is ${kind(v)}${deeper}`);
      }
      const f = Math.fround(v);
      // A finite double beyond float32 range would silently become Infinity in the tensor.
      if (!Number.isFinite(f)) {
        if (Number.isNaN(v)) nan++;
        else inf++;
        if (!firstBad) firstBad = `h[${i}][${j}] = ${v}`;
      }
      data[i * k + j] = f;
    }
  }
  if (nan + inf > 0) {
    fail(
      where,
      "finite everywhere (and within float32 range)",
      `${nan} NaN and ${inf} infinite or out-of-range value(s), first ${firstBad}`,
    );
  }
  return { data, b, k };
}

/**
 * Validates codes H and returns them as a float32 B x K tensor: the single entry point of every
 * metric, so tensors and plain rows get the same checks and the same float32 arithmetic.
 *
 * A tensor input is returned as is when already float32 (never dispose it); otherwise a new tensor
 * is created. Call this inside `tf.tidy` so the created tensor is released.
 * Throws SparsekitError for: non-tensor/non-array input, rank other than 2, empty batch or zero
 * units, NaN/Infinity, string/complex dtype, and fewer than `minUnits` columns.
 */
export function toCodesTensor(
  h: unknown,
  where: string,
  opts: { minUnits?: number; why?: string } = {},
): tf.Tensor2D {
  let t: tf.Tensor2D;
  if (Array.isArray(h)) {
    const { data, b, k } = readRows(h, where);
    t = tf.tensor2d(data, [b, k], "float32");
  } else {
    if (!(h instanceof tf.Tensor)) fail(where, "a tf.Tensor2D or a number[][]", kind(h));
    assertTensor(h, where, "h");
    if (h.dtype === "string" || h.dtype === "complex64") {
      fail(where, "a numeric (float32, int32 or bool) tensor", `dtype ${h.dtype}`);
    }
    const x = h.dtype === "float32" ? h : tf.cast(h, "float32");
    checkCodes(x, where, "h");
    t = x as tf.Tensor2D;
  }
  const min = opts.minUnits ?? 1;
  if (t.shape[1] < min) {
    fail(where, `a matrix with at least ${min} units (columns)${opts.why ? `: ${opts.why}` : ""}`, `shape ${shapeString(t.shape)}`);
  }
  return t;
}
