// A hand-encoded WebAssembly SIMD loop for the filter gradient of a convolution with one input
// channel and stride 1 (first layers: the MNIST CNN's 3x3 -> 32, the masked classifier's attention
// 5x5 -> 8, the conv SATAE's 7x7 -> 8), working on the tfjs wasm heap (wasmHeapModule.ts). XNNPACK has no good form for it: as a convolution or a matmul the contracted dimension
// is batch x space (100k for the CNN) while the output has 9 x 32 entries, so it packs all of dY
// for 1.9 GFLOP/s.
import {
  BLOCK, BR, BR_IF, END, F32_LOAD, F32X4_ADD, F32X4_MUL, F32X4_SPLAT, I32, I32_ADD, I32_CONST, I32_EQZ, I32_GE_U, I32_SHL, I32_SUB,
  LOCAL_GET, LOCAL_SET, LOOP, sleb, uleb, V128, V128_LOAD, V128_STORE, VOID,
} from "./wasmEncoding.js";
import { heapFunction, heapModule } from "./wasmHeapModule.js";

/**
 * The module for `groups` = outChannels / 4: exports
 * `tap(x, dy, rows, cols, xRowBytes, acc)`, which adds to acc[0..4 groups) (float32)
 *   sum over row < rows, col < cols of x[row * xRowBytes / 4 + col] * dy[(row * cols + col) * 4 groups + o]
 * i.e. one filter tap's gradient over one image: x points at the padded image shifted by the tap,
 * dy at the image's output gradient (NHWC, contiguous rows of `cols` pixels).
 */
export function wasmFilterGradSimdModule(shared: boolean, groups: number): Uint8Array<ArrayBuffer> {
  const [x, dy, rows, cols, xRowBytes, acc] = [0, 1, 2, 3, 4, 5];
  const [xp, xEnd] = [6, 7];
  const a = (k: number) => 8 + k; // accumulators
  const s = 8 + groups; // the splatted input value
  const body: number[] = [2, 2, I32, ...uleb(groups + 1), V128];
  for (let k = 0; k < groups; k++) body.push(LOCAL_GET, acc, ...V128_LOAD, 0x00, ...uleb(16 * k), LOCAL_SET, a(k));
  body.push(BLOCK, VOID, LOOP, VOID);
  body.push(LOCAL_GET, rows, I32_EQZ, BR_IF, 1);
  body.push(LOCAL_GET, x, LOCAL_SET, xp);
  body.push(LOCAL_GET, x, LOCAL_GET, cols, I32_CONST, 2, I32_SHL, I32_ADD, LOCAL_SET, xEnd);
  body.push(BLOCK, VOID, LOOP, VOID);
  body.push(LOCAL_GET, xp, LOCAL_GET, xEnd, I32_GE_U, BR_IF, 1);
  body.push(LOCAL_GET, xp, F32_LOAD, 0x00, 0x00, ...F32X4_SPLAT, LOCAL_SET, s);
  for (let k = 0; k < groups; k++) {
    body.push(LOCAL_GET, a(k), LOCAL_GET, s, LOCAL_GET, dy, ...V128_LOAD, 0x00, ...uleb(16 * k), ...F32X4_MUL, ...F32X4_ADD, LOCAL_SET, a(k));
  }
  body.push(LOCAL_GET, xp, I32_CONST, 4, I32_ADD, LOCAL_SET, xp);
  body.push(LOCAL_GET, dy, I32_CONST, ...sleb(16 * groups), I32_ADD, LOCAL_SET, dy);
  body.push(BR, 0, END, END);
  body.push(LOCAL_GET, x, LOCAL_GET, xRowBytes, I32_ADD, LOCAL_SET, x);
  body.push(LOCAL_GET, rows, I32_CONST, 1, I32_SUB, LOCAL_SET, rows);
  body.push(BR, 0, END, END);
  for (let k = 0; k < groups; k++) body.push(LOCAL_GET, acc, LOCAL_GET, a(k), ...V128_STORE, 0x00, ...uleb(16 * k));
  body.push(END);
  return heapModule(shared, "tap", [I32, I32, I32, I32, I32, I32], body);
}

export type WasmFilterGradTap = (x: number, dy: number, rows: number, cols: number, xRowBytes: number, acc: number) => void;

/** The `tap` function for `groups` groups of four output channels, bound to `memory`. */
export function wasmFilterGradTap(memory: WebAssembly.Memory, groups: number): WasmFilterGradTap {
  return heapFunction<WasmFilterGradTap>(memory, `filterGrad${groups}`, "tap", (shared) => wasmFilterGradSimdModule(shared, groups));
}
