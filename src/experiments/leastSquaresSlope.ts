import { SparsekitError } from "../validation/SparsekitError.js";

/**
 * Least-squares slope of y on x (e.g. sparsity per doubling of width with x = log2 width).
 * Pairs with a non-finite y are skipped; NaN when fewer than two distinct x remain.
 */
export function leastSquaresSlope(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) {
    throw new SparsekitError(`leastSquaresSlope: arguments 'x' and 'y' must have the same length, got ${x.length} and ${y.length}.`);
  }
  const pts = x.map((xi, i) => [xi, y[i]] as const).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  if (pts.length < 2) return NaN;
  const mx = pts.reduce((a, [b]) => a + b, 0) / pts.length;
  const my = pts.reduce((a, [, b]) => a + b, 0) / pts.length;
  const sxx = pts.reduce((a, [b]) => a + (b - mx) ** 2, 0);
  if (sxx === 0) return NaN;
  return pts.reduce((a, [b, c]) => a + (b - mx) * (c - my), 0) / sxx;
}
