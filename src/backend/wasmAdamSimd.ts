// A hand-encoded WebAssembly SIMD loop for the Adam update (adamUpdateKernel.ts) that works in
// place on the tfjs wasm backend's heap (wasmHeapModule.ts). f32x4 mul,
// add, div and sqrt are IEEE float32 operations, so each lane computes exactly what tfjs's
// elementwise kernels compute, 4 elements per instruction.

import {
  BLOCK, BR, BR_IF, END, F32, F32X4_ADD, F32X4_DIV, F32X4_MUL, F32X4_SPLAT, F32X4_SQRT, I32, I32_ADD, I32_CONST, I32_GE_U,
  LOCAL_GET, LOCAL_SET, LOOP, uleb, V128, V128_LOAD, V128_STORE, VOID,
} from "./wasmEncoding.js";
import { heapFunction, heapModule } from "./wasmHeapModule.js";

const MEMARG = [0x00, 0x00]; // alignment hint 1 byte, offset 0: any address

/** Parameters of the exported `adam`, in order: byte addresses, the byte count, then the float32 constants. */
const POINTERS = ["w", "g", "m", "v", "wOut", "mOut", "vOut"] as const;
const CONSTANTS = ["beta1", "oneMinusBeta1", "beta2", "oneMinusBeta2", "oneMinusBeta1Power", "oneMinusBeta2Power", "epsilon", "negLearningRate"] as const;

/**
 * The module: imports env.memory (`shared` for the threaded wasm build, whose heap is a
 * SharedArrayBuffer) and exports `adam(w, g, m, v, wOut, mOut, vOut, bytes, ...CONSTANTS)`, which
 * updates `bytes / 16` groups of four float32 values:
 *   m' = m b1 + g (1 - b1); v' = v b2 + (g g) (1 - b2);
 *   w' = ((m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps)) (-lr) + w.
 */
export function wasmAdamSimdModule(shared: boolean): Uint8Array<ArrayBuffer> {
  const nPointers = POINTERS.length;
  const bytes = nPointers; // parameter index of the byte count
  const constant = (name: (typeof CONSTANTS)[number]) => nPointers + 1 + CONSTANTS.indexOf(name);
  const params = [...POINTERS.map(() => I32), I32, ...CONSTANTS.map(() => F32)];
  // Locals after the parameters: the byte offset, one splat per constant, then g, m', v'.
  const offset = params.length;
  const splat = (name: (typeof CONSTANTS)[number]) => offset + 1 + CONSTANTS.indexOf(name);
  const [gi, mi, vi] = [0, 1, 2].map((k) => offset + 1 + CONSTANTS.length + k);
  const ptr = (name: (typeof POINTERS)[number]) => POINTERS.indexOf(name);
  const address = (name: (typeof POINTERS)[number]) => [LOCAL_GET, ptr(name), LOCAL_GET, offset, I32_ADD];
  const load = (name: (typeof POINTERS)[number]) => [...address(name), ...V128_LOAD, ...MEMARG];

  const body: number[] = [2, 1, I32, ...uleb(CONSTANTS.length + 3), V128];
  for (const name of CONSTANTS) body.push(LOCAL_GET, constant(name), ...F32X4_SPLAT, LOCAL_SET, splat(name));
  body.push(BLOCK, VOID, LOOP, VOID);
  body.push(LOCAL_GET, offset, LOCAL_GET, bytes, I32_GE_U, BR_IF, 1);
  body.push(...load("g"), LOCAL_SET, gi);
  // m' = m * b1 + g * (1 - b1)
  body.push(...load("m"), LOCAL_GET, splat("beta1"), ...F32X4_MUL, LOCAL_GET, gi, LOCAL_GET, splat("oneMinusBeta1"), ...F32X4_MUL, ...F32X4_ADD, LOCAL_SET, mi);
  // v' = v * b2 + (g * g) * (1 - b2)
  body.push(...load("v"), LOCAL_GET, splat("beta2"), ...F32X4_MUL);
  body.push(LOCAL_GET, gi, LOCAL_GET, gi, ...F32X4_MUL, LOCAL_GET, splat("oneMinusBeta2"), ...F32X4_MUL, ...F32X4_ADD, LOCAL_SET, vi);
  body.push(...address("mOut"), LOCAL_GET, mi, ...V128_STORE, ...MEMARG);
  body.push(...address("vOut"), LOCAL_GET, vi, ...V128_STORE, ...MEMARG);
  // w' = ((m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps)) * (-lr) + w
  body.push(...address("wOut"));
  body.push(LOCAL_GET, mi, LOCAL_GET, splat("oneMinusBeta1Power"), ...F32X4_DIV);
  body.push(LOCAL_GET, vi, LOCAL_GET, splat("oneMinusBeta2Power"), ...F32X4_DIV, ...F32X4_SQRT, LOCAL_GET, splat("epsilon"), ...F32X4_ADD);
  body.push(...F32X4_DIV, LOCAL_GET, splat("negLearningRate"), ...F32X4_MUL, ...load("w"), ...F32X4_ADD);
  body.push(...V128_STORE, ...MEMARG);
  body.push(LOCAL_GET, offset, I32_CONST, 16, I32_ADD, LOCAL_SET, offset, BR, 0, END, END, END);

  return heapModule(shared, "adam", params, body);
}

export type WasmAdamSimd = (w: number, g: number, m: number, v: number, wOut: number, mOut: number, vOut: number, bytes: number, ...constants: number[]) => void;

/** The `adam` function of the module, bound to `memory` (one instance per memory). */
export function wasmAdamSimd(memory: WebAssembly.Memory): WasmAdamSimd {
  return heapFunction<WasmAdamSimd>(memory, "adam", "adam", wasmAdamSimdModule);
}
