import type { GreyImage } from "./core.js";

/** What scripts/build-playground-assets.ts writes into data/manifest.json. */
interface Manifest {
  version: number;
  mnist: { images: string; labels: string; side: number; train: number; test: number };
  photos: { file: string; images: { name: string; title: string; width: number; height: number; offset: number }[] };
}

export interface MnistAssets {
  /** Pixels in [0, 1], one row of side² values per digit: the training digits, then the test digits. */
  pixels: Float32Array;
  labels: Int32Array;
  side: number;
  train: number;
  test: number;
}

export interface Assets {
  mnist(): Promise<MnistAssets>;
  photos(): Promise<(GreyImage & { title: string })[]>;
}

async function bytes(url: URL): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot load ${url.pathname} (${r.status} ${r.statusText})`);
  return new Uint8Array(await r.arrayBuffer());
}

function unit(b: Uint8Array): Float32Array {
  const out = new Float32Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b[i] / 255;
  return out;
}

/** Loads the manifest now and each data set on first use (cached). */
export async function loadAssets(base = new URL("data/", document.baseURI)): Promise<Assets> {
  const r = await fetch(new URL("manifest.json", base));
  if (!r.ok) throw new Error(`cannot load the data manifest (${r.status}); run npm run playground:build`);
  const m = (await r.json()) as Manifest;
  let mnist: Promise<MnistAssets> | undefined;
  let photos: Promise<(GreyImage & { title: string })[]> | undefined;
  return {
    mnist: () =>
      (mnist ??= Promise.all([bytes(new URL(m.mnist.images, base)), bytes(new URL(m.mnist.labels, base))]).then(([px, lb]) => ({
        pixels: unit(px),
        labels: Int32Array.from(lb),
        side: m.mnist.side,
        train: m.mnist.train,
        test: m.mnist.test,
      }))),
    photos: () =>
      (photos ??= bytes(new URL(m.photos.file, base)).then((all) =>
        m.photos.images.map((p) => ({
          name: p.name,
          title: p.title,
          width: p.width,
          height: p.height,
          data: unit(all.subarray(p.offset, p.offset + p.width * p.height)),
        })),
      )),
  };
}
