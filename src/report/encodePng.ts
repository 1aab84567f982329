import { PNG } from "pngjs";
import type { RgbaImage } from "./composeGrid.js";

/**
 * Encodes an opaque RGBA image as PNG bytes with pngjs (8-bit RGB, alpha dropped: every grid is
 * opaque). Decode with `PNG.sync.read` from pngjs to get RGBA back.
 */
export function encodePng(image: RgbaImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const buf = PNG.sync.write(png, { colorType: 2, inputColorType: 6, inputHasAlpha: true });
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
