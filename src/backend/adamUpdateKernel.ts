import * as tf from "@tensorflow/tfjs";
import type { WasmHeapBackend } from "./wasmKernelCalls.js";

/**
 * One Adam step for one variable as a single kernel (cpu and wasm backends). tfjs's AdamOptimizer
 * runs about twelve elementwise kernels per variable and step (each a pass over memory and, on
 * wasm, a call across the JS/wasm boundary); on the benchmark workloads that was 10-20% of a
 * training step. Inputs: value w, gradient g, moments m and v (float32, one shape), and the
 * optimizer's running powers beta1^t and beta2^t (scalars); outputs w', m', v':
 *
 *   m' = beta1 m + (1 - beta1) g,   v' = beta2 v + (1 - beta2) g^2,
 *   w' = w - lr (m' / (1 - beta1^t)) / (sqrt(v' / (1 - beta2^t)) + epsilon)
 *
 * (tfjs's formula, with lr / (1 - beta1^t) and 1 / (1 - beta2^t) taken once per call; float64
 * per element, stored as float32).
 */
export const ADAM_UPDATE_KERNEL = "SparsekitAdamUpdate";

export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** The update above over flat arrays; the outputs may not alias the inputs. */
export function adamUpdateInto(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, beta1Power: number, beta2Power: number,
  a: AdamUpdateAttrs, wOut: Float32Array, mOut: Float32Array, vOut: Float32Array,
): void {
  // Locals only in the loop (the attrs object's property loads kept V8 from optimising it).
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps } = a;
  const step = lr / (1 - beta1Power);
  const c2 = 1 / (1 - beta2Power);
  const g1 = 1 - b1;
  const g2 = 1 - b2;
  const n = w.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + g1 * gi;
    const vi = b2 * v[i] + g2 * gi * gi;
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = w[i] - (step * mi) / (Math.sqrt(vi * c2) + eps);
  }
}

type Inputs = Record<"w" | "g" | "m" | "v" | "beta1Power" | "beta2Power", tf.TensorInfo>;

function checkInputs(inputs: Inputs): void {
  const { w, g, m, v } = inputs;
  for (const t of [w, g, m, v, inputs.beta1Power, inputs.beta2Power]) {
    if (t.dtype !== "float32") throw new Error(`${ADAM_UPDATE_KERNEL}: float32 inputs only, got ${t.dtype}`);
  }
  const size = tf.util.sizeFromShape(w.shape);
  for (const t of [g, m, v]) {
    if (tf.util.sizeFromShape(t.shape) !== size) throw new Error(`${ADAM_UPDATE_KERNEL}: shapes ${w.shape} and ${t.shape} differ`);
  }
}

function wasmAdamUpdate(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const inputs = args.inputs as Inputs;
  checkInputs(inputs);
  const backend = args.backend as unknown as WasmHeapBackend;
  // Allocate first: makeOutput may grow the heap and detach earlier views.
  const outs = [0, 1, 2].map(() => backend.makeOutput(inputs.w.shape, "float32"));
  const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const [wOut, mOut, vOut] = outs.map(view);
  adamUpdateInto(
    view(inputs.w), view(inputs.g), view(inputs.m), view(inputs.v), view(inputs.beta1Power)[0], view(inputs.beta2Power)[0],
    args.attrs as unknown as AdamUpdateAttrs, wOut, mOut, vOut,
  );
  return outs;
}

interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

function cpuAdamUpdate(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const inputs = args.inputs as Inputs;
  checkInputs(inputs);
  const backend = args.backend as unknown as CpuBackendLike;
  const values = (t: tf.TensorInfo) => backend.data.get(t.dataId).values as Float32Array;
  const n = tf.util.sizeFromShape(inputs.w.shape);
  const [wOut, mOut, vOut] = [0, 1, 2].map(() => new Float32Array(n));
  adamUpdateInto(
    values(inputs.w), values(inputs.g), values(inputs.m), values(inputs.v), values(inputs.beta1Power)[0], values(inputs.beta2Power)[0],
    args.attrs as unknown as AdamUpdateAttrs, wOut, mOut, vOut,
  );
  return [wOut, mOut, vOut].map((a) => backend.makeTensorInfo(inputs.w.shape, "float32", a));
}

/** Registers the kernel for the cpu and wasm backends (idempotent); other backends go without. */
export function installAdamUpdateKernel(): void {
  for (const [backendName, kernelFunc] of [["cpu", cpuAdamUpdate], ["wasm", wasmAdamUpdate]] as const) {
    if (tf.getKernel(ADAM_UPDATE_KERNEL, backendName) === undefined) {
      tf.registerKernel({ kernelName: ADAM_UPDATE_KERNEL, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    }
  }
}
