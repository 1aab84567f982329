import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "./SparsekitError.js";
import { valueChecksActive } from "./valueChecks.js";

/** `where` is the calling function, e.g. "ovrOverlap"; `name` the argument, e.g. "h". */
function fail(where: string, name: string, expected: string, got: string): never {
  throw new SparsekitError(`${where}: argument '${name}' must be ${expected}, got ${got}.`);
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

export function assertTensor(x: unknown, where: string, name: string): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    fail(where, name, "a tf.Tensor", x === null ? "null" : typeof x);
  }
  if (x.isDisposed) fail(where, name, "a live tf.Tensor", "a disposed tensor");
}

/** Rank must equal `rank`, or be one of `rank` when an array is given. */
export function assertRank(
  x: tf.Tensor,
  where: string,
  name: string,
  rank: number | readonly number[],
  meaning?: string,
): void {
  const ok = Array.isArray(rank) ? rank.includes(x.rank) : x.rank === rank;
  if (!ok) {
    const want = Array.isArray(rank) ? `rank ${rank.join(" or ")}` : `rank ${rank}`;
    fail(where, name, `a ${want} tensor${meaning ? ` (${meaning})` : ""}`, `rank ${x.rank} with shape ${shapeString(x.shape)}`);
  }
}

/** The first (batch) dimension must hold at least `min` samples (1 = non-empty). */
export function assertBatchSize(x: tf.Tensor, where: string, name: string, min = 1, why?: string): void {
  const b = x.shape[0] ?? 0;
  if (b === 0) fail(where, name, "a non-empty batch", `an empty batch (shape ${shapeString(x.shape)})`);
  if (b < min) {
    fail(where, name, `a batch of at least ${min} samples${why ? ` (${why})` : ""}`, `batch size ${b}`);
  }
  for (const d of x.shape) {
    if (d === 0) fail(where, name, "a tensor with no zero-size dimension", `shape ${shapeString(x.shape)}`);
  }
}

/**
 * Every value must be finite (no NaN, no +-Infinity). Reads one boolean back from the backend;
 * skipped inside withoutValueChecks (training loops check every N steps).
 */
export function assertFinite(x: tf.Tensor, where: string, name: string): void {
  if (!valueChecksActive()) return;
  const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(x))).dataSync()[0]);
  if (bad) {
    const counts = tf.tidy(() => {
      const nan = tf.sum(tf.cast(tf.isNaN(x), "int32")).dataSync()[0];
      const inf = tf.sum(tf.cast(tf.isInf(x), "int32")).dataSync()[0];
      return { nan, inf };
    });
    fail(where, name, "finite everywhere", `${counts.nan} NaN and ${counts.inf} infinite value(s)`);
  }
}

/** Values must lie in [lo, hi] (for masks, probabilities, sigmoid codes); skipped inside withoutValueChecks. */
export function assertInRange(x: tf.Tensor, where: string, name: string, lo: number, hi: number): void {
  if (!valueChecksActive()) return;
  const [mn, mx] = tf.tidy(() => [tf.min(x).dataSync()[0], tf.max(x).dataSync()[0]]);
  if (mn < lo || mx > hi) fail(where, name, `within [${lo}, ${hi}]`, `values in [${mn}, ${mx}]`);
}

/** Values must be >= 0 (`why` says what depends on it); skipped inside withoutValueChecks. */
export function assertNonNegative(x: tf.Tensor, where: string, name: string, why: string): void {
  if (!valueChecksActive()) return;
  const minValue = tf.tidy(() => tf.min(x).dataSync()[0]);
  if (minValue < 0) fail(where, name, `non-negative (${why})`, `a minimum of ${minValue}`);
}

/** Common prologue of a batch objective: tensor, rank, batch size, finite values. */
export function checkCodes(
  h: unknown,
  where: string,
  name: string,
  opts: { rank?: number | readonly number[]; minBatch?: number; why?: string; meaning?: string } = {},
): asserts h is tf.Tensor {
  assertTensor(h, where, name);
  assertRank(h, where, name, opts.rank ?? 2, opts.meaning ?? (opts.rank === undefined ? "B x K: one row per sample" : undefined));
  assertBatchSize(h, where, name, opts.minBatch ?? 1, opts.why);
  assertFinite(h, where, name);
}
