// A hand-encoded WebAssembly SIMD loop that accumulates strided outer products, working on the tfjs
// wasm heap (wasmHeapModule.ts): the inner loop of sparsekit's convolution kernels
// (wasmConv2DBackpropFilter.ts, wasmConv2D.ts) and of its unbatched a·b / aᵀ·b products
// (wasmOuterProductMatMul.ts). It keeps a register block of the result in place and streams its
// two operands with any strides, so nothing is packed or transposed first; XNNPACK packs an operand
// on every call, which is what made its filter gradients (contracted dimension batch x space,
// 25k-100k for the MNIST CNN, for a 9 x 32 x 64 result) run at 2-15 GFLOP/s and its convolutions
// with few channels at 6-16.
import {
  BLOCK, BR, BR_IF, END, I32, I32_ADD, I32_CONST, I32_EQZ, I32_GE_U, I32_MUL, I32_SUB,
  LOCAL_GET, LOCAL_SET, LOOP, sleb, uleb, V128, V128_LOAD, V128_LOAD32_SPLAT, V128_STORE, VOID, F32X4_ADD, F32X4_MUL,
} from "./wasmEncoding.js";
import { heapForModule, heapFunction, heapModule } from "./wasmHeapModule.js";

/**
 * Shape of one module: acc is [inChannels, outChannels]; the register block is `inBlock` rows
 * (inChannels a multiple of it) x `outGroups` groups of four columns (outChannels a multiple of
 * 4 outGroups).
 */
export interface OuterProductBlocking {
  inChannels: number;
  outChannels: number;
  inBlock: number;
  outGroups: number;
  /** Bytes between consecutive input channels in x (default 4: contiguous). */
  inStrideBytes?: number;
}

/**
 * Register blocks (rows x groups of 4 columns) in order of preference, measured: 4x2 and 2x4 run at
 * 40-46 GFLOP/s (MNIST CNN filter gradient, 250x784x1200 products); 8 accumulators otherwise
 * shaped (8x1, 1x8) or more of them (4x4, 3x3, 2x5, 2x6: V8 then spills SIMD registers on x64)
 * 23-34; then blocks for few rows or columns (first conv layers: a filter row's 3-7 taps on one
 * channel; one-channel decoders with the roles swapped).
 */
const BLOCKS: readonly (readonly [number, number])[] = [
  [4, 2], [2, 4], [7, 1], [6, 1], [5, 1], [4, 1], [3, 2], [1, 8], [1, 7], [1, 6], [1, 5], [3, 1], [2, 2], [1, 4], [1, 3], [2, 1], [1, 2], [1, 1],
];

/** The first register block of BLOCKS that tiles an [inChannels, outChannels] accumulator; undefined when outChannels is not a multiple of 4. */
export function outerProductBlocking(inChannels: number, outChannels: number): OuterProductBlocking | undefined {
  if (outChannels % 4 !== 0) return undefined;
  const [inBlock, outGroups] = BLOCKS.find(([i, g]) => inChannels % i === 0 && (outChannels / 4) % g === 0)!;
  return { inChannels, outChannels, inBlock, outGroups };
}

/**
 * The module exports `accumulate(x, dy, rows, cols, xRowBytes, xColBytes, dyRowBytes, dyColBytes, acc)`,
 * which adds to acc[i, o] (float32, [inChannels, outChannels] row-major) for every i, o
 *   sum over row < rows, col < cols of x[row * xRowBytes + col * xColBytes + inStrideBytes i] * dy[row * dyRowBytes + col * dyColBytes + 4 o]
 * (byte offsets). A filter gradient: x the input pixels a group of taps reads, dy the output
 * gradient (or the roles swapped); a forward convolution: i the output pixels of a row, x the
 * padded input, dy the filter rows.
 */
