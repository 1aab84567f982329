import * as tf from "@tensorflow/tfjs";

/** Time one kernel took over a profiled step, with its arithmetic rate where it is a product. */
export interface KernelShare {
  kernel: string;
  calls: number;
  ms: number;
  /** ms / the step's summed kernel time. */
  share: number;
  /** Floating-point operations (a multiply-add counts 2) of the products and convolutions; null for others. */
  gflop: number | null;
  /** gflop / (ms / 1000); null for kernels without a FLOP count. */
  gflops: number | null;
}

export interface StepProfile {
  /** Sum of the kernels' times (ms): what the backend spent inside kernels. */
  kernelMs: number;
  /** Wall time of the profiled step (ms), kernels plus JS between them. */
  wallMs: number;
  /** Kernels by time, longest first. */
  kernels: KernelShare[];
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * FLOPs of one call of a product or convolution kernel from its input and output shapes, else null.
 * - BatchMatMul / _FusedMatMul: out [..., M, N], a has M K per batch: 2 |out| K.
 * - Conv2D / FusedConv2D (x, filter [fh, fw, ci, co]) -> out: 2 |out| fh fw ci.
 * - Conv2DBackpropInput (dy, filter [fh, fw, ci, co]): 2 |dy| fh fw ci, the forward convolution's count.
 * - Conv2DBackpropFilter (x, dy) -> dW [fh, fw, ci, co]: 2 |dy| fh fw ci.
 */
export function kernelFlops(kernel: string, inputShapes: readonly (readonly number[])[], outputShapes: readonly (readonly number[])[]): number | null {
  const out = outputShapes[0];
  switch (kernel) {
    case "BatchMatMul":
    case "_FusedMatMul": {
      const a = inputShapes[0];
      if (!a || !out || out.length < 2) return null;
      const n = out[out.length - 1];
      const k = (size(a) * n) / size(out);
      return 2 * size(out) * k;
    }
    case "Conv2D":
    case "FusedConv2D": {
      const f = inputShapes[1];
      if (!f || f.length !== 4 || !out) return null;
      return (2 * size(out) * size(f)) / f[3];
    }
    case "Conv2DBackpropInput": {
      const [dy, f] = inputShapes;
      if (!dy || !f || f.length !== 4) return null;
      return (2 * size(dy) * size(f)) / f[3];
    }
    case "Conv2DBackpropFilter": {
      const dy = inputShapes[1];
      if (!dy || !out || out.length !== 4) return null;
      return (2 * size(dy) * size(out)) / out[3];
    }
    default:
      return null;
  }
}

/**
 * Runs `step` once under `tf.profile` and sums each kernel's time and FLOPs: which kernels hold a
 * workload back and what rate they reach. Kernel times are the backend's own (wasm: wall time
 * around each synchronous kernel call); op scopes, which tf.profile lists beside the kernels they
 * run, are left out so no time counts twice.
 */
export async function profileStep(step: () => unknown): Promise<StepProfile> {
  const t0 = performance.now();
  const info = await tf.profile(() => {
    step();
  });
  const wallMs = performance.now() - t0;
  const byName = new Map<string, { calls: number; ms: number; flop: number | null }>();
  const backend = tf.getBackend();
  for (const k of info.kernels) {
    // tf.profile also lists op scopes (custom gradients, "fusedMatMul__op", ...) whose time
    // includes the kernels listed after them: only registered kernels count.
    if (tf.getKernel(k.name, backend) === undefined) continue;
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    const flop = kernelFlops(k.name, k.inputShapes, k.outputShapes);
    const e = byName.get(k.name) ?? { calls: 0, ms: 0, flop: flop === null ? null : 0 };
    e.calls += 1;
    e.ms += ms;
    if (e.flop !== null && flop !== null) e.flop += flop;
    byName.set(k.name, e);
  }
  const kernelMs = [...byName.values()].reduce((a, e) => a + e.ms, 0);
  const kernels = [...byName.entries()]
    .map(([kernel, e]) => ({
      kernel,
      calls: e.calls,
      ms: e.ms,
      share: kernelMs > 0 ? e.ms / kernelMs : 0,
      gflop: e.flop === null ? null : e.flop / 1e9,
      gflops: e.flop === null || e.ms <= 0 ? null : e.flop / 1e6 / e.ms,
    }))
    .sort((a, b) => b.ms - a.ms);
  return { kernelMs, wallMs, kernels };
}
