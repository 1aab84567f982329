import { SparsekitError } from "../validation/SparsekitError.js";
import { assertNumberOption } from "../validation/optionChecks.js";

/** An RGB colour, each component an integer 0..255. */
export type Rgb = readonly [number, number, number];

/** Tile arrangement: `padding` pixels between tiles and around the border, then integer upscaling. */
export interface GridLayoutOptions {
  rows?: number;
  cols?: number;
  /** Pixels (before scaling) between tiles and around the edge. Default 1. */
  padding?: number;
  /** Colour of the padding and of unused cells. Default white [255, 255, 255]. */
  padColor?: Rgb;
  /** Integer nearest-neighbour upscaling of the finished grid (padding included). Default 1. */
  scale?: number;
}

export interface GridLayout {
  rows: number;
  cols: number;
  padding: number;
  padColor: Rgb;
  scale: number;
}

/** RGBA pixels, row-major, 4 bytes per pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Largest grid side in pixels; beyond it a PNG is more likely a mistake than a picture. */
const MAX_SIDE = 16384;

/** Checks an [r, g, b] option (integers 0..255), e.g. padColor or a mask colour. */
export function assertRgb(value: unknown, where: string, name: string): asserts value is Rgb {
  const ok = Array.isArray(value) && value.length === 3 && value.every((c) => Number.isInteger(c) && c >= 0 && c <= 255);
  if (!ok) throw new SparsekitError(`${where}: option '${name}' must be [r, g, b] with integers 0..255, got ${JSON.stringify(value)}.`);
}

/**
 * Fills in rows/cols for `count` tiles (default: cols = ceil(sqrt(count)), rows = ceil(count/cols);
 * with only one given, the other is derived) and checks every layout option.
 */
export function resolveGridLayout(count: number, opts: GridLayoutOptions, where: string): GridLayout {
  let { rows, cols } = opts;
  if (rows !== undefined) assertNumberOption(rows, where, "rows", { min: 1, integer: true });
  if (cols !== undefined) assertNumberOption(cols, where, "cols", { min: 1, integer: true });
  if (rows === undefined && cols === undefined) cols = Math.ceil(Math.sqrt(count));
  if (rows === undefined) rows = Math.ceil(count / (cols as number));
  if (cols === undefined) cols = Math.ceil(count / rows);
  if (rows * cols < count) {
    throw new SparsekitError(`${where}: options rows x cols = ${rows} x ${cols} = ${rows * cols} cells cannot hold ${count} images.`);
  }
  const padding = opts.padding ?? 1;
  const scale = opts.scale ?? 1;
  const padColor = opts.padColor ?? ([255, 255, 255] as const);
  assertNumberOption(padding, where, "padding", { min: 0, max: 256, integer: true });
  assertNumberOption(scale, where, "scale", { min: 1, max: 64, integer: true });
  assertRgb(padColor, where, "padColor");
  return { rows, cols, padding, padColor, scale };
}

/**
 * Lays out tiles (row-major; null = empty cell) of height x width x channels values in [0, 1]
 * (channels 1 = grey or 3 = RGB) into one opaque RGBA image of
 * (cols*(width+padding)+padding)*scale by (rows*(height+padding)+padding)*scale pixels.
 * Values map to bytes as round(255 * v).
 */
export function composeGrid(
  tiles: readonly (Float32Array | null)[],
  height: number,
  width: number,
  channels: number,
  layout: GridLayout,
  where: string,
): RgbaImage {
  const { rows, cols, padding, padColor, scale } = layout;
  const baseW = cols * (width + padding) + padding;
  const baseH = rows * (height + padding) + padding;
  if (baseW * scale > MAX_SIDE || baseH * scale > MAX_SIDE) {
    throw new SparsekitError(
      `${where}: the grid would be ${baseW * scale} x ${baseH * scale} pixels; at most ${MAX_SIDE} per side (use fewer images, rows/cols or a smaller scale).`,
    );
  }
  const base = new Uint8Array(baseW * baseH * 4);
  for (let p = 0; p < baseW * baseH; p++) {
    base[p * 4] = padColor[0];
    base[p * 4 + 1] = padColor[1];
    base[p * 4 + 2] = padColor[2];
    base[p * 4 + 3] = 255;
  }
  tiles.forEach((tile, t) => {
    if (tile === null) return;
    const x0 = padding + (t % cols) * (width + padding);
    const y0 = padding + Math.floor(t / cols) * (height + padding);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const src = (y * width + x) * channels;
        const dst = ((y0 + y) * baseW + x0 + x) * 4;
        for (let c = 0; c < 3; c++) base[dst + c] = Math.round(255 * tile[src + (channels === 3 ? c : 0)]);
      }
    }
  });
  if (scale === 1) return { width: baseW, height: baseH, data: base };
  const W = baseW * scale;
  const H = baseH * scale;
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    const sy = Math.floor(y / scale);
    for (let x = 0; x < W; x++) {
      const s = (sy * baseW + Math.floor(x / scale)) * 4;
      const d = (y * W + x) * 4;
      data[d] = base[s];
      data[d + 1] = base[s + 1];
      data[d + 2] = base[s + 2];
      data[d + 3] = 255;
    }
  }
  return { width: W, height: H, data };
}
