import { PNG } from "pngjs";

/** Decodes PNG bytes with pngjs (the encoder's own library) into width, height and RGBA data. */
export function decodePng(bytes: Uint8Array): { width: number; height: number; data: Buffer } {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: png.data };
}

/** RGB of pixel (x, y). */
export function rgbAt(img: { width: number; data: Buffer }, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * 4;
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}
