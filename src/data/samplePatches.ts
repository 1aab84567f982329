import * as tf from "@tensorflow/tfjs";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertGreyImage, type GreyImage } from "./greyImage.js";
import { createRng, type Seed } from "../random/index.js";

export interface SamplePatchesOptions {
  /** Side of the square patches in pixels (e.g. 8 or 16). */
  size: number;
  /** Number of patches. */
  count: number;
  /** Seed of the draw (default 0): the same seed, images and options give the same patches. */
  seed?: Seed;
  /** Pixels to stay away from every image edge (default 0; ~4 after {@link whitenImage}, whose DFT wraps around). */
  border?: number;
}

/**
 * Cuts `count` random size x size patches: for each, an image uniformly at random, then a top-left
 * corner uniformly at random among the positions at least `border` pixels from every edge.
 * Returns a float32 tensor [count, size * size], each row one patch in row-major order (reshape to
 * [count, size, size, 1] for convolutions). SPEC.md §1.2, §4.
 */
export function samplePatches(images: readonly GreyImage[], opts: SamplePatchesOptions): tf.Tensor2D {
  const where = "samplePatches";
  if (!Array.isArray(images) || images.length === 0) {
    throw new SparsekitError(`${where}: argument 'images' must be a non-empty array of GreyImage, got ${Array.isArray(images) ? "[]" : typeof images}.`);
  }
  if (opts === undefined || opts === null || typeof opts !== "object") {
    throw new SparsekitError(`${where}: options must be an object with 'size' and 'count', got ${String(opts)}.`);
  }
  assertKnownOptions(opts, where, ["size", "count", "seed", "border"]);
  const { size, count } = opts;
  const border = opts.border ?? 0;
  assertNumberOption(size, where, "size", { integer: true, min: 1 });
  assertNumberOption(count, where, "count", { integer: true, min: 1 });
  assertNumberOption(border, where, "border", { integer: true, min: 0 });
  images.forEach((img, i) => {
    assertGreyImage(img, where, `images[${i}]`);
    if (img.width < size + 2 * border || img.height < size + 2 * border) {
      throw new SparsekitError(
        `${where}: argument 'images[${i}]' ("${img.name}") must be at least size + 2 * border = ${size + 2 * border} pixels on each side, got ${img.width} x ${img.height}.`,
      );
    }
  });
  const rng = createRng(opts.seed ?? 0, where);
  const d = size * size;
  const out = new Float32Array(count * d);
  for (let p = 0; p < count; p++) {
    const img = images[rng.int(images.length)];
    const x0 = border + rng.int(img.width - size - 2 * border + 1);
    const y0 = border + rng.int(img.height - size - 2 * border + 1);
    for (let y = 0; y < size; y++) {
      const at = (y0 + y) * img.width + x0;
      out.set(img.data.subarray(at, at + size), p * d + y * size);
    }
  }
  return tf.tensor2d(out, [count, d], "float32");
}
