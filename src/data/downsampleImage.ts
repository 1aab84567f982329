import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { assertGreyImage, type GreyImage } from "./greyImage.js";

/** Area-average resampling of one axis: each output sample is the mean of the input it covers. */
function resampleAxis(src: Float32Array, n: number, m: number, lines: number, stride: number, step: number): Float32Array {
  // src holds `lines` lines of n samples: sample i of line l at l * stride + i * step.
  const out = new Float32Array(lines * m);
  const scale = n / m;
  for (let j = 0; j < m; j++) {
    const a = j * scale;
    const b = (j + 1) * scale;
    const i0 = Math.floor(a);
    const i1 = Math.min(n, Math.ceil(b));
    for (let i = i0; i < i1; i++) {
      const w = (Math.min(b, i + 1) - Math.max(a, i)) / scale;
      if (w <= 0) continue;
      for (let l = 0; l < lines; l++) out[l * m + j] += w * src[l * stride + i * step];
    }
  }
  return out;
}

/**
 * Shrinks an image so that its longer side is at most `maxSize` pixels, keeping the aspect ratio,
 * by area averaging (each output pixel is the mean of the input area it covers, which also
 * low-pass filters against aliasing). Images already small enough are returned unchanged (same
 * object). Why: an 8x8 patch of a multi-megapixel photograph is nearly flat. SPEC.md §4.
 */
export function downsampleImage(image: GreyImage, opts: { maxSize: number }): GreyImage {
  const where = "downsampleImage";
  assertGreyImage(image, where, "image");
  assertKnownOptions(opts, where, ["maxSize"]);
  assertNumberOption(opts?.maxSize, where, "maxSize", { integer: true, min: 1 });
  const { width: w, height: h } = image;
  const long = Math.max(w, h);
  if (long <= opts.maxSize) return image;
  const f = opts.maxSize / long;
  const nw = Math.max(1, Math.round(w * f));
  const nh = Math.max(1, Math.round(h * f));
  // Rows first (h lines of w samples), giving h x nw row-major; then columns (nw lines of h samples).
  const rows = resampleAxis(image.data, w, nw, h, w, 1);
  const colsT = resampleAxis(rows, h, nh, nw, 1, nw); // nw x nh (transposed)
  const data = new Float32Array(nw * nh);
  for (let x = 0; x < nw; x++) for (let y = 0; y < nh; y++) data[y * nw + x] = colsT[x * nh + y];
  return { name: image.name, width: nw, height: nh, data };
}
