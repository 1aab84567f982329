// A hand-encoded WebAssembly SIMD loop for Sign on the tfjs wasm heap (wasmHeapModule.ts): the soft
// threshold of LCA and FISTA calls Sign every iteration, and the JS loop over the heap
// (wasmSign.ts's fallback) took 3.3 ns per element, 17% of an LCA inference.
import {
  BLOCK, BR, BR_IF, END, F32_CONST, F32X4_GT, F32X4_LT, F32X4_SPLAT, f32Bytes, I32, I32_ADD, I32_CONST, I32_EQZ, I32_SUB,
  LOCAL_GET, LOCAL_SET, LOOP, V128, V128_AND, V128_LOAD, V128_OR, V128_STORE, VOID,
} from "./wasmEncoding.js";
import { heapFunction, heapModule } from "./wasmHeapModule.js";

/**
 * The module exports `sign(x, out, groups)`: for `groups` groups of four float32 at byte offsets x
 * and out, out = 1 where x > 0, -1 where x < 0, else +0 (zeros of either sign and NaN): the cpu
 * backend's values, as masks of the two comparisons ANDed with the constants.
 */
export function wasmSignSimdModule(shared: boolean): Uint8Array<ArrayBuffer> {
  const [x, out, groups] = [0, 1, 2];
  const [v, zero, one, minusOne] = [3, 4, 5, 6];
  const body: number[] = [1, 4, V128];
  body.push(F32_CONST, ...f32Bytes(0), ...F32X4_SPLAT, LOCAL_SET, zero);
  body.push(F32_CONST, ...f32Bytes(1), ...F32X4_SPLAT, LOCAL_SET, one);
  body.push(F32_CONST, ...f32Bytes(-1), ...F32X4_SPLAT, LOCAL_SET, minusOne);
  body.push(BLOCK, VOID, LOOP, VOID, LOCAL_GET, groups, I32_EQZ, BR_IF, 1);
  body.push(LOCAL_GET, x, ...V128_LOAD, 0x04, 0x00, LOCAL_SET, v);
  body.push(LOCAL_GET, out);
  body.push(LOCAL_GET, v, LOCAL_GET, zero, ...F32X4_GT, LOCAL_GET, one, ...V128_AND);
  body.push(LOCAL_GET, v, LOCAL_GET, zero, ...F32X4_LT, LOCAL_GET, minusOne, ...V128_AND);
  body.push(...V128_OR, ...V128_STORE, 0x04, 0x00);
  body.push(LOCAL_GET, x, I32_CONST, 16, I32_ADD, LOCAL_SET, x);
  body.push(LOCAL_GET, out, I32_CONST, 16, I32_ADD, LOCAL_SET, out);
  body.push(LOCAL_GET, groups, I32_CONST, 1, I32_SUB, LOCAL_SET, groups, BR, 0, END, END);
  body.push(END);
  return heapModule(shared, "sign", [I32, I32, I32], body);
}

export type WasmSignSimd = (x: number, out: number, groups: number) => void;

/** The `sign` function bound to `memory`. */
export function wasmSignSimd(memory: WebAssembly.Memory): WasmSignSimd {
  return heapFunction<WasmSignSimd>(memory, "sign", "sign", wasmSignSimdModule);
}
