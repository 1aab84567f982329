import * as tf from "@tensorflow/tfjs";
import { platformCores, platformRuntime } from "./backendPlatform.js";
import { loadedWasm, TFJS_BACKEND_NAME, type BackendName } from "./initBackend.js";
import { isWasmMatMulOverrideInstalled } from "./wasmMatMulOverride.js";

export interface BackendInfo {
  /** sparsekit's name for the active backend, or tfjs's own name if it is none of ours. */
  backend: BackendName | string;
  /** Threads doing the arithmetic: the wasm XNNPACK pool size, 1 for cpu, the core count for node. */
  threads: number;
  /** Logical cores the runtime reports. */
  cores: number;
  /** wasm: whether the SIMD binary is in use; cpu: false (plain JS); node: null (not reported). */
  simd: boolean | null;
  /** wasm only: whether sparsekit's fast transposed-matmul kernels are installed. */
  wasmMatMulOverride: boolean | null;
  tfjsVersion: string;
  /** "node 20.20.2" in Node, the browser's user agent in a page. */
  runtime: string;
  platform: string;
}

function ourName(tfName: string): BackendName | string {
  const hit = (Object.keys(TFJS_BACKEND_NAME) as BackendName[]).find((k) => TFJS_BACKEND_NAME[k] === tfName);
  return hit ?? tfName;
}

function wasmThreads(): number {
  const mod = loadedWasm();
  if (mod) return mod.getThreadsCount();
  // wasm activated by someone else: ask the module through the backend instance.
  const backend = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
  return backend.wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

/**
 * Describes the active tfjs backend for `sparsekit info` and benchmark reports:
 * `{ backend, threads, cores, simd, wasmMatMulOverride, tfjsVersion, runtime, platform }`.
 * Call after `initBackend` (otherwise it reports whatever tfjs picked by default).
 */
export async function backendInfo(): Promise<BackendInfo> {
  await tf.ready();
  const tfName = tf.getBackend();
  const backend = ourName(tfName);
  const cores = platformCores();
  let threads = 1;
  let simd: boolean | null = null;
  let override: boolean | null = null;
  if (backend === "wasm") {
    threads = wasmThreads();
    simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
    override = isWasmMatMulOverrideInstalled();
  } else if (backend === "cpu") {
    simd = false;
  } else if (backend === "node") {
    threads = cores;
  } else if (backend === "webgl") {
    simd = null;
  }
  return {
    backend,
    threads,
    cores,
    simd,
    wasmMatMulOverride: override,
    tfjsVersion: tf.version.tfjs,
    ...platformRuntime(),
  };
}
