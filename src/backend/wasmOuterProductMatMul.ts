import type * as tf from "@tensorflow/tfjs";
import type { WasmHeapBackend } from "./wasmKernelCalls.js";
import { outerProductBlocking, outerProductHeap, wasmOuterProductAccumulate } from "./wasmOuterProductSimd.js";

/**
 * out[M, N] = a b or a^T b for one (unbatched) float32 matrix pair with N a multiple of 4, by the
 * outer-product SIMD loop of wasmOuterProductSimd.ts: out[m, :] += a[m, k] b[k, :] over k, a
 * register block of out in place, a's rows read with their stride (so a^T needs no transposed
 * copy) and b's rows streamed as they are, in panels of PANEL_ROWS rows x K_CHUNK of k so that
 * a's panel and the block's columns of b stay in L1. XNNPACK instead packs b on every call — see
 * wasmMatMulOverride.ts for when this path runs.
 * Undefined when the shapes do not fit (the caller's other path runs).
 */
export function outerProductMatMul(backend: WasmHeapBackend, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean): tf.TensorInfo | undefined {
  if (a.shape.length < 2 || b.shape.length < 2 || a.dtype !== "float32" || b.dtype !== "float32") return undefined;
  if (a.shape.slice(0, -2).some((d) => d !== 1) || b.shape.slice(0, -2).some((d) => d !== 1)) return undefined;
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [k, n] = b.shape.slice(-2) as [number, number];
  const [m, ka] = transposeA ? [ac, ar] : [ar, ac];
  if (ka !== k || n % 4 !== 0 || m === 0 || k === 0) return undefined;
  const memory = outerProductHeap(backend);
  if (memory === undefined) return undefined;
  const out = backend.makeOutput([...a.shape.slice(0, -2), m, n], "float32");
  // Views after the allocation: makeOutput may grow (and detach) the heap.
  const aAt = (backend.typedArrayFromHeap(a) as Float32Array).byteOffset;
  const bAt = (backend.typedArrayFromHeap(b) as Float32Array).byteOffset;
  const ov = backend.typedArrayFromHeap(out) as Float32Array;
  ov.fill(0);
  // a[m, k] at aAt + m rowStride + k colStride (bytes)
  const [rowStride, colStride] = transposeA ? [4, 4 * m] : [4 * k, 4];
  // Panels of PANEL_ROWS rows x K_CHUNK of k: a's panel and b's block of columns stay in L1 while
  // the loop sweeps b's columns; a last panel splits into a multiple of 4 rows and the rest.
  const panels: { first: number; rows: number }[] = [];
  for (let first = 0; first < m; first += PANEL_ROWS) {
    const rows = Math.min(PANEL_ROWS, m - first);
    if (rows % 4 === 0 || rows < 4) panels.push({ first, rows });
    else panels.push({ first, rows: rows - (rows % 4) }, { first: first + rows - (rows % 4), rows: rows % 4 });
  }
  for (const { first, rows } of panels) {
    const accumulate = wasmOuterProductAccumulate(memory, { ...outerProductBlocking(rows, n)!, inStrideBytes: rowStride });
    for (let k0 = 0; k0 < k; k0 += K_CHUNK) {
      accumulate(aAt + first * rowStride + k0 * colStride, bAt + 4 * k0 * n, 1, Math.min(K_CHUNK, k - k0), 0, colStride, 0, 4 * n, ov.byteOffset + 4 * first * n);
    }
  }
  return out;
}

/** Rows of b per pass and rows of a per panel (measured 64-256 and 16-64: within noise of each other). */
const K_CHUNK = 128;
const PANEL_ROWS = 32;
