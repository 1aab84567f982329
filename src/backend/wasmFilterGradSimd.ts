// A hand-encoded WebAssembly SIMD loop for the filter gradient of a convolution (NHWC, float32),
// working on the tfjs wasm heap (wasmHeapModule.ts). XNNPACK has no good form for it: as a
// convolution or a matmul the contracted dimension is batch x space (25k-100k for the MNIST CNN)
// while the output is small (9 x 32 x 64 at most), so it packs and streams all of dY for
// 2-15 GFLOP/s. This loop keeps a register block of the output in place and streams one image.
import {
  BLOCK, BR, BR_IF, END, I32, I32_ADD, I32_CONST, I32_EQZ, I32_GE_U, I32_MUL, I32_SUB,
  LOCAL_GET, LOCAL_SET, LOOP, sleb, uleb, V128, V128_LOAD, V128_LOAD32_SPLAT, V128_STORE, VOID, F32X4_ADD, F32X4_MUL,
} from "./wasmEncoding.js";
import { heapFunction, heapModule } from "./wasmHeapModule.js";

/**
 * Shape of one module: the register block is `inBlock` input channels x `outGroups` groups of four
 * output channels; the filter has `inChannels` (a multiple of inBlock) x `outChannels` (a multiple
 * of 4 outGroups) entries per tap.
 */
export interface FilterGradBlocking {
  inChannels: number;
  outChannels: number;
  inBlock: number;
  outGroups: number;
}

/**
 * The module exports `tap(x, dy, rows, cols, xRowBytes, xColBytes, dyRowBytes, dyColBytes, acc)`,
 * which adds to acc[i, o] (float32, [inChannels, outChannels] row-major) for every i, o
 *   sum over row < rows, col < cols of x[row * xRowBytes + col * xColBytes + 4 i] * dy[row * dyRowBytes + col * dyColBytes + 4 o]
 * (byte offsets): one filter tap's gradient over one image, x pointing at the input pixel the tap
 * reads for the first output pixel of the block, dy at that output pixel (NHWC rows). The roles
 * can swap (x the output gradient, dy the input) when only the input channels are a multiple of 4.
 */
export function wasmFilterGradSimdModule(shared: boolean, blocking: FilterGradBlocking): Uint8Array<ArrayBuffer> {
  const { inChannels, outChannels, inBlock, outGroups } = blocking;
  if (inChannels % inBlock !== 0 || outChannels % (4 * outGroups) !== 0) throw new Error(`wasmFilterGradSimdModule: blocking ${JSON.stringify(blocking)} does not tile the filter`);
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
  body.push(LOCAL_GET, x, LOCAL_GET, ib, I32_CONST, ...sleb(4 * inBlock), I32_MUL, I32_ADD, LOCAL_SET, xRow);
  body.push(LOCAL_GET, dy, LOCAL_GET, ob, I32_CONST, ...sleb(16 * outGroups), I32_MUL, I32_ADD, LOCAL_SET, dyRow);
  body.push(LOCAL_GET, rows, LOCAL_SET, r, BLOCK, VOID, LOOP, VOID);
  body.push(LOCAL_GET, r, I32_EQZ, BR_IF, 1);
  body.push(LOCAL_GET, xRow, LOCAL_SET, xp, LOCAL_GET, dyRow, LOCAL_SET, dp);
  body.push(LOCAL_GET, xRow, LOCAL_GET, cols, LOCAL_GET, xColBytes, I32_MUL, I32_ADD, LOCAL_SET, xEnd);
  body.push(BLOCK, VOID, LOOP, VOID);
  body.push(LOCAL_GET, xp, LOCAL_GET, xEnd, I32_GE_U, BR_IF, 1);
  for (let k = 0; k < inBlock; k++) body.push(LOCAL_GET, xp, ...V128_LOAD32_SPLAT, 0x02, ...uleb(4 * k), LOCAL_SET, s(k));
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
  return heapModule(shared, "tap", [I32, I32, I32, I32, I32, I32, I32, I32, I32], body);
}

export type WasmFilterGradTap = (x: number, dy: number, rows: number, cols: number, xRowBytes: number, xColBytes: number, dyRowBytes: number, dyColBytes: number, acc: number) => void;

/** The `tap` function of the module for `blocking`, bound to `memory`. */
export function wasmFilterGradTap(memory: WebAssembly.Memory, blocking: FilterGradBlocking): WasmFilterGradTap {
  const { inChannels, outChannels, inBlock, outGroups } = blocking;
  return heapFunction<WasmFilterGradTap>(memory, `filterGrad${inChannels}x${outChannels}/${inBlock}x${outGroups}`, "tap", (shared) => wasmFilterGradSimdModule(shared, blocking));
}
