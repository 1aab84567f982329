import { composeGrid, normalizeImages, resolveGridLayout } from "../core.js";
import type { ImageTiles } from "../trainers/Trainer.js";

/** Orange of the mask overlay (kept pixels). */
const MASK_RGB = [1, 0.5, 0.05] as const;

/**
 * Draws tiles into a canvas with the reports' conventions (src/report: normalizeImages,
 * composeGrid): each filter stretched on its own, symmetric around 0 when it has negative values
 * (mid-grey = 0), 1 px white padding; the canvas is scaled up by CSS with pixelated rendering.
 * Masks are drawn as the digit in grey with the kept pixels tinted orange.
 */
export function drawImageGrid(canvas: HTMLCanvasElement, images: ImageTiles): void {
  const { side } = images;
  const n = images.tiles.length;
  if (n === 0) return;
  const layout = resolveGridLayout(n, { padding: 1 }, "playground grid");
  let tiles: Float32Array[];
  let channels = 1;
  if (images.overlays) {
    const grey = normalizeImages(images.tiles, "none", false, "playground grid", "tiles");
    channels = 3;
    tiles = grey.map((g, t) => {
      const m = images.overlays![t];
      const rgb = new Float32Array(g.length * 3);
      for (let i = 0; i < g.length; i++) {
        const a = 0.75 * m[i];
        for (let c = 0; c < 3; c++) rgb[3 * i + c] = (1 - a) * 0.85 * g[i] + a * MASK_RGB[c];
      }
      return rgb;
    });
  } else {
    tiles = normalizeImages(images.tiles, "perImage", "auto", "playground grid", "tiles");
  }
  const img = composeGrid(tiles, side, side, channels, layout, "playground grid");
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const pixels = new ImageData(img.width, img.height);
  pixels.data.set(img.data);
  ctx.putImageData(pixels, 0, 0);
  canvas.dataset.tiles = String(n);
}
