// Hand-encoded WebAssembly modules that work in place on the tfjs wasm backend's heap: each imports
// the backend's WebAssembly.Memory as env.memory and exports one function. Shared by the SIMD
// kernels (wasmAdamSimd.ts, wasmOuterProductSimd.ts, wasmMaxPoolGradSimd.ts): how such a module is laid out, where the heap
// is, whether the engine takes the module, and one instance per memory and variant.
import { section, uleb, WASM_HEADER, wasmName } from "./wasmEncoding.js";

/**
 * A module importing env.memory (`shared`: the threaded build's heap is a SharedArrayBuffer, whose
 * import must say so and give a maximum) and exporting `name`, a function of `params` (value types)
 * returning nothing, with `body` (locals and code, ending in END).
 */
export function heapModule(shared: boolean, name: string, params: number[], body: number[]): Uint8Array<ArrayBuffer> {
  const limits = shared ? [0x03, 0x00, ...uleb(65536)] : [0x00, 0x00];
  return new Uint8Array([
    ...WASM_HEADER,
    ...section(1, [1, 0x60, ...uleb(params.length), ...params, 0]),
    ...section(2, [1, ...wasmName("env"), ...wasmName("memory"), 0x02, ...limits]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...wasmName(name), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/**
 * The wasm backend's heap (Emscripten's Module.asm.memory), for modules that import it and work on
 * tensors in place; undefined when the backend does not expose it.
 */
export function wasmHeapMemory(backend: unknown): WebAssembly.Memory | undefined {
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } }).wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

const validated = new Map<string, boolean>();

/**
 * The backend's heap when the engine also accepts module `key` (built by `build`; checked once per
 * key, e.g. no SIMD support), else undefined: the caller's other path runs.
 */
export function heapForModule(backend: unknown, key: string, build: (shared: boolean) => Uint8Array<ArrayBuffer>): WebAssembly.Memory | undefined {
  let ok = validated.get(key);
  if (ok === undefined) validated.set(key, (ok = WebAssembly.validate(build(false))));
  return ok ? wasmHeapMemory(backend) : undefined;
}

const instances = new WeakMap<WebAssembly.Memory, Map<string, unknown>>();

/** The exported function `name` of module `key` (built by `build`), instantiated once on `memory`. */
export function heapFunction<F>(memory: WebAssembly.Memory, key: string, name: string, build: (shared: boolean) => Uint8Array<ArrayBuffer>): F {
  let byKey = instances.get(memory);
  if (byKey === undefined) instances.set(memory, (byKey = new Map()));
  let fn = byKey.get(key);
  if (fn === undefined) {
    const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
    fn = new WebAssembly.Instance(new WebAssembly.Module(build(shared)), { env: { memory } }).exports[name];
    byKey.set(key, fn);
  }
  return fn as F;
}
