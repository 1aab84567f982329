import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random/index.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertBatchSize, assertFinite, assertTensor, shapeString } from "../validation/tensorChecks.js";

/** One affine transform of an image about its centre: output = s R(theta) (input - c) + c + t. */
export interface AffineParams {
  /** Rotation in degrees; positive turns the picture clockwise as displayed (x right, y down). */
  rotation: number;
  /** Isotropic scale factor (> 0); 1 = unchanged size. */
  scale: number;
  /** Translation in pixels along columns (x, right) and rows (y, down). */
  shiftX: number;
  shiftY: number;
}

export interface AffineImageOptions {
  /** Image height and width for flat [B, H*W*C] input; default a square image (D must be a square). */
  height?: number;
  width?: number;
  /** Value of pixels that the transform brings in from outside the image (default 0, MNIST background). */
  fillValue?: number;
}

export interface RandomAffineOptions extends AffineImageOptions {
  /** Seed of the per-sample transforms (the same seed and batch give the same output). Required. */
  seed: number;
  /** Largest translation in pixels, per axis, drawn uniformly in [-maxShift, maxShift] (default 2). */
  maxShift?: number;
  /** Largest rotation in degrees, drawn uniformly in [-maxRotation, maxRotation] (default 12). */
  maxRotation?: number;
  /** Largest relative scale change: scale uniform in [1 - maxScale, 1 + maxScale] (default 0.1, < 1). */
  maxScale?: number;
}

interface Layout {
  batch: number;
  height: number;
  width: number;
  channels: number;
}

const IMAGE_KEYS = ["height", "width", "fillValue"] as const;

function layoutOf(x: tf.Tensor, opts: AffineImageOptions, where: string): Layout {
  assertTensor(x, where, "x");
  assertBatchSize(x, where, "x");
  const s = x.shape as number[];
  if (x.rank === 4) return { batch: s[0], height: s[1], width: s[2], channels: s[3] };
  if (x.rank === 3) return { batch: s[0], height: s[1], width: s[2], channels: 1 };
  if (x.rank !== 2) {
    throw new SparsekitError(`${where}: argument 'x' must be images [B, H, W, C], [B, H, W] or flat [B, H*W*C], got shape ${shapeString(s)}.`);
  }
  const d = s[1];
  let { height, width } = opts;
  if (height === undefined && width === undefined) {
    const side = Math.round(Math.sqrt(d));
    if (side * side !== d) {
      throw new SparsekitError(`${where}: flat input of ${d} features is not a square image; pass options 'height' and 'width' (got shape ${shapeString(s)}).`);
    }
    height = width = side;
  }
  assertNumberOption(height, where, "height", { integer: true, min: 1 });
  assertNumberOption(width, where, "width", { integer: true, min: 1 });
  const channels = d / (height * width);
  if (!Number.isInteger(channels) || channels < 1) {
    throw new SparsekitError(`${where}: options 'height' x 'width' = ${height} x ${width} must divide the ${d} features of each row of 'x'.`);
  }
  return { batch: s[0], height, width, channels };
}

/**
 * Bilinear warp of every image by its own affine transform (channels-last, row-major pixels).
 * Output pixel q samples the input at `p = R(-theta) (q - c - t) / s + c`, c the image centre
 * ((W-1)/2, (H-1)/2); neighbours outside the image read `fill`. Pure JS on host memory: O(B H W C).
 */
function warp(src: Float32Array, layout: Layout, params: readonly AffineParams[], fill: number): Float32Array {
  const { height: h, width: w, channels: ch } = layout;
  const out = new Float32Array(src.length);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const plane = h * w * ch;
  for (let b = 0; b < params.length; b++) {
    const { rotation, scale, shiftX, shiftY } = params[b];
    const th = (rotation * Math.PI) / 180;
    const cos = Math.cos(th) / scale;
    const sin = Math.sin(th) / scale;
    const base = b * plane;
    for (let r = 0; r < h; r++) {
      const qy = r - cy - shiftY;
      for (let c = 0; c < w; c++) {
        const qx = c - cx - shiftX;
        // inverse rotation R(-theta) = [[cos, sin], [-sin, cos]]
        const px = cos * qx + sin * qy + cx;
        const py = -sin * qx + cos * qy + cy;
        const x0 = Math.floor(px);
        const y0 = Math.floor(py);
        const fx = px - x0;
        const fy = py - y0;
        const o = base + (r * w + c) * ch;
        // Neighbour offsets, or -1 outside the image (reads `fill`).
        const inX0 = x0 >= 0 && x0 < w;
        const inX1 = x0 + 1 >= 0 && x0 + 1 < w;
        const inY0 = y0 >= 0 && y0 < h;
        const inY1 = y0 + 1 >= 0 && y0 + 1 < h;
        const i00 = inY0 && inX0 ? base + (y0 * w + x0) * ch : -1;
        const i01 = inY0 && inX1 ? base + (y0 * w + x0 + 1) * ch : -1;
        const i10 = inY1 && inX0 ? base + ((y0 + 1) * w + x0) * ch : -1;
        const i11 = inY1 && inX1 ? base + ((y0 + 1) * w + x0 + 1) * ch : -1;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        for (let k = 0; k < ch; k++) {
          // Zero weights are skipped so the identity transform reproduces the input exactly.
          let v = w00 === 0 ? 0 : w00 * (i00 < 0 ? fill : src[i00 + k]);
          if (w01 !== 0) v += w01 * (i01 < 0 ? fill : src[i01 + k]);
          if (w10 !== 0) v += w10 * (i10 < 0 ? fill : src[i10 + k]);
          if (w11 !== 0) v += w11 * (i11 < 0 ? fill : src[i11 + k]);
          out[o + k] = v;
        }
      }
    }
  }
  return out;
}

