import { assertKnownOptions, assertEnumOption, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertRgb, composeGrid, resolveGridLayout, type GridLayoutOptions, type Rgb } from "./composeGrid.js";
import { encodePng } from "./encodePng.js";
import { checkSymmetric } from "./imageGrid.js";
import { readImageStack, type ImageInput, type ImageShapeOptions } from "./imageStack.js";
import { normalizeImages, type ImageNormalization } from "./normalizeImages.js";

export interface MaskOverlayOptions extends GridLayoutOptions, ImageShapeOptions {
  /** Mask colour. Default red [255, 0, 0]. */
  color?: Rgb;
  /** Opacity of a fully-on mask pixel, 0..1. Default 0.5. */
  alpha?: number;
  /** How the underlying images are normalised. Default "none" (data in [0, 1]). */
  normalize?: ImageNormalization;
  symmetric?: boolean | "auto";
}

/**
 * PNG of images with a coloured mask on top, e.g. which pixels a learned gate keeps.
 * masks: one mask per image, or a single mask applied to every image; each height x width values
 * in [0, 1] (soft masks allowed), as a tensor [m, h, w], [m, h, w, 1] or [m, h*w], or m flat
 * arrays. Per pixel: out = (1 - alpha*m) * image + alpha*m * color, the image shown in grey or RGB
 * after normalisation. Mask values outside [0, 1] or non-finite are an error. Layout options as in
 * imageGrid. Returns PNG bytes.
 */
export function maskOverlayGrid(images: ImageInput, masks: ImageInput, options: MaskOverlayOptions = {}): Uint8Array {
  const where = "maskOverlayGrid";
  assertKnownOptions(options, where, [
    "rows", "cols", "padding", "padColor", "scale", "height", "width", "channels", "normalize", "symmetric", "color", "alpha",
  ]);
  const normalize = options.normalize ?? "none";
  const symmetric = options.symmetric ?? "auto";
  const color = options.color ?? ([255, 0, 0] as const);
  const alpha = options.alpha ?? 0.5;
  assertEnumOption(normalize, where, "normalize", ["perImage", "global", "none"] as const);
  checkSymmetric(symmetric, where);
  assertRgb(color, where, "color");
  assertNumberOption(alpha, where, "alpha", { min: 0, max: 1 });
  const img = readImageStack(images, where, "images", options);
  const mask = readImageStack(masks, where, "masks", { height: img.height, width: img.width, channels: 1 });
  const n = img.images.length;
  if (mask.images.length !== 1 && mask.images.length !== n) {
    throw new SparsekitError(`${where}: argument 'masks' must hold 1 or ${n} masks (one per image), got ${mask.images.length}.`);
  }
  mask.images.forEach((m, i) => {
    const j = m.findIndex((v) => !(v >= 0 && v <= 1));
    if (j >= 0) throw new SparsekitError(`${where}: argument 'masks' must be within [0, 1], got ${m[j]} in mask ${i} at pixel ${j}.`);
  });
  const base = normalizeImages(img.images, normalize, symmetric, where, "images");
  const rgb = color.map((c) => c / 255);
  const pixels = img.height * img.width;
  const tiles = base.map((im, i) => {
    const m = mask.images[mask.images.length === 1 ? 0 : i];
    const out = new Float32Array(pixels * 3);
    for (let p = 0; p < pixels; p++) {
      const a = alpha * m[p];
      for (let c = 0; c < 3; c++) {
        const v = im[p * img.channels + (img.channels === 3 ? c : 0)];
        out[p * 3 + c] = (1 - a) * v + a * rgb[c];
      }
    }
    return out;
  });
  const layout = resolveGridLayout(n, options, where);
  return encodePng(composeGrid(tiles, img.height, img.width, 3, layout, where));
}
