import { assertKnownOptions, assertEnumOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { composeGrid, resolveGridLayout, type GridLayoutOptions } from "./composeGrid.js";
import { encodePng } from "./encodePng.js";
import { readImageStack, type ImageInput, type ImageShapeOptions } from "./imageStack.js";
import { normalizeImages, type ImageNormalization } from "./normalizeImages.js";

export interface ImageGridOptions extends GridLayoutOptions, ImageShapeOptions {
  /** Default "perImage" (filters: each shows its own pattern at full contrast). */
  normalize?: ImageNormalization;
  /** Symmetric stretch around 0 (signed weights). Default "auto": when any value is negative. */
  symmetric?: boolean | "auto";
}

export const IMAGE_GRID_OPTION_KEYS = [
  "rows",
  "cols",
  "padding",
  "padColor",
  "scale",
  "height",
  "width",
  "channels",
  "normalize",
  "symmetric",
] as const;

/** Checks the `symmetric` option shared by the grid functions: true, false or "auto". */
export function checkSymmetric(value: unknown, where: string): asserts value is boolean | "auto" {
  if (value !== true && value !== false && value !== "auto") {
    throw new SparsekitError(`${where}: option 'symmetric' must be true, false or "auto", got ${JSON.stringify(value)}.`);
  }
}

/**
 * PNG of images tiled in a grid, e.g. learned filters or input samples (SPEC.md §5 filter/mask grids).
 * images: tensor [n, h, w, c], [n, h, w] or [n, h*w*c], or n flat HWC arrays (see readImageStack);
 * channels 1 (grey) or 3 (RGB).
 * Normalisation (see normalizeImages): default "perImage" with symmetric "auto", so signed filters
 * are each scaled by their own max |w| with 0 at mid-grey; "global" shares one scale; "none" clamps
 * [0, 1] data. Layout: rows x cols (default near-square), `padding` px (default 1) between tiles and
 * around the edge in `padColor` (default white), then integer `scale` upscaling.
 * Output size: (cols*(w+padding)+padding)*scale x (rows*(h+padding)+padding)*scale. Returns PNG bytes.
 */
export function imageGrid(images: ImageInput, options: ImageGridOptions = {}): Uint8Array {
  const where = "imageGrid";
  assertKnownOptions(options, where, IMAGE_GRID_OPTION_KEYS);
  const normalize = options.normalize ?? "perImage";
  const symmetric = options.symmetric ?? "auto";
  assertEnumOption(normalize, where, "normalize", ["perImage", "global", "none"] as const);
  checkSymmetric(symmetric, where);
  const stack = readImageStack(images, where, "images", options);
  const layout = resolveGridLayout(stack.images.length, options, where);
  const tiles = normalizeImages(stack.images, normalize, symmetric, where, "images");
  return encodePng(composeGrid(tiles, stack.height, stack.width, stack.channels, layout, where));
}
