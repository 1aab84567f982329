import { assertKnownOptions, assertEnumOption, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { composeGrid, resolveGridLayout, type GridLayoutOptions } from "./composeGrid.js";
import { encodePng } from "./encodePng.js";
import { checkSymmetric } from "./imageGrid.js";
import { readImageStack, type ImageInput, type ImageShapeOptions } from "./imageStack.js";
import { normalizeImages, type ImageNormalization } from "./normalizeImages.js";

export interface ReconstructionGridOptions extends Omit<GridLayoutOptions, "rows" | "cols">, ImageShapeOptions {
  /** Pairs per band (columns). Default min(n, 10). */
  pairsPerRow?: number;
  /** Default "none": data in [0, 1], reconstructions clamped, so over/undershoot is not hidden by rescaling. */
  normalize?: ImageNormalization;
  symmetric?: boolean | "auto";
}

/**
 * PNG comparing inputs with their reconstructions: bands of two rows, inputs on top and the
 * matching reconstructions directly below, `pairsPerRow` pairs per band. With "perImage" each
 * input is stretched together with its reconstruction (one mapping per pair, so they stay
 * comparable); "global" uses one mapping for all. Inputs and reconstructions take the same forms
 * and shape options as imageGrid and must have the same count and shape. Returns PNG bytes.
 */
export function reconstructionGrid(
  inputs: ImageInput,
  reconstructions: ImageInput,
  options: ReconstructionGridOptions = {},
): Uint8Array {
  const where = "reconstructionGrid";
  assertKnownOptions(options, where, ["pairsPerRow", "padding", "padColor", "scale", "height", "width", "channels", "normalize", "symmetric"]);
  const normalize = options.normalize ?? "none";
  const symmetric = options.symmetric ?? "auto";
  assertEnumOption(normalize, where, "normalize", ["perImage", "global", "none"] as const);
  checkSymmetric(symmetric, where);
  const a = readImageStack(inputs, where, "inputs", options);
  const b = readImageStack(reconstructions, where, "reconstructions", options);
  const n = a.images.length;
  if (b.images.length !== n || b.height !== a.height || b.width !== a.width || b.channels !== a.channels) {
    throw new SparsekitError(
      `${where}: argument 'reconstructions' must match inputs (${n} images of ${a.height}x${a.width}x${a.channels}), got ${b.images.length} of ${b.height}x${b.width}x${b.channels}.`,
    );
  }
  const perRow = options.pairsPerRow ?? Math.min(n, 10);
  assertNumberOption(perRow, where, "pairsPerRow", { min: 1, integer: true });
  const bands = Math.ceil(n / perRow);
  const all = [...a.images, ...b.images];
  const groups = a.images.map((_, i) => [i, n + i]);
  const norm = normalizeImages(all, normalize, symmetric, where, "inputs/reconstructions", groups);
  const tiles: (Float32Array | null)[] = [];
  for (let band = 0; band < bands; band++) {
    for (const offset of [0, n]) {
      for (let c = 0; c < perRow; c++) {
        const i = band * perRow + c;
        tiles.push(i < n ? norm[offset + i] : null);
      }
    }
  }
  const layout = resolveGridLayout(tiles.length, { ...options, rows: 2 * bands, cols: perRow }, where);
  return encodePng(composeGrid(tiles, a.height, a.width, a.channels, layout, where));
}
