import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";

/** Deterministic values in [lo, hi) (a small LCG, so every backend sees identical inputs). */
export function seededValues(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761 + 1013904223) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Runs `f` with the given tfjs backend active and returns the values it produced. */
export async function valuesOn(backend: "cpu" | "wasm", f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const result = tf.tidy(f);
  const list = Array.isArray(result) ? result : [result];
  const values = list.map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>));
  tf.dispose(list);
  return values;
}

/** Element-wise |a - b| <= atol + rtol * |b|, with the first offending index in the message. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-4, atol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]);
    if (!ok) expect.fail(`element ${i}: ${a[i]} vs ${b[i]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Number of buffers the active backend holds (catches leaked intermediates inside kernels). */
export function backendBuffers(): number {
  return tf.backend().numDataIds();
}

/** One conv2d of a cpu-agreement test: input and filter shapes, strides, padding (and dilation). */
export interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dilations?: number;
}
