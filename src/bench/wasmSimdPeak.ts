// The arithmetic ceiling of any WebAssembly kernel on this machine: 128-bit SIMD multiplies and adds
// (what XNNPACK's wasm GEMM is made of; wasm SIMD has no fused multiply-add without the relaxed-SIMD
// proposal) on registers only, no memory traffic. A GEMM in wasm cannot beat this rate.

/** Independent accumulators: enough multiply -> add chains in flight to fill the FP ports. */
export const PEAK_ACCUMULATORS = 12;
/** FLOPs of one loop iteration: each accumulator does a = a * m + c on 4 lanes. */
export const PEAK_FLOPS_PER_ITERATION = PEAK_ACCUMULATORS * 2 * 4;

const f32 = (v: number) => [...new Uint8Array(new Float32Array([v]).buffer)];
const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
};
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

// Opcodes (WebAssembly core + SIMD proposal).
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, F32_CONST = 0x43, I32_CONST = 0x41, I32_SUB = 0x6b;
const LOOP = 0x03, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
const SIMD = 0xfd;
const F32X4_SPLAT = [SIMD, 0x13], F32X4_EXTRACT_LANE = [SIMD, 0x1f], F32X4_ADD = [SIMD, ...uleb(0xe4)], F32X4_MUL = [SIMD, ...uleb(0xe6)];
const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;

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
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
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
