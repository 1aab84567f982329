import { SparsekitError } from "../validation/SparsekitError.js";

/** A forward transform of one length, in place on (re, im). */
type Plan = (re: Float64Array, im: Float64Array) => void;
const plans = new Map<number, Plan>();

function radix2Plan(n: number): Plan {
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = Math.sin((2 * Math.PI * i) / n);
  }
  return (re, im) => {
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j > i) {
        let t = re[i]; re[i] = re[j]; re[j] = t;
        t = im[i]; im[i] = im[j]; im[j] = t;
      }
    }
    for (let size = 2; size <= n; size *= 2) {
      const half = size / 2;
      const step = n / size;
      for (let i = 0; i < n; i += size) {
        for (let j = i, k = 0; j < i + half; j++, k += step) {
          const l = j + half;
          // (re + i im) * exp(-2 pi i k / n)
          const tr = re[l] * cos[k] + im[l] * sin[k];
          const ti = im[l] * cos[k] - re[l] * sin[k];
          re[l] = re[j] - tr;
          im[l] = im[j] - ti;
          re[j] += tr;
          im[j] += ti;
        }
      }
    }
  };
}

/** Bluestein's chirp-z algorithm: a length-n DFT as a power-of-two circular convolution. */
function bluesteinPlan(n: number): Plan {
  let m = 1;
  while (m < 2 * n - 1) m *= 2;
  const inner = planFor(m);
  // w_k = exp(-i pi k^2 / n); k^2 is reduced mod 2n so the angle stays exact for large k.
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = (Math.PI * ((k * k) % (2 * n))) / n;
    wr[k] = Math.cos(a);
    wi[k] = -Math.sin(a);
  }
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    br[k] = wr[k];
    bi[k] = -wi[k];
    if (k > 0) {
      br[m - k] = wr[k];
      bi[m - k] = -wi[k];
    }
  }
  inner(br, bi);
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  return (re, im) => {
    ar.fill(0);
    ai.fill(0);
    for (let k = 0; k < n; k++) {
      ar[k] = re[k] * wr[k] - im[k] * wi[k];
      ai[k] = re[k] * wi[k] + im[k] * wr[k];
    }
    inner(ar, ai);
    // Pointwise product, conjugated so the next forward transform acts as an inverse one.
    for (let k = 0; k < m; k++) {
      const r = ar[k] * br[k] - ai[k] * bi[k];
      const i = ar[k] * bi[k] + ai[k] * br[k];
      ar[k] = r;
      ai[k] = -i;
    }
    inner(ar, ai);
    for (let k = 0; k < n; k++) {
      const cr = ar[k] / m;
      const ci = -ai[k] / m;
      re[k] = cr * wr[k] - ci * wi[k];
      im[k] = cr * wi[k] + ci * wr[k];
    }
  };
}

function planFor(n: number): Plan {
  let p = plans.get(n);
  if (!p) {
    p = n === 1 ? () => undefined : (n & (n - 1)) === 0 ? radix2Plan(n) : bluesteinPlan(n);
    plans.set(n, p);
  }
  return p;
}

function checkArrays(re: Float64Array, im: Float64Array, n: number, where: string): void {
  if (!(re instanceof Float64Array) || !(im instanceof Float64Array)) {
    throw new SparsekitError(`${where}: arguments 're' and 'im' must be Float64Arrays.`);
  }
  if (re.length !== n || im.length !== n || n < 1) {
    throw new SparsekitError(`${where}: arguments 're' and 'im' must both hold ${n} > 0 values, got ${re.length} and ${im.length}.`);
  }
}

/**
 * In-place complex DFT of any length n: `X_k = sum_j x_j exp(-2 pi i jk / n)`; with
 * `inverse: true`, `x_j = (1/n) sum_k X_k exp(+2 pi i jk / n)`. Radix-2 for powers of two,
 * Bluestein otherwise: O(n log n) either way. Float64 throughout (tfjs has no 2-D FFT and
 * computes in float32).
 */
export function fft1d(re: Float64Array, im: Float64Array, inverse = false): void {
  checkArrays(re, im, re.length, "fft1d");
  transform(re, im, inverse);
}

function transform(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  const plan = planFor(n);
  if (!inverse) {
    plan(re, im);
    return;
  }
  // ifft(x) = conj(fft(conj(x))) / n
  for (let k = 0; k < n; k++) im[k] = -im[k];
  plan(re, im);
  for (let k = 0; k < n; k++) {
    re[k] /= n;
    im[k] = -im[k] / n;
  }
}

/**
 * In-place 2-D DFT of a height x width complex array stored row-major (`re[y * width + x]`):
 * 1-D transforms over every row, then over every column. `inverse` as in {@link fft1d}.
 */
export function fft2d(re: Float64Array, im: Float64Array, height: number, width: number, inverse = false): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new SparsekitError(`fft2d: arguments 'height' and 'width' must be positive integers, got ${height} and ${width}.`);
  }
  checkArrays(re, im, height * width, "fft2d");
  const rr = new Float64Array(width);
  const ri = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    const at = y * width;
    rr.set(re.subarray(at, at + width));
    ri.set(im.subarray(at, at + width));
    transform(rr, ri, inverse);
    re.set(rr, at);
    im.set(ri, at);
  }
  const cr = new Float64Array(height);
  const ci = new Float64Array(height);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      cr[y] = re[y * width + x];
      ci[y] = im[y * width + x];
    }
    transform(cr, ci, inverse);
    for (let y = 0; y < height; y++) {
      re[y * width + x] = cr[y];
      im[y * width + x] = ci[y];
    }
  }
}

/** Signed frequency of DFT bin k of n, in cycles per sample: k/n for k <= n/2, else (k - n)/n. */
export function fftFrequency(k: number, n: number): number {
  return (k <= n / 2 ? k : k - n) / n;
}
