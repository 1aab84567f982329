import {
  END, F32, F32_CONST, F32X4_ADD, F32X4_EXTRACT_LANE, F32X4_MUL, F32X4_SPLAT, f32Bytes as f32, I32, I32_CONST, I32_SUB,
  LOCAL_GET, LOCAL_SET, LOCAL_TEE, LOOP, BR_IF, section, uleb, V128, VOID, WASM_HEADER,
} from "../backend/wasmEncoding.js";

// The arithmetic ceiling of any WebAssembly kernel on this machine: 128-bit SIMD multiplies and adds
// (what XNNPACK's wasm GEMM is made of; wasm SIMD has no fused multiply-add without the relaxed-SIMD
// proposal) on registers only, no memory traffic. A GEMM in wasm cannot beat this rate.

/** Independent accumulators: enough multiply -> add chains in flight to fill the FP ports. */
export const PEAK_ACCUMULATORS = 12;
/** FLOPs of one loop iteration: each accumulator does a = a * m + c on 4 lanes. */
export const PEAK_FLOPS_PER_ITERATION = PEAK_ACCUMULATORS * 2 * 4;

/**
 * The module: export `peak(n: i32) -> f32` runs n iterations of a_i = a_i * m + c for
 * PEAK_ACCUMULATORS f32x4 locals (m = 0.999, c = 0.001: the values stay near 1, never denormal) and
 * returns lane 0 of the accumulators' sum (so nothing is dead code). n must be >= 1.
 */
export function wasmSimdPeakModule(): Uint8Array<ArrayBuffer> {
  const n = 0, m = PEAK_ACCUMULATORS + 1, c = PEAK_ACCUMULATORS + 2;
  const body: number[] = [1, ...uleb(PEAK_ACCUMULATORS + 2), V128];
  body.push(F32_CONST, ...f32(0.999), ...F32X4_SPLAT, LOCAL_SET, m);
  body.push(F32_CONST, ...f32(0.001), ...F32X4_SPLAT, LOCAL_SET, c);
  for (let i = 1; i <= PEAK_ACCUMULATORS; i++) body.push(F32_CONST, ...f32(1 + i / 100), ...F32X4_SPLAT, LOCAL_SET, i);
  body.push(LOOP, VOID);
  for (let i = 1; i <= PEAK_ACCUMULATORS; i++) body.push(LOCAL_GET, i, LOCAL_GET, m, ...F32X4_MUL, LOCAL_GET, c, ...F32X4_ADD, LOCAL_SET, i);
  body.push(LOCAL_GET, n, I32_CONST, 1, I32_SUB, LOCAL_TEE, n, BR_IF, 0, END);
  body.push(LOCAL_GET, 1);
  for (let i = 2; i <= PEAK_ACCUMULATORS; i++) body.push(LOCAL_GET, i, ...F32X4_ADD);
  body.push(...F32X4_EXTRACT_LANE, 0, END);
  const code = [1, ...uleb(body.length), ...body];
  const name = [..."peak"].map((ch) => ch.charCodeAt(0));
  return new Uint8Array([
    ...WASM_HEADER,
    ...section(1, [1, 0x60, 1, I32, 1, F32]),
    ...section(3, [1, 0]),
    ...section(7, [1, name.length, ...name, 0x00, 0]),
    ...section(10, code),
  ]);
}

/** The exported function of {@link wasmSimdPeakModule}. */
export function instantiateWasmSimdPeak(): (iterations: number) => number {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasmSimdPeakModule()));
  return instance.exports.peak as (iterations: number) => number;
}

/**
 * Measured GFLOP/s of the register-only SIMD loop: warm-up calls (so the engine's optimising tier
 * compiles it), then the median of `repeats` timed calls of `iterations` iterations.
 */
export function measureWasmSimdPeak(options: { iterations?: number; repeats?: number } = {}): number {
  const iterations = options.iterations ?? 2_000_000;
  const repeats = options.repeats ?? 7;
  const peak = instantiateWasmSimdPeak();
  for (let i = 0; i < 5; i++) peak(Math.max(1, iterations >> 4));
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    peak(iterations);
    const ms = performance.now() - t0;
    rates.push((iterations * PEAK_FLOPS_PER_ITERATION) / ms / 1e6);
  }
  rates.sort((a, b) => a - b);
  return rates[rates.length >> 1];
}