function checkFill(opts: AffineImageOptions, where: string): number {
  const fill = opts.fillValue ?? 0;
  assertNumberOption(fill, where, "fillValue");
  return fill;
}

/**
 * Applies the given affine transform to each image of a batch (bilinear interpolation, SPEC §1.5
 * consistency term). `params` holds one transform per sample. The identity transform
 * ({ rotation: 0, scale: 1, shiftX: 0, shiftY: 0 }) returns the input exactly; an integer shift
 * moves the pixels by that many places and fills the uncovered border with `fillValue`.
 * Not differentiable (the result is a new constant tensor); the caller owns it.
 *
 * @param x images [B, H, W, C], [B, H, W] or flat [B, H*W*C] (then height/width options, or a square).
 * @returns a float32 tensor of x's shape.
 */
export function affineWarp(x: tf.Tensor, params: readonly AffineParams[], options: AffineImageOptions = {}): tf.Tensor {
  const where = "affineWarp";
  assertKnownOptions(options, where, IMAGE_KEYS);
  const layout = layoutOf(x, options, where);
  const fill = checkFill(options, where);
  if (!Array.isArray(params) || params.length !== layout.batch) {
    throw new SparsekitError(`${where}: argument 'params' must hold one transform per image (${layout.batch}), got ${Array.isArray(params) ? params.length : typeof params}.`);
  }
  params.forEach((p, i) => {
    if (p === null || typeof p !== "object") throw new SparsekitError(`${where}: argument 'params[${i}]' must be { rotation, scale, shiftX, shiftY }.`);
    assertNumberOption(p.rotation, where, `params[${i}].rotation`);
    assertNumberOption(p.scale, where, `params[${i}].scale`, { min: 0, exclusiveMin: true });
    assertNumberOption(p.shiftX, where, `params[${i}].shiftX`);
    assertNumberOption(p.shiftY, where, `params[${i}].shiftY`);
  });
  assertFinite(x, where, "x");
  // (not returned from tf.tidy: tidy walks its result, element by element for a typed array)
  const xf = x.dtype === "float32" ? x : tf.cast(x, "float32");
  const src = xf.dataSync() as Float32Array;
  if (xf !== x) xf.dispose();
  return tf.tensor(warp(src, layout, params, fill), x.shape, "float32");
}

/**
 * Draws one random affine transform per sample from a seeded RNG: rotation uniform in
 * [-maxRotation, maxRotation] degrees, scale uniform in [1 - maxScale, 1 + maxScale], shifts
 * uniform in [-maxShift, maxShift] pixels per axis (continuous, so sub-pixel shifts too).
 */
export function sampleAffineParams(count: number, options: Omit<RandomAffineOptions, keyof AffineImageOptions>): AffineParams[] {
  const where = "sampleAffineParams";
  assertNumberOption(count, where, "count", { integer: true, min: 0 });
  const { maxShift, maxRotation, maxScale } = readRanges(options, where);
  assertNumberOption(options.seed, where, "seed", { integer: true });
  const rng = createRng(options.seed, where);
  const u = (m: number) => m * (2 * rng.next() - 1);
  return Array.from({ length: count }, () => {
    const rotation = u(maxRotation);
    const scale = 1 + u(maxScale);
    return { rotation, scale, shiftX: u(maxShift), shiftY: u(maxShift) };
  });
}

function readRanges(options: Partial<RandomAffineOptions>, where: string): { maxShift: number; maxRotation: number; maxScale: number } {
  const maxShift = options.maxShift ?? 2;
  const maxRotation = options.maxRotation ?? 12;
  const maxScale = options.maxScale ?? 0.1;
  assertNumberOption(maxShift, where, "maxShift", { min: 0 });
  assertNumberOption(maxRotation, where, "maxRotation", { min: 0, max: 180 });
  assertNumberOption(maxScale, where, "maxScale", { min: 0, max: 1, exclusiveMax: true });
  return { maxShift, maxRotation, maxScale };
}

/**
 * Random small affine augmentation of a batch of images (shift, rotation, slight scale; SPEC §1.5:
 * the augmented copy of IMSAT-style consistency training): each image gets its own transform from
 * {@link sampleAffineParams} seeded by `seed`, applied by {@link affineWarp} (bilinear, borders
 * filled with `fillValue`). Defaults for 28x28 digits: shifts ±2 px, rotations ±12°, scale ±10%.
 * All ranges 0 return the input unchanged. The caller owns the returned tensor (x's shape).
 */
export function randomAffine(x: tf.Tensor, options: RandomAffineOptions): tf.Tensor {
  const where = "randomAffine";
  if (options === null || typeof options !== "object") {
    throw new SparsekitError(`${where}: argument 'options' must be an object with at least { seed }, got ${String(options)}.`);
  }
  assertKnownOptions(options, where, ["seed", "maxShift", "maxRotation", "maxScale", ...IMAGE_KEYS]);
  assertNumberOption(options.seed, where, "seed", { integer: true });
  const ranges = readRanges(options, where);
  const layout = layoutOf(x, options, where);
  const params = sampleAffineParams(layout.batch, { seed: options.seed, ...ranges });
  const image: AffineImageOptions = {};
  if (options.height !== undefined) image.height = options.height;
  if (options.width !== undefined) image.width = options.width;
  if (options.fillValue !== undefined) image.fillValue = options.fillValue;
  return affineWarp(x, params, image);
}
