import { SparsekitError } from "../validation/SparsekitError.js";

/** An atom as the maps draw it: centre (pixels of a width x height patch), edge orientation (degrees), frequency (cycles/pixel). */
export interface AtomGlyph {
  x: number;
  y: number;
  orientation: number;
  frequency: number;
}

export interface AtomMapOptions {
  /** Patch size the atom positions refer to. */
  patchHeight: number;
  patchWidth: number;
  /** Side of each map tile in pixels. Default 64. */
  size?: number;
  /** Atoms with |weight| below this fraction of the largest |weight| are not drawn. Default 0.25. */
  minFraction?: number;
}

type Rgb = [number, number, number];
const RED: Rgb = [0.84, 0.1, 0.1];
const BLUE: Rgb = [0.1, 0.3, 0.85];
const GREY: Rgb = [0.85, 0.85, 0.85];

function blend(tile: Float32Array, size: number, x: number, y: number, colour: Rgb, alpha: number): void {
  const px = Math.round(x);
  const py = Math.round(y);
  if (px < 0 || py < 0 || px >= size || py >= size) return;
  const at = (py * size + px) * 3;
  for (let c = 0; c < 3; c++) tile[at + c] = (1 - alpha) * tile[at + c]! + alpha * colour[c];
}

function segment(tile: Float32Array, size: number, x0: number, y0: number, x1: number, y1: number, colour: Rgb, alpha: number, thick: boolean): void {
  const steps = Math.max(1, Math.ceil(2 * Math.hypot(x1 - x0, y1 - y0)));
  for (let s = 0; s <= steps; s++) {
    const x = x0 + ((x1 - x0) * s) / steps;
    const y = y0 + ((y1 - y0) * s) / steps;
    blend(tile, size, x, y, colour, alpha);
    if (thick) blend(tile, size, x + 0.6, y + 0.6, colour, alpha);
  }
}

/**
 * Karklin & Lewicki style pictures of one higher-level unit over first-layer atoms: weights[i]
 * belongs to atom i. Returns two RGB tiles (size x size, values in [0, 1], white background):
 * - position: each atom drawn as a bar at its centre, along its edge orientation;
 * - orientation x frequency: a dot per atom in polar coordinates (angle = orientation, radius =
 *   frequency, outer circle 0.5 cycles/pixel, inner circle 0.25), drawn twice (theta, theta + 180).
 * Red = positive weight, blue = negative, opacity = |weight| / max |weight|.
 */
export function atomMapTiles(atoms: readonly AtomGlyph[], weights: ArrayLike<number>, options: AtomMapOptions): { position: Float32Array; spectrum: Float32Array } {
  const where = "atomMapTiles";
  if (weights.length !== atoms.length) throw new SparsekitError(`${where}: argument 'weights' must have one value per atom (${atoms.length}), got ${weights.length}.`);
  const size = options.size ?? 64;
  const minFraction = options.minFraction ?? 0.25;
  if (!Number.isInteger(size) || size < 8) throw new SparsekitError(`${where}: option 'size' must be an integer >= 8, got ${size}.`);
  const position = new Float32Array(size * size * 3).fill(1);
  const spectrum = new Float32Array(size * size * 3).fill(1);
  const c = (size - 1) / 2;
  const outer = c - 1;
  for (const [r, f] of [[outer, 1], [outer / 2, 1]] as const) {
    for (let t = 0; t < 360; t += 1) segment(spectrum, size, c + r * Math.cos((t * Math.PI) / 180), c - r * Math.sin((t * Math.PI) / 180), c + r * Math.cos(((t + 1) * Math.PI) / 180), c - r * Math.sin(((t + 1) * Math.PI) / 180), GREY, f, false);
  }
  segment(position, size, 0, 0, size - 1, 0, GREY, 1, false);
  segment(position, size, 0, size - 1, size - 1, size - 1, GREY, 1, false);
  segment(position, size, 0, 0, 0, size - 1, GREY, 1, false);
  segment(position, size, size - 1, 0, size - 1, size - 1, GREY, 1, false);
  let max = 0;
  for (let i = 0; i < weights.length; i++) max = Math.max(max, Math.abs(weights[i]!));
  if (max === 0) return { position, spectrum };
  const sx = size / options.patchWidth;
  const sy = size / options.patchHeight;
  const half = Math.max(sx, sy) * 1.6;
  // Weakest first, so strong atoms are drawn on top.
  const order = atoms.map((_, i) => i).sort((a, b) => Math.abs(weights[a]!) - Math.abs(weights[b]!));
  for (const i of order) {
    const w = weights[i]!;
    const alpha = Math.abs(w) / max;
    if (alpha < minFraction) continue;
    const colour = w > 0 ? RED : BLUE;
    const a = atoms[i]!;
    const th = (a.orientation * Math.PI) / 180;
    const px = (a.x + 0.5) * sx;
    const py = (a.y + 0.5) * sy;
    const dx = half * Math.cos(th);
    const dy = -half * Math.sin(th);
    segment(position, size, px - dx, py - dy, px + dx, py + dy, colour, alpha, true);
    const r = Math.min(1, a.frequency / 0.5) * outer;
    for (const sign of [1, -1]) {
      const x = c + sign * r * Math.cos(th);
      const y = c - sign * r * Math.sin(th);
      for (let ox = -1; ox <= 1; ox++) for (let oy = -1; oy <= 1; oy++) blend(spectrum, size, x + ox, y + oy, colour, alpha);
    }
  }
  return { position, spectrum };
}
