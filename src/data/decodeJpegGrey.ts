import jpeg from "jpeg-js";
import { SparsekitError } from "../validation/SparsekitError.js";
import type { GreyImage } from "./greyImage.js";

/** ITU-R BT.601 luma weights (those of MATLAB's rgb2gray), applied to the gamma-encoded values. */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

/**
 * Decodes a JPEG (with the pure-JS jpeg-js decoder) into a greyscale {@link GreyImage} in [0, 1]:
 * `grey = (0.299 R + 0.587 G + 0.114 B) / 255`; greyscale JPEGs are taken as they are.
 */
export function decodeJpegGrey(bytes: Uint8Array, name = "image"): GreyImage {
  const where = "decodeJpegGrey";
  if (!(bytes instanceof Uint8Array)) {
    throw new SparsekitError(`${where}: argument 'bytes' must be a Uint8Array or Buffer, got ${bytes === null ? "null" : typeof bytes}.`);
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new SparsekitError(`${where}: argument 'bytes' of "${name}" must be a JPEG file (starting with ff d8), got ${bytes.length} byte(s) starting with ${Array.from(bytes.subarray(0, 2), (b) => b.toString(16).padStart(2, "0")).join(" ") || "nothing"}.`);
  }
  let raw: { width: number; height: number; data: Uint8Array };
  try {
    raw = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    throw new SparsekitError(`${where}: cannot decode JPEG "${name}" (${(e as Error).message}).`);
  }
  const { width, height } = raw;
  const pixels = width * height;
  const channels = pixels > 0 ? raw.data.length / pixels : 0;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new SparsekitError(`${where}: JPEG "${name}" decoded to ${raw.data.length} bytes for ${width} x ${height} pixels; expected 1, 3 or 4 channels.`);
  }
  const data = new Float32Array(pixels);
  const [wr, wg, wb] = LUMA_WEIGHTS;
  for (let i = 0; i < pixels; i++) {
    const at = i * channels;
    data[i] = channels === 1 ? raw.data[at] / 255 : (wr * raw.data[at] + wg * raw.data[at + 1] + wb * raw.data[at + 2]) / 255;
  }
  return { name, width, height, data };
}
