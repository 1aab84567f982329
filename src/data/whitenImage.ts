import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { fft2d, fftFrequency } from "./fft.js";
import { assertGreyImage, type GreyImage } from "./greyImage.js";

export interface WhitenImageOptions {
  /** Cut-off of the low-pass part, in cycles/pixel (default 0.4, Olshausen & Field 1996). */
  f0?: number;
  /** Variance of the whitened image (default 0.1, as in Olshausen's IMAGES set). */
  variance?: number;
}

/**
 * Whole-image whitening of natural images (Olshausen & Field 1996; SPEC.md §1.2): the image minus
 * its mean is filtered in the Fourier domain with the zero-phase filter
 * `R(f) = f * exp(-(f / f0)^4)`, f = sqrt(fx^2 + fy^2) in cycles/pixel (each axis on its own
 * length, so non-square images work). The ramp f flattens the ~1/f amplitude spectrum of natural
 * scenes; the exp(-(f/f0)^4) factor rolls off the highest frequencies, where noise and aliasing
 * live. R is real and even, so the result is real (zero phase: edges stay in place). The result is
 * rescaled to zero mean and variance `variance` (Olshausen: 0.1), so images of different contrast
 * weigh alike. The DFT treats the image as periodic: pixels within a few of the borders see the
 * opposite edge, so sample patches away from the borders. Cost O(HW log(HW)).
 */
export function whitenImage(image: GreyImage, opts: WhitenImageOptions = {}): GreyImage {
  const where = "whitenImage";
  assertGreyImage(image, where, "image");
  assertKnownOptions(opts, where, ["f0", "variance"]);
  const f0 = opts.f0 ?? 0.4;
  const variance = opts.variance ?? 0.1;
  assertNumberOption(f0, where, "f0", { min: 0, exclusiveMin: true });
  assertNumberOption(variance, where, "variance", { min: 0, exclusiveMin: true });
  const { width: w, height: h, data } = image;
  const n = w * h;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += data[i];
  mean /= n;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = data[i] - mean;
  fft2d(re, im, h, w);
  for (let ky = 0; ky < h; ky++) {
    const fy = fftFrequency(ky, h);
    for (let kx = 0; kx < w; kx++) {
      const fx = fftFrequency(kx, w);
      const f = Math.sqrt(fx * fx + fy * fy);
      const r = f * Math.exp(-((f / f0) ** 4));
      re[ky * w + kx] *= r;
      im[ky * w + kx] *= r;
    }
  }
  fft2d(re, im, h, w, true);
  let m = 0;
  for (let i = 0; i < n; i++) m += re[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (re[i] - m) ** 2;
  v /= n;
  if (!(v > 1e-20)) {
    throw new SparsekitError(`${where}: argument 'image' ("${image.name}") must have some contrast; it is constant, so its whitened version is all zeros.`);
  }
  const s = Math.sqrt(variance / v);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (re[i] - m) * s;
  return { name: image.name, width: w, height: h, data: out };
}
