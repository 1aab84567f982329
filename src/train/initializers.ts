import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import type { Rng } from "../random/index.js";

/**
 * Seeded weight initialisers drawn from an {@link Rng}: the same RNG state gives the same tensor,
 * bit for bit, on every backend (values are computed in JS, then uploaded). Values are filled
 * in row-major order; each call advances the RNG.
 */

function checkShape(shape: readonly number[], where: string): void {
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new SparsekitError(`${where}: argument 'shape' must be a non-empty array of positive integers, got ${JSON.stringify(shape)}.`);
  }
}

/**
 * Fan-in and fan-out with the Keras/tfjs convention: [in, out] for a dense kernel;
 * [...receptive field, in, out] for a convolution kernel (both multiplied by the field size);
 * [n] -> (n, n).
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  checkShape(shape, "fans");
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const field = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * field, fanOut: shape[shape.length - 1] * field };
}

function fill(shape: readonly number[], draw: () => number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = draw();
  return tf.tensor(values, [...shape], "float32");
}

/** Uniform on [lo, hi). Requires lo < hi. */
export function randomUniform(shape: readonly number[], lo: number, hi: number, rng: Rng): tf.Tensor {
  checkShape(shape, "randomUniform");
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new SparsekitError(`randomUniform: arguments 'lo' and 'hi' must be finite with lo < hi, got ${lo} and ${hi}.`);
  }
  return fill(shape, () => lo + (hi - lo) * rng.next());
}

/** Normal with the given mean and standard deviation (std >= 0). */
export function randomNormal(shape: readonly number[], mean: number, std: number, rng: Rng): tf.Tensor {
  checkShape(shape, "randomNormal");
  if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) {
    throw new SparsekitError(`randomNormal: 'mean' must be finite and 'std' finite and >= 0, got ${mean} and ${std}.`);
  }
  return fill(shape, () => mean + std * rng.normal());
}

/** Glorot/Xavier uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)); for tanh/sigmoid layers. */
export function glorotUniform(shape: readonly number[], rng: Rng): tf.Tensor {
  checkShape(shape, "glorotUniform");
  const { fanIn, fanOut } = fans(shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return fill(shape, () => limit * (2 * rng.next() - 1));
}

/** He normal: N(0, 2 / fanIn) (not truncated); for ReLU layers. */
export function heNormal(shape: readonly number[], rng: Rng): tf.Tensor {
  checkShape(shape, "heNormal");
  const std = Math.sqrt(2 / fans(shape).fanIn);
  return fill(shape, () => std * rng.normal());
}
