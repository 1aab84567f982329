import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertNumberOption } from "../validation/optionChecks.js";
import { assertTensor, shapeString } from "../validation/tensorChecks.js";

/** Images as given to the grid functions: a tensor, or one flat array per image. */
export type ImageInput = tf.Tensor | readonly ArrayLike<number>[];

/** A batch of equally sized images, each flat in row-major height x width x channels order. */
export interface ImageStack {
  images: Float32Array[];
  height: number;
  width: number;
  channels: number;
}

export interface ImageShapeOptions {
  height?: number;
  width?: number;
  /** 1 (grey) or 3 (RGB), channels last. Taken from a rank-4 tensor's shape when not given. */
  channels?: number;
}

function fail(where: string, name: string, expected: string, got: string): never {
  throw new SparsekitError(`${where}: argument '${name}' must be ${expected}, got ${got}.`);
}

/** Height and width for flat images of `size` values: given, one given, or square. */
function resolveFlatSize(size: number, channels: number, opts: ImageShapeOptions, where: string, name: string): [number, number] {
  if (size % channels !== 0) fail(where, name, `images whose length is a multiple of channels = ${channels}`, `length ${size}`);
  const pixels = size / channels;
  let { height, width } = opts;
  if (height === undefined && width === undefined) {
    const side = Math.round(Math.sqrt(pixels));
    if (side * side !== pixels) {
      fail(where, name, "square images unless options height and width are given", `${pixels} pixels per image (not a square)`);
    }
    return [side, side];
  }
  if (height === undefined) height = pixels / (width as number);
  if (width === undefined) width = pixels / height;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height * width !== pixels) {
    fail(where, name, `images of height x width x channels = ${opts.height ?? "?"} x ${opts.width ?? "?"} x ${channels} values`, `length ${size}`);
  }
  return [height, width];
}

/**
 * Reads images into flat float32 arrays (HWC order). Accepted: a tensor [n, h, w, c], [n, h, w]
 * (grey) or [n, h*w*c] (e.g. weight rows: transpose a [inputDim, units] kernel first), or an array
 * of n flat arrays of length h*w*c. Flat images need height/width, or are taken as square.
 * Shape options that contradict a tensor's shape are an error. The tensor is not disposed.
 */
export function readImageStack(images: ImageInput, where: string, name: string, opts: ImageShapeOptions): ImageStack {
  for (const key of ["height", "width"] as const) {
    if (opts[key] !== undefined) assertNumberOption(opts[key], where, key, { min: 1, integer: true });
  }
  if (opts.channels !== undefined && opts.channels !== 1 && opts.channels !== 3) {
    throw new SparsekitError(`${where}: option 'channels' must be 1 or 3, got ${String(opts.channels)}.`);
  }
  if (images instanceof tf.Tensor) {
    assertTensor(images, where, name);
    const shape = images.shape as number[];
    const n = shape[0] ?? 0;
    if (images.rank < 2 || images.rank > 4) {
      fail(where, name, "a rank 2, 3 or 4 tensor ([n, h*w*c], [n, h, w] or [n, h, w, c])", `shape ${shapeString(shape)}`);
    }
    if (shape.some((d) => d === 0)) fail(where, name, "a non-empty tensor", `shape ${shapeString(shape)}`);
    let height: number;
    let width: number;
    let channels: number;
    if (images.rank === 2) {
      channels = opts.channels ?? 1;
      [height, width] = resolveFlatSize(shape[1], channels, opts, where, name);
    } else {
      height = shape[1];
      width = shape[2];
      channels = images.rank === 4 ? shape[3] : 1;
      if (channels !== 1 && channels !== 3) fail(where, name, "1 or 3 channels (last axis)", `shape ${shapeString(shape)}`);
      const want = { height, width, channels };
      for (const key of ["height", "width", "channels"] as const) {
        if (opts[key] !== undefined && opts[key] !== want[key]) {
          throw new SparsekitError(`${where}: option '${key}' is ${opts[key]} but argument '${name}' has shape ${shapeString(shape)}.`);
        }
      }
    }
    const data = images.dataSync();
    const size = height * width * channels;
    const out: Float32Array[] = [];
    for (let i = 0; i < n; i++) out.push(Float32Array.from(data.subarray(i * size, (i + 1) * size) as ArrayLike<number>));
    return { images: out, height, width, channels };
  }
  if (!Array.isArray(images)) fail(where, name, "a tf.Tensor or an array of flat image arrays", images === null ? "null" : typeof images);
  if (images.length === 0) fail(where, name, "at least one image", "an empty array");
  const channels = opts.channels ?? 1;
  const first: unknown = images[0];
  if (!ArrayBuffer.isView(first) && !Array.isArray(first)) fail(where, `${name}[0]`, "an array or typed array of pixel values", typeof first);
  const size = (first as ArrayLike<number>).length;
  if (size === 0) fail(where, `${name}[0]`, "a non-empty image", "length 0");
  const [height, width] = resolveFlatSize(size, channels, opts, where, name);
  const out = (images as readonly unknown[]).map((img, i) => {
    const isArray = (ArrayBuffer.isView(img) && !(img instanceof DataView)) || Array.isArray(img);
    const len = isArray ? (img as ArrayLike<number>).length : -1;
    if (len !== size) {
      fail(where, `${name}[${i}]`, `an array of ${size} values like ${name}[0]`, isArray ? `length ${len}` : typeof img);
    }
    return Float32Array.from(img as ArrayLike<number>);
  });
  return { images: out, height, width, channels };
}
