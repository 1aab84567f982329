import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertFinite, assertTensor, shapeString } from "../validation/tensorChecks.js";

export interface FiniteDifferenceOptions {
  /** Half step of the central difference, > 0. Default 1e-3 (float32: 1e-3 .. 1e-2 is sensible). */
  eps?: number;
}

export interface GradientCheckResult {
  /** tf.grad(f)(x), flattened row-major. */
  analytic: Float32Array;
  /** Central finite differences, flattened row-major. */
  numeric: Float32Array;
  /** ||analytic - numeric||_2 / max(||analytic||_2, ||numeric||_2, 1e-30); NaN if either has NaN. */
  relativeError: number;
  /** The shape of x (and of both gradients). */
  shape: number[];
}

const TINY = 1e-30;

function validate(f: unknown, x: unknown, options: unknown, where: string): number {
  if (typeof f !== "function") {
    throw new SparsekitError(`${where}: argument 'f' must be a function from a tensor to a scalar tensor, got ${typeof f}.`);
  }
  assertTensor(x, where, "x");
  if (x.dtype !== "float32") {
    throw new SparsekitError(`${where}: argument 'x' must be a float32 tensor, got dtype ${x.dtype}.`);
  }
  assertFinite(x, where, "x");
  assertKnownOptions(options as object | undefined, where, ["eps"]);
  const eps = (options as FiniteDifferenceOptions | undefined)?.eps ?? 1e-3;
  assertNumberOption(eps, where, "eps", { min: 0, exclusiveMin: true });
  return eps;
}

/** Evaluates f at `values` (shape of x) and returns its single value; tensors are disposed. */
function evaluate(f: (x: tf.Tensor) => tf.Tensor, values: Float32Array, shape: number[], where: string): number {
  return tf.tidy(() => {
    const y = f(tf.tensor(values, shape, "float32"));
    if (!(y instanceof tf.Tensor) || y.size !== 1) {
      throw new SparsekitError(
        `${where}: argument 'f' must return a scalar tensor, got ${y instanceof tf.Tensor ? `shape ${shapeString(y.shape)}` : typeof y}.`,
      );
    }
    return y.dataSync()[0];
  });
}

/**
 * Central finite-difference gradient of a scalar function, evaluated with tfjs in float32:
 * `g_i = (f(x + e_i d_i) - f(x - e_i d_i)) / (x_i + d_i - (x_i - d_i))`, where the denominator
 * is the step actually taken after rounding x_i +- eps to float32 (this removes most of the
 * rounding bias of a naive 2 eps). Costs 2 * x.size evaluations of f.
 *
 * @param f tensor -> scalar tensor (size 1).
 * @param x float32 point, finite; not modified.
 * @returns a float32 tensor shaped like x; the caller owns it.
 */
export function finiteDifferenceGradient(
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  options: FiniteDifferenceOptions = {},
): tf.Tensor {
  const where = "finiteDifferenceGradient";
  const eps = validate(f, x, options, where);
  const values = Float32Array.from(x.dataSync() as Float32Array);
  const grad = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const original = values[i];
    const plus = Math.fround(original + eps);
    const minus = Math.fround(original - eps);
    values[i] = plus;
    const fPlus = evaluate(f, values, x.shape, where);
    values[i] = minus;
    const fMinus = evaluate(f, values, x.shape, where);
    values[i] = original;
    grad[i] = (fPlus - fMinus) / (plus - minus);
  }
  return tf.tensor(grad, x.shape, "float32");
}

/**
 * Compares the autodiff gradient tf.grad(f)(x) with central finite differences.
 * relativeError = ||g_a - g_n||_2 / max(||g_a||_2, ||g_n||_2, 1e-30). In float32 with a
 * well-conditioned f, values of moderate size and eps around 1e-3 .. 1e-2, a correct gradient
 * gives well below 1e-3. No tensors are left allocated.
 */
export function checkGradient(
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  options: FiniteDifferenceOptions = {},
): GradientCheckResult {
  const where = "checkGradient";
  validate(f, x, options, where);
  const numericTensor = finiteDifferenceGradient(f, x, options);
  const numeric = numericTensor.dataSync() as Float32Array;
  numericTensor.dispose();
  let analytic: Float32Array;
  try {
    // Read back outside tidy: tidy walks a returned typed array element by element.
    const g = tf.tidy(() => tf.grad(f as (x: tf.Tensor) => tf.Scalar)(x));
    analytic = g.dataSync() as Float32Array;
    g.dispose();
  } catch (e) {
    if (e instanceof Error && e.message.includes("Cannot compute gradient")) {
      throw new SparsekitError(
        `${where}: argument 'f' must compute its output from x through differentiable tfjs ops; tfjs found no path from x to f(x).`,
      );
    }
    throw e;
  }
  let diff = 0;
  let normA = 0;
  let normN = 0;
  for (let i = 0; i < analytic.length; i++) {
    diff += (analytic[i] - numeric[i]) ** 2;
    normA += analytic[i] ** 2;
    normN += numeric[i] ** 2;
  }
  const relativeError = Math.sqrt(diff) / Math.max(Math.sqrt(normA), Math.sqrt(normN), TINY);
  return { analytic, numeric, relativeError, shape: [...x.shape] };
}
