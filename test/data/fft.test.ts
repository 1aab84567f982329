import { describe, expect, it } from "vitest";
import { fft1d, fft2d, fftFrequency } from "../../src/data/fft.js";
import { createRng } from "../../src/random/index.js";

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const or = new Float64Array(n);
  const oi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * j * k) / n;
      or[k] += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      oi[k] += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
  }
  return [or, oi];
}

function randomArrays(n: number, seed: number): [Float64Array, Float64Array] {
  const r = createRng(seed, "test");
  return [Float64Array.from({ length: n }, () => r.normal()), Float64Array.from({ length: n }, () => r.normal())];
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("fft1d", () => {
  it("matches the naive DFT for powers of two and other lengths (Bluestein)", () => {
    for (const n of [1, 2, 3, 5, 8, 12, 17, 64, 100]) {
      const [re, im] = randomArrays(n, n);
      const [wr, wi] = naiveDft(re, im);
      fft1d(re, im);
      expect(maxDiff(re, wr)).toBeLessThan(1e-9 * n);
      expect(maxDiff(im, wi)).toBeLessThan(1e-9 * n);
    }
  });

  it("inverts with inverse: true", () => {
    for (const n of [16, 30]) {
      const [re, im] = randomArrays(n, 100 + n);
      const [r0, i0] = [re.slice(), im.slice()];
      fft1d(re, im);
      fft1d(re, im, true);
      expect(maxDiff(re, r0)).toBeLessThan(1e-12);
      expect(maxDiff(im, i0)).toBeLessThan(1e-12);
    }
  });

  it("rejects mismatched arrays", () => {
    expect(() => fft1d(new Float64Array(4), new Float64Array(3))).toThrow(/fft1d: arguments 're' and 'im' must both hold 4/);
  });
});

describe("fft2d", () => {
  it("equals the naive 2-D DFT on a 6 x 5 array and round-trips", () => {
    const h = 6;
    const w = 5;
    const [re, im] = randomArrays(h * w, 9);
    const [r0, i0] = [re.slice(), im.slice()];
    const wr = new Float64Array(h * w);
    const wi = new Float64Array(h * w);
    for (let ky = 0; ky < h; ky++) {
      for (let kx = 0; kx < w; kx++) {
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const a = -2 * Math.PI * ((ky * y) / h + (kx * x) / w);
            wr[ky * w + kx] += r0[y * w + x] * Math.cos(a) - i0[y * w + x] * Math.sin(a);
            wi[ky * w + kx] += r0[y * w + x] * Math.sin(a) + i0[y * w + x] * Math.cos(a);
          }
        }
      }
    }
    fft2d(re, im, h, w);
    expect(maxDiff(re, wr)).toBeLessThan(1e-10);
    expect(maxDiff(im, wi)).toBeLessThan(1e-10);
    fft2d(re, im, h, w, true);
    expect(maxDiff(re, r0)).toBeLessThan(1e-12);
    expect(() => fft2d(re, im, 5, 5)).toThrow(/must both hold 25/);
  });
});

describe("fftFrequency", () => {
  it("gives signed cycles per sample", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((k) => fftFrequency(k, 8))).toEqual([0, 0.125, 0.25, 0.375, 0.5, -0.375, -0.25, -0.125]);
    expect(fftFrequency(3, 5)).toBeCloseTo(-0.4, 12);
  });
});
