import { SparsekitError } from "../validation/SparsekitError.js";

/**
 * How pixel values become grey levels:
 * - "perImage": each image (or each group, see normalizeImages) stretched to the full range;
 * - "global": one mapping for all images, so brightness is comparable across tiles;
 * - "none": values are taken as already in [0, 1] and clamped.
 */
export type ImageNormalization = "perImage" | "global" | "none";

/**
 * Maps images to [0, 1] display values.
 * Stretching ("perImage"/"global") is either
 * - symmetric: v -> 0.5 + 0.5 v / max|v|, so 0 is mid-grey, positive lighter, negative darker —
 *   the honest view of signed weights/filters; or
 * - min-max: v -> (v - min) / (max - min).
 * `symmetric: "auto"` (default) picks symmetric iff any value in any image is negative, decided once
 * for the whole batch so every tile follows one convention. A group with no spread (max|v| = 0, or
 * min = max) becomes uniform mid-grey 0.5. `groups` (lists of image indices) stretch several
 * images with one mapping in "perImage" mode, e.g. an input with its reconstruction.
 * NaN/±Infinity values are an error (SparsekitError naming the image).
 */
export function normalizeImages(
  images: readonly Float32Array[],
  mode: ImageNormalization,
  symmetric: boolean | "auto",
  where: string,
  name: string,
  groups?: readonly (readonly number[])[],
): Float32Array[] {
  images.forEach((img, i) => {
    const j = img.findIndex((v) => !Number.isFinite(v));
    if (j >= 0) {
      throw new SparsekitError(`${where}: argument '${name}' must be finite, got ${img[j]} in image ${i} at flat index ${j}.`);
    }
  });
  if (mode === "none") {
    if (symmetric === true) {
      throw new SparsekitError(`${where}: option 'symmetric' cannot be true with normalize "none" (values are shown as given, clamped to [0, 1]).`);
    }
    return images.map((img) => img.map((v) => Math.min(1, Math.max(0, v))));
  }
  const sym = symmetric === "auto" ? images.some((img) => img.some((v) => v < 0)) : symmetric;
  const groupList: readonly (readonly number[])[] =
    mode === "global" ? [images.map((_, i) => i)] : (groups ?? images.map((_, i) => [i]));
  const out: Float32Array[] = images.map((img) => new Float32Array(img.length));
  for (const group of groupList) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const i of group) {
      for (const v of images[i]) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const maxAbs = Math.max(Math.abs(lo), Math.abs(hi));
    for (const i of group) {
      const src = images[i];
      const dst = out[i];
      for (let k = 0; k < src.length; k++) {
        if (sym) dst[k] = maxAbs === 0 ? 0.5 : 0.5 + (0.5 * src[k]) / maxAbs;
        else dst[k] = hi === lo ? 0.5 : (src[k] - lo) / (hi - lo);
      }
    }
  }
  return out;
}
