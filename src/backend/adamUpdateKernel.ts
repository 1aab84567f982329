import * as tf from "@tensorflow/tfjs";
import { wasmAdamSimd, wasmAdamSimdModule } from "./wasmAdamSimd.js";
import type { WasmHeapBackend } from "./wasmKernelCalls.js";
import { heapForModule } from "./wasmHeapModule.js";

/**
 * One Adam step for one variable as a single kernel (cpu and wasm backends). tfjs's AdamOptimizer
 * runs about twelve elementwise kernels per variable and step (each a pass over memory and, on
 * wasm, a call across the JS/wasm boundary). Inputs: value w, gradient g, moments m and v
 * (float32, one shape), and the optimizer's running powers beta1^t and beta2^t (scalars);
 * outputs w', m', v':
 *
 *   m' = beta1 m + (1 - beta1) g,   v' = beta2 v + (1 - beta2) g^2,
 *   w' = w - lr (m' / (1 - beta1^t)) / (sqrt(v' / (1 - beta2^t)) + epsilon)
 *
 * Bit for bit what tfjs computes: the same operations in the same order, each rounded to float32
 * (Math.fround; one float64 operation rounded to float32 equals the float32 operation for + - * /
 * and sqrt), with the constants rounded as tfjs's scalar tensors are. So switching to this
 * kernel changes no result of any run.
 */
export const ADAM_UPDATE_KERNEL = "SparsekitAdamUpdate";

export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * tfjs's scalars, as float32 values: beta1, 1 - beta1, beta2, 1 - beta2, epsilon and -lr (float32
 * tensors), and 1 - beta^t computed in float32 from the float32 running powers.
 */
function adamConstants(a: AdamUpdateAttrs, beta1Power: number, beta2Power: number) {
  const f = Math.fround;
  return {
    b1: f(a.beta1), g1: f(1 - a.beta1), b2: f(a.beta2), g2: f(1 - a.beta2),
    c1: f(1 - f(beta1Power)), c2: f(1 - f(beta2Power)), eps: f(a.epsilon), negLr: f(-a.learningRate),
  };
}

/** The update above over flat arrays; the outputs may not alias the inputs. */
export function adamUpdateInto(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, beta1Power: number, beta2Power: number,
  a: AdamUpdateAttrs, wOut: Float32Array, mOut: Float32Array, vOut: Float32Array,
): void {
  const f = Math.fround;
  const { b1, g1, b2, g2, c1, c2, eps, negLr } = adamConstants(a, beta1Power, beta2Power);
  const n = w.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * b1) + f(gi * g1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * g2));
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = f(f(f(f(mi / c1) / f(f(Math.sqrt(f(vi / c2))) + eps)) * negLr) + w[i]);
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
  const attrs = args.attrs as unknown as AdamUpdateAttrs;
  // Allocate first: makeOutput may grow the heap and detach earlier views.
  const outs = [0, 1, 2].map(() => backend.makeOutput(inputs.w.shape, "float32"));
  const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const [w, g, m, v, wOut, mOut, vOut] = [inputs.w, inputs.g, inputs.m, inputs.v, ...outs].map(view);
  const beta1Power = view(inputs.beta1Power)[0];
  const beta2Power = view(inputs.beta2Power)[0];
  const memory = heapForModule(backend, "adam", wasmAdamSimdModule);
  let done = 0;
  if (memory !== undefined) {
    // Groups of four in the SIMD loop, the last 0-3 values below (same float32 operations).
    done = w.length & ~3;
    const c = adamConstants(attrs, beta1Power, beta2Power);
    wasmAdamSimd(memory)(
      w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, wOut.byteOffset, mOut.byteOffset, vOut.byteOffset, done * 4,
      c.b1, c.g1, c.b2, c.g2, c.c1, c.c2, c.eps, c.negLr,
    );
  }
  const rest = (a: Float32Array) => a.subarray(done);
  adamUpdateInto(rest(w), rest(g), rest(m), rest(v), beta1Power, beta2Power, attrs, rest(wOut), rest(mOut), rest(vOut));
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
