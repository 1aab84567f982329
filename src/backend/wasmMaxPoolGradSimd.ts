// A hand-encoded WebAssembly SIMD loop for the gradient of a 2 x 2, stride-2 max pool over NHWC
// float32 whose windows tile the input exactly (even height and width, no padding), channels a
// multiple of 4, working on the tfjs wasm heap (wasmHeapModule.ts). The JS loop over the heap
// took ~20 ms per MNIST CNN step (batch 128) for its two pools.
import {
  BLOCK, BR, BR_IF, END, F32_CONST, F32X4_ADD, F32X4_GT, F32X4_SPLAT, f32Bytes, I32, I32_ADD, I32_CONST, I32_EQZ, I32_SUB,
  LOCAL_GET, LOCAL_SET, LOOP, V128, V128_AND, V128_ANDNOT, V128_BITSELECT, V128_LOAD, V128_OR, V128_STORE, VOID,
} from "./wasmEncoding.js";
import { heapFunction, heapModule } from "./wasmHeapModule.js";

/**
 * The module exports `grad(x, dy, dx, rows, cols, channelGroups, channelBytes, inRowBytes)`: for each
 * of `rows` output rows (the batch's rows one after another) and `cols` output columns and each
 * group of four channels, the window's four inputs x0 (top left), x1, x2, x3 (bottom right) are
 * compared in row-major order with a strict >, starting from -Infinity, and dy goes to the first
 * maximum; every other dx of the window is +0 (NaN never wins, a window of -Infinity or NaN gets
 * nothing): the cpu backend's MaxPoolGrad. dx has x's layout and is written, not accumulated.
 */
export function wasmMaxPoolGradSimdModule(shared: boolean): Uint8Array<ArrayBuffer> {
  const [x, dy, dx, rows, cols, groups, chBytes, inRowBytes] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [c, q, xp, dp, delta, off3] = [8, 9, 10, 11, 12, 13];
  const [x0, x1, x2, x3, best, g0, g1, g2, g3, d, negInf, zero] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25];
  const offsets = [null, chBytes, inRowBytes, off3] as const;
  const at = (k: number, base: number): number[] => {
    const off = offsets[k];
    return off === null ? [LOCAL_GET, base] : [LOCAL_GET, base, LOCAL_GET, off, I32_ADD];
  };
  const body: number[] = [2, 6, I32, 12, V128];
  body.push(LOCAL_GET, dx, LOCAL_GET, x, I32_SUB, LOCAL_SET, delta);
  body.push(LOCAL_GET, inRowBytes, LOCAL_GET, chBytes, I32_ADD, LOCAL_SET, off3);
  body.push(F32_CONST, ...f32Bytes(-Infinity), ...F32X4_SPLAT, LOCAL_SET, negInf);
  body.push(F32_CONST, ...f32Bytes(0), ...F32X4_SPLAT, LOCAL_SET, zero);
  body.push(LOCAL_GET, x, LOCAL_SET, xp, LOCAL_GET, dy, LOCAL_SET, dp);
  body.push(BLOCK, VOID, LOOP, VOID, LOCAL_GET, rows, I32_EQZ, BR_IF, 1);
  body.push(LOCAL_GET, cols, LOCAL_SET, c, BLOCK, VOID, LOOP, VOID, LOCAL_GET, c, I32_EQZ, BR_IF, 1);
  body.push(LOCAL_GET, groups, LOCAL_SET, q, BLOCK, VOID, LOOP, VOID, LOCAL_GET, q, I32_EQZ, BR_IF, 1);
  [x0, x1, x2, x3].forEach((xk, k) => body.push(...at(k, xp), ...V128_LOAD, 0x04, 0x00, LOCAL_SET, xk));
  body.push(LOCAL_GET, x0, LOCAL_GET, negInf, ...F32X4_GT, LOCAL_SET, g0);
  body.push(LOCAL_GET, x0, LOCAL_GET, negInf, LOCAL_GET, g0, ...V128_BITSELECT, LOCAL_SET, best);
  for (const [xk, gk] of [[x1, g1], [x2, g2], [x3, g3]]) {
    body.push(LOCAL_GET, xk, LOCAL_GET, best, ...F32X4_GT, LOCAL_SET, gk);
    if (xk !== x3) body.push(LOCAL_GET, xk, LOCAL_GET, best, LOCAL_GET, gk, ...V128_BITSELECT, LOCAL_SET, best);
  }
  // Winner masks from the last tap back: w3 = g3, wk = gk and no later tap won; g(k) becomes "k or later won".
  // dy + 0: a -0 gradient lands as +0, as the JS loop's 0 + dy.
  body.push(LOCAL_GET, dp, ...V128_LOAD, 0x04, 0x00, LOCAL_GET, zero, ...F32X4_ADD, LOCAL_SET, d);
  body.push(LOCAL_GET, xp, LOCAL_GET, delta, I32_ADD, LOCAL_SET, xp); // xp now addresses dx
  body.push(...at(3, xp), LOCAL_GET, d, LOCAL_GET, g3, ...V128_AND, ...V128_STORE, 0x04, 0x00);
  for (const [k, gk, later] of [[2, g2, g3], [1, g1, g2], [0, g0, g1]]) {
    body.push(...at(k, xp), LOCAL_GET, d, LOCAL_GET, gk, LOCAL_GET, later, ...V128_ANDNOT, ...V128_AND, ...V128_STORE, 0x04, 0x00);
    if (k > 0) body.push(LOCAL_GET, gk, LOCAL_GET, later, ...V128_OR, LOCAL_SET, gk);
  }
  body.push(LOCAL_GET, xp, LOCAL_GET, delta, I32_SUB, I32_CONST, 16, I32_ADD, LOCAL_SET, xp);
  body.push(LOCAL_GET, dp, I32_CONST, 16, I32_ADD, LOCAL_SET, dp);
  body.push(LOCAL_GET, q, I32_CONST, 1, I32_SUB, LOCAL_SET, q, BR, 0, END, END);
  body.push(LOCAL_GET, xp, LOCAL_GET, chBytes, I32_ADD, LOCAL_SET, xp); // skip the window's second column
  body.push(LOCAL_GET, c, I32_CONST, 1, I32_SUB, LOCAL_SET, c, BR, 0, END, END);
  body.push(LOCAL_GET, xp, LOCAL_GET, inRowBytes, I32_ADD, LOCAL_SET, xp); // and its second row
  body.push(LOCAL_GET, rows, I32_CONST, 1, I32_SUB, LOCAL_SET, rows, BR, 0, END, END);
  body.push(END);
  return heapModule(shared, "grad", [I32, I32, I32, I32, I32, I32, I32, I32], body);
}

export type WasmMaxPoolGrad = (x: number, dy: number, dx: number, rows: number, cols: number, channelGroups: number, channelBytes: number, inRowBytes: number) => void;

/** The `grad` function bound to `memory`. */
export function wasmMaxPoolGradSimd(memory: WebAssembly.Memory): WasmMaxPoolGrad {
  return heapFunction<WasmMaxPoolGrad>(memory, "maxPoolGrad2x2", "grad", wasmMaxPoolGradSimdModule);
}
