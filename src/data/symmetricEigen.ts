import { SparsekitError } from "../validation/SparsekitError.js";

/** Eigen-decomposition A = V diag(values) V^T of a symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major n x n matrix: vector j is `vectors[i * n + j]`, i = 0..n-1. */
  vectors: Float64Array;
  n: number;
}

/**
 * Householder reduction to tridiagonal form (EISPACK tred2, via JAMA). JAMA's V is stored
 * transposed (U[b * n + a] = V[a][b]) so the inner loops, which walk columns of V, run over
 * contiguous memory; on return U holds the accumulated transformation transposed.
 */
function tred2(n: number, U: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = U[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = U[j * n + i - 1];
        U[j * n + i] = 0;
        U[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        U[i * n + j] = f;
        g = e[j] + U[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += U[j * n + k] * d[k];
          e[k] += U[j * n + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) U[j * n + k] -= f * e[k] + g * d[k];
        d[j] = U[j * n + i - 1];
        U[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    U[i * n + n - 1] = U[i * n + i];
    U[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = U[(i + 1) * n + k] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += U[(i + 1) * n + k] * U[j * n + k];
        for (let k = 0; k <= i; k++) U[j * n + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) U[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = U[j * n + n - 1];
    U[j * n + n - 1] = 0;
  }
  U[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL iterations on the tridiagonal (d, e) (EISPACK tql2, via JAMA), accumulating into W,
 * which holds V transposed (row j = eigenvector j) so the rotations run over contiguous memory.
 */
function tql2(n: number, W: Float64Array, d: Float64Array, e: Float64Array, where: string): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new SparsekitError(`${where}: the QL eigen-iteration did not converge (is the matrix finite?).`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const a = i * n;
          const b = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            h = W[b + k];
            W[b + k] = s * W[a + k] + c * h;
            W[a + k] = c * W[a + k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * Eigen-decomposition of a real symmetric n x n matrix (row-major), A = V diag(lambda) V^T with
 * orthonormal V: Householder tridiagonalisation then implicit QL (the EISPACK tred2/tql2 pair, as
 * in JAMA), in float64. Cost O(n^3), about 4/3 n^3 + 3 n^3 flops: well under a second for n = 256
 * and a few seconds for n = 784. Only the lower triangle's symmetry is assumed, not checked
 * beyond a tolerance. Eigenvalues come largest first; each eigenvector is signed so that its
 * largest-magnitude entry is positive, which makes results reproducible.
 */
export function symmetricEigen(a: Float64Array | Float32Array | readonly number[], n: number): SymmetricEigen {
  const where = "symmetricEigen";
  if (!Number.isInteger(n) || n < 1) throw new SparsekitError(`${where}: argument 'n' must be a positive integer, got ${n}.`);
  if (a.length !== n * n) throw new SparsekitError(`${where}: argument 'a' must hold n * n = ${n * n} values, got ${a.length}.`);
  let scale = 0;
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(a[i])) throw new SparsekitError(`${where}: argument 'a' must be finite everywhere, got ${a[i]} at index ${i}.`);
    scale = Math.max(scale, Math.abs(a[i]));
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(a[i * n + j] - a[j * n + i]) > 1e-6 * scale) {
        throw new SparsekitError(`${where}: argument 'a' must be symmetric, got a[${i}][${j}] = ${a[i * n + j]} and a[${j}][${i}] = ${a[j * n + i]}.`);
      }
    }
  }
  // A is symmetric, so it equals its transpose: the transposed storage tred2 works in.
  const W = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(n, W, d, e);
  tql2(n, W, d, e, where);
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => d[q] - d[p]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, j) => {
    values[j] = d[src];
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(W[src * n + i]) > Math.abs(big)) big = W[src * n + i];
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[i * n + j] = sign * W[src * n + i];
  });
  return { values, vectors, n };
}
