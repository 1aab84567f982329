import { fft2d, fftFrequency } from "../data/fft.js";
import { SparsekitError } from "../validation/SparsekitError.js";

/** Where and what a (Gabor-like) atom is. */
export interface AtomFeature {
  /** Centre of the atom's energy (phi^2-weighted mean), in pixels from the top-left pixel centre. */
  x: number;
  y: number;
  /** Orientation of the edge in degrees [0, 180), counter-clockwise: 0 = horizontal edge, 90 = vertical edge. */
  orientation: number;
  /** Spatial frequency of the spectral peak, cycles per pixel (0 .. 0.71). */
  frequency: number;
}

/**
 * Position, orientation and frequency of each atom (rows of `atoms`, each height x width,
 * row-major): position = energy centroid; orientation and frequency from the peak of the power
 * spectrum zero-padded to `pad` x `pad` (default 4x the larger side rounded up to a power of 2),
 * DC excluded. The edge runs perpendicular to the peak's wave vector.
 */
export function atomFeatures(atoms: ArrayLike<number>[], height: number, width: number, pad?: number): AtomFeature[] {
  const where = "atomFeatures";
  const n = pad ?? 2 ** Math.ceil(Math.log2(4 * Math.max(height, width)));
  if (!Number.isInteger(n) || n < Math.max(height, width) || (n & (n - 1)) !== 0) {
    throw new SparsekitError(`${where}: option 'pad' must be a power of 2 >= ${Math.max(height, width)}, got ${n}.`);
  }
  return atoms.map((atom, k) => {
    if (atom.length !== height * width) throw new SparsekitError(`${where}: atom ${k} has ${atom.length} values, expected ${height * width}.`);
    let total = 0;
    let sx = 0;
    let sy = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const e = atom[y * width + x] ** 2;
        total += e;
        sx += e * x;
        sy += e * y;
      }
    }
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) re[y * n + x] = atom[y * width + x];
    fft2d(re, im, n, n);
    let best = -1;
    let fx = 0;
    let fy = 0;
    for (let v = 0; v < n; v++) {
      for (let u = 0; u < n; u++) {
        if (u === 0 && v === 0) continue;
        const p = re[v * n + u] ** 2 + im[v * n + u] ** 2;
        if (p > best) {
          best = p;
          fx = fftFrequency(u, n);
          fy = fftFrequency(v, n);
        }
      }
    }
    // Wave vector (fx, fy) in image coordinates (y down); the edge is perpendicular to it.
    const waveAngle = (Math.atan2(-fy, fx) * 180) / Math.PI;
    const orientation = (((waveAngle + 90) % 180) + 180) % 180;
    return {
      x: total > 0 ? sx / total : (width - 1) / 2,
      y: total > 0 ? sy / total : (height - 1) / 2,
      orientation,
      frequency: Math.hypot(fx, fy),
    };
  });
}
