import { SparsekitError } from "../validation/SparsekitError.js";

/**
 * A single-channel image on the host: `data[y * width + x]`, float32. Photographs decoded by
 * {@link loadNaturalImages} hold luminance in [0, 1]; whitened images are zero-mean and may hold
 * any finite value.
 */
export interface GreyImage {
  /** Where the image came from (e.g. "black-canyon"), kept through processing for reports. */
  name: string;
  width: number;
  height: number;
  data: Float32Array;
}

/** Throws a SparsekitError unless `img` is a well-formed {@link GreyImage} with finite values. */
export function assertGreyImage(img: unknown, where: string, name: string): asserts img is GreyImage {
  const g = img as Partial<GreyImage> | null;
  if (g === null || typeof g !== "object" || !(g.data instanceof Float32Array)) {
    throw new SparsekitError(`${where}: argument '${name}' must be a GreyImage { name, width, height, data: Float32Array }, got ${g === null ? "null" : typeof g === "object" ? "an object without a Float32Array 'data'" : typeof g}.`);
  }
  const { width, height, data } = g as GreyImage;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new SparsekitError(`${where}: argument '${name}' must have positive integer width and height, got ${width} x ${height}.`);
  }
  if (data.length !== width * height) {
    throw new SparsekitError(`${where}: argument '${name}' must hold width * height = ${width * height} values, got ${data.length}.`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new SparsekitError(`${where}: argument '${name}' must be finite everywhere, got ${data[i]} at pixel ${i}.`);
    }
  }
}
