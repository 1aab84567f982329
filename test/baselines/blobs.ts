import { createRng } from "../../src/random/index.js";

/** `perBlob` points around each centre with isotropic noise `std`; labels = blob index. Test helper. */
export function blobs(centres: number[][], perBlob: number, std: number, seed: number): { data: Float32Array; labels: Int32Array; n: number; d: number } {
  const rng = createRng(seed);
  const d = centres[0].length;
  const n = centres.length * perBlob;
  const data = new Float32Array(n * d);
  const labels = new Int32Array(n);
  // Interleave blobs so no blob sits in a contiguous block.
  for (let i = 0; i < n; i++) {
    const c = i % centres.length;
    labels[i] = c;
    for (let j = 0; j < d; j++) data[i * d + j] = centres[c][j] + std * rng.normal();
  }
  return { data, labels, n, d };
}
