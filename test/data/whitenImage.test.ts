import { describe, expect, it } from "vitest";
import { fft2d, fftFrequency } from "../../src/data/fft.js";
import type { GreyImage } from "../../src/data/greyImage.js";
import { loadNaturalImages } from "../../src/data/naturalImages.js";
import { createRng } from "../../src/random/index.js";
import { whitenImage } from "../../src/data/whitenImage.js";

/** Pink (1/f amplitude) noise: random phases, amplitude 1/f, back to space; real part kept. */
function pinkNoise(width: number, height: number, seed: number): GreyImage {
  const r = createRng(seed, "test");
  const re = new Float64Array(width * height);
  const im = new Float64Array(width * height);
  for (let ky = 0; ky < height; ky++) {
    for (let kx = 0; kx < width; kx++) {
      const f = Math.hypot(fftFrequency(kx, width), fftFrequency(ky, height));
      if (f === 0) continue;
      re[ky * width + kx] = r.normal() / f;
      im[ky * width + kx] = r.normal() / f;
    }
  }
  fft2d(re, im, height, width, true);
  return { name: "pink", width, height, data: Float32Array.from(re) };
}

/** Mean spectral power of an image in the radial band [lo, hi) cycles/pixel. */
function bandPower(img: GreyImage, lo: number, hi: number): number {
  const { width: w, height: h } = img;
  const re = Float64Array.from(img.data);
  const im = new Float64Array(w * h);
  fft2d(re, im, h, w);
  let sum = 0;
  let count = 0;
  for (let ky = 0; ky < h; ky++) {
    for (let kx = 0; kx < w; kx++) {
      const f = Math.hypot(fftFrequency(kx, w), fftFrequency(ky, h));
      if (f >= lo && f < hi) {
        sum += re[ky * w + kx] ** 2 + im[ky * w + kx] ** 2;
        count++;
      }
    }
  }
  return sum / count;
}

describe("whitenImage", () => {
  it("flattens the radial power spectrum of 1/f noise", () => {
    // 96 x 80: neither side a power of two, so the Bluestein path is used too.
    const pink = pinkNoise(96, 80, 1);
    const white = whitenImage(pink);
    const before = bandPower(pink, 0.02, 0.06) / bandPower(pink, 0.12, 0.2);
    const after = bandPower(white, 0.02, 0.06) / bandPower(white, 0.12, 0.2);
    // 1/f^2 power: low band ~ (0.16 / 0.04)^2 = 16 times the mid band before; ~flat after.
    expect(before).toBeGreaterThan(6);
    expect(after).toBeGreaterThan(0.6);
    expect(after).toBeLessThan(1.6);
    // The high-frequency roll-off exp(-(f/f0)^4) damps the corners: power at f > 0.55 is below mid power.
    expect(bandPower(white, 0.55, 0.8)).toBeLessThan(0.5 * bandPower(white, 0.12, 0.2));
  });

  it("flattens the spectrum of a real photograph too", () => {
    const [photo] = loadNaturalImages({ names: ["nagasaki-boats"], maxSize: 256 });
    const white = whitenImage(photo);
    // Measured at 512 px: low/mid band power 32 before, 1.9 after.
    expect(bandPower(photo, 0.02, 0.06) / bandPower(photo, 0.12, 0.2)).toBeGreaterThan(10);
    expect(bandPower(white, 0.02, 0.06) / bandPower(white, 0.12, 0.2)).toBeLessThan(3);
  });

  it("returns zero mean and the requested variance", () => {
    const white = whitenImage(pinkNoise(64, 64, 2), { variance: 0.25 });
    const n = white.data.length;
    const mean = white.data.reduce((s, v) => s + v, 0) / n;
    const variance = white.data.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(1e-5);
    expect(variance).toBeCloseTo(0.25, 4);
    expect(white.name).toBe("pink");
  });

  it("is zero-phase: the response to a single bright pixel is point-symmetric around it", () => {
    const size = 32;
    const c = 16;
    const data = new Float32Array(size * size);
    data[c * size + c] = 1;
    const out = whitenImage({ name: "dot", width: size, height: size, data });
    let peak = 0;
    for (let i = 1; i < out.data.length; i++) if (out.data[i] > out.data[peak]) peak = i;
    expect(peak).toBe(c * size + c);
    for (const [dx, dy] of [[1, 0], [0, 2], [3, -1], [5, 5]]) {
      expect(out.data[(c + dy) * size + c + dx]).toBeCloseTo(out.data[(c - dy) * size + c - dx], 5);
    }
  });

  it("rejects flat images and bad options", () => {
    const flat: GreyImage = { name: "flat", width: 8, height: 8, data: new Float32Array(64).fill(0.5) };
    expect(() => whitenImage(flat)).toThrow(/whitenImage: argument 'image' \("flat"\) must have some contrast/);
    const img = pinkNoise(16, 16, 3);
    expect(() => whitenImage(img, { f0: 0 })).toThrow(/option 'f0' must be a finite number, > 0/);
    expect(() => whitenImage(img, { varience: 1 } as never)).toThrow(/unknown option 'varience'/);
  });
});
