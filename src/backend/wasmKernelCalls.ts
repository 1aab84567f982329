import * as tf from "@tensorflow/tfjs";

/** The parts of the wasm backend object the sparsekit kernels use. */
export interface WasmHeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
}

/**
 * Calls registered wasm kernels from inside another kernel and frees every intermediate it made
 * (kernel functions bypass the engine, so nothing tracks them otherwise).
 */
export class WasmKernelCalls {
  private readonly temps: tf.TensorInfo[] = [];
  constructor(readonly backend: WasmHeapBackend) {}

  /** Runs kernel `name`; the result is freed by `dispose()` unless passed to `keep`. */
  run(name: string, inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>): tf.TensorInfo {
    const kernel = tf.getKernel(name, "wasm");
    if (kernel === undefined) throw new Error(`wasm kernel '${name}' is not registered`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend as unknown as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    this.temps.push(out);
    return out;
  }

  /** A fresh heap tensor that `dispose()` frees (unless kept). */
  output(shape: number[], dtype: tf.DataType = "float32"): tf.TensorInfo {
    const out = this.backend.makeOutput(shape, dtype);
    this.temps.push(out);
    return out;
  }

  /** Removes `t` from the temporaries (it is the kernel's result). */
  keep(t: tf.TensorInfo): tf.TensorInfo {
    const i = this.temps.indexOf(t);
    if (i >= 0) this.temps.splice(i, 1);
    return t;
  }

  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

/** Explicit NHWC padding in the form the Conv2D kernel's `pad` attribute takes. */
export function explicitPad(top: number, bottom: number, left: number, right: number): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}