export function wasmOuterProductModule(shared: boolean, blocking: OuterProductBlocking): Uint8Array<ArrayBuffer> {
  const { inChannels, outChannels, inBlock, outGroups } = blocking;
  const inStride = blocking.inStrideBytes ?? 4;
  if (inChannels % inBlock !== 0 || outChannels % (4 * outGroups) !== 0) throw new Error(`wasmOuterProductModule: blocking ${JSON.stringify(blocking)} does not tile the filter`);
  const coBytes = 4 * outChannels;
  const [x, dy, rows, cols, xRowBytes, xColBytes, dyRowBytes, dyColBytes, acc] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [xp, dp, xEnd, r, ib, ob, xRow, dyRow, accAt] = [9, 10, 11, 12, 13, 14, 15, 16, 17];
  const i32Locals = 9;
  const firstV128 = 9 + i32Locals;
  const a = (k: number, g: number) => firstV128 + k * outGroups + g; // accumulators
  const s = (k: number) => firstV128 + inBlock * outGroups + k; // splatted inputs
  const d = firstV128 + inBlock * outGroups + inBlock; // one dy vector
  const body: number[] = [2, ...uleb(i32Locals), I32, ...uleb(inBlock * outGroups + inBlock + 1), V128];
  // for ob < outChannels / (4 outGroups): for ib < inChannels / inBlock:
  body.push(I32_CONST, 0, LOCAL_SET, ob, BLOCK, VOID, LOOP, VOID);
  body.push(LOCAL_GET, ob, I32_CONST, ...sleb(outChannels / (4 * outGroups)), I32_GE_U, BR_IF, 1);
  body.push(I32_CONST, 0, LOCAL_SET, ib, BLOCK, VOID, LOOP, VOID);
  body.push(LOCAL_GET, ib, I32_CONST, ...sleb(inChannels / inBlock), I32_GE_U, BR_IF, 1);
  // accAt = acc + ib * inBlock * coBytes + ob * 16 outGroups
  body.push(LOCAL_GET, acc, LOCAL_GET, ib, I32_CONST, ...sleb(inBlock * coBytes), I32_MUL, I32_ADD);
  body.push(LOCAL_GET, ob, I32_CONST, ...sleb(16 * outGroups), I32_MUL, I32_ADD, LOCAL_SET, accAt);
  for (let k = 0; k < inBlock; k++) for (let g = 0; g < outGroups; g++) body.push(LOCAL_GET, accAt, ...V128_LOAD, 0x00, ...uleb(k * coBytes + 16 * g), LOCAL_SET, a(k, g));
  // xRow = x + 4 ib inBlock, dyRow = dy + 16 ob outGroups, r = rows
  body.push(LOCAL_GET, x, LOCAL_GET, ib, I32_CONST, ...sleb(inStride * inBlock), I32_MUL, I32_ADD, LOCAL_SET, xRow);
  body.push(LOCAL_GET, dy, LOCAL_GET, ob, I32_CONST, ...sleb(16 * outGroups), I32_MUL, I32_ADD, LOCAL_SET, dyRow);
  body.push(LOCAL_GET, rows, LOCAL_SET, r, BLOCK, VOID, LOOP, VOID);
  body.push(LOCAL_GET, r, I32_EQZ, BR_IF, 1);
  body.push(LOCAL_GET, xRow, LOCAL_SET, xp, LOCAL_GET, dyRow, LOCAL_SET, dp);
  body.push(LOCAL_GET, xRow, LOCAL_GET, cols, LOCAL_GET, xColBytes, I32_MUL, I32_ADD, LOCAL_SET, xEnd);
  body.push(BLOCK, VOID, LOOP, VOID);
  body.push(LOCAL_GET, xp, LOCAL_GET, xEnd, I32_GE_U, BR_IF, 1);
  for (let k = 0; k < inBlock; k++) body.push(LOCAL_GET, xp, ...V128_LOAD32_SPLAT, 0x02, ...uleb(inStride * k), LOCAL_SET, s(k));
  for (let g = 0; g < outGroups; g++) {
    body.push(LOCAL_GET, dp, ...V128_LOAD, 0x00, ...uleb(16 * g), LOCAL_SET, d);
    for (let k = 0; k < inBlock; k++) body.push(LOCAL_GET, a(k, g), LOCAL_GET, s(k), LOCAL_GET, d, ...F32X4_MUL, ...F32X4_ADD, LOCAL_SET, a(k, g));
  }
  body.push(LOCAL_GET, xp, LOCAL_GET, xColBytes, I32_ADD, LOCAL_SET, xp);
  body.push(LOCAL_GET, dp, LOCAL_GET, dyColBytes, I32_ADD, LOCAL_SET, dp);
  body.push(BR, 0, END, END);
  body.push(LOCAL_GET, xRow, LOCAL_GET, xRowBytes, I32_ADD, LOCAL_SET, xRow);
  body.push(LOCAL_GET, dyRow, LOCAL_GET, dyRowBytes, I32_ADD, LOCAL_SET, dyRow);
  body.push(LOCAL_GET, r, I32_CONST, 1, I32_SUB, LOCAL_SET, r);
  body.push(BR, 0, END, END);
  for (let k = 0; k < inBlock; k++) for (let g = 0; g < outGroups; g++) body.push(LOCAL_GET, accAt, LOCAL_GET, a(k, g), ...V128_STORE, 0x00, ...uleb(k * coBytes + 16 * g));
  body.push(LOCAL_GET, ib, I32_CONST, 1, I32_ADD, LOCAL_SET, ib, BR, 0, END, END);
  body.push(LOCAL_GET, ob, I32_CONST, 1, I32_ADD, LOCAL_SET, ob, BR, 0, END, END);
  body.push(END);
  return heapModule(shared, "accumulate", [I32, I32, I32, I32, I32, I32, I32, I32, I32], body);
}

export type WasmOuterProductAccumulate = (x: number, dy: number, rows: number, cols: number, xRowBytes: number, xColBytes: number, dyRowBytes: number, dyColBytes: number, acc: number) => void;

/** The `accumulate` function of the module for `blocking`, bound to `memory`. */
export function wasmOuterProductAccumulate(memory: WebAssembly.Memory, blocking: OuterProductBlocking): WasmOuterProductAccumulate {
  const { inChannels, outChannels, inBlock, outGroups } = blocking;
  return heapFunction<WasmOuterProductAccumulate>(memory, `outerProduct${inChannels}x${outChannels}/${inBlock}x${outGroups}/${blocking.inStrideBytes ?? 4}`, "accumulate", (shared) => wasmOuterProductModule(shared, blocking));
}

/** The backend's heap when the engine takes the module (wasm SIMD), else undefined (the caller's other path runs). */
export function outerProductHeap(backend: unknown): WebAssembly.Memory | undefined {
  return heapForModule(backend, "outerProduct", (shared) => wasmOuterProductModule(shared, { inChannels: 4, outChannels: 8, inBlock: 4, outGroups: 2 }));
}
