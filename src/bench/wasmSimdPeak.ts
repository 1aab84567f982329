import {
  BLOCK, BR, BR_IF, END, F32, F32X4_ADD, F32X4_EXTRACT_LANE, F32X4_MUL, I32, I32_ADD, I32_CONST, I32_GE_U, I32_SUB,
  LOCAL_GET, LOCAL_SET, LOCAL_TEE, LOOP, section, sleb, uleb, V128, V128_LOAD, V128_LOAD32_SPLAT, VOID, WASM_HEADER,
} from "../backend/wasmEncoding.js";

// The arithmetic ceiling of a WebAssembly kernel on this machine: the inner loop of a GEMM register
// block, as XNNPACK's wasm GEMM and sparsekit's outer-product kernel (wasmOuterProductSimd.ts) run
// it: 4 splatted scalars x 2 vectors of 4 multiplied and added into 8 accumulators (wasm SIMD has no
// fused multiply-add without the relaxed-SIMD proposal), operands walked through an L1-resident
// buffer, one vector live at a time (8 accumulators + 4 splats + 1 vector + a product fit the 16
// SIMD registers V8 allocates on x64). Measured forms: this one ~46 GFLOP/s on the project
// machine; the same arithmetic with operands loaded from constant addresses ~30, and the probe
// used until 2026-12-06, a = a * m + c on registers (the multiply on each accumulator's chain), ~40,
// which the outer-product kernel then exceeded. No wasm kernel does its multiply-adds faster.

/** Register block: PEAK_ROWS splatted scalars x PEAK_GROUPS vectors of 4 -> accumulators. */
export const PEAK_ROWS = 4;
export const PEAK_GROUPS = 2;
export const PEAK_ACCUMULATORS = PEAK_ROWS * PEAK_GROUPS;
/** Inner iterations per outer iteration: the operand buffer's length in steps. */
export const PEAK_STEPS = 256;
/** FLOPs of one outer iteration: each accumulator does a += s * d on 4 lanes per step. */
export const PEAK_FLOPS_PER_ITERATION = PEAK_STEPS * PEAK_ACCUMULATORS * 2 * 4;
/** Byte layout of the module's memory: vectors (PEAK_GROUPS per step), scalars (one per step, PEAK_ROWS read), the start value. */
export const PEAK_VECTOR_BYTES = PEAK_STEPS * PEAK_GROUPS * 16;
export const PEAK_SCALARS_AT = PEAK_VECTOR_BYTES;
export const PEAK_START_AT = PEAK_SCALARS_AT + 4 * (PEAK_STEPS + PEAK_ROWS);

/**
 * The module: exports its memory and `peak(n: i32) -> f32`, which runs n outer iterations of
 * PEAK_STEPS steps; step t does a[k][g] += splat(scalar[t + k]) * vector[t][g] for k < PEAK_ROWS,
 * g < PEAK_GROUPS, the accumulators starting at splat(start). Returns lane 0 of the accumulators'
 * sum (so nothing is dead code). n must be >= 1.
 */
export function wasmSimdPeakModule(): Uint8Array<ArrayBuffer> {
  const [n, p, q] = [0, 1, 2];
  const a = (k: number, g: number) => 3 + k * PEAK_GROUPS + g;
  const s = (k: number) => 3 + PEAK_ACCUMULATORS + k;
  const d = 3 + PEAK_ACCUMULATORS + PEAK_ROWS;
  const body: number[] = [2, 2, I32, ...uleb(PEAK_ACCUMULATORS + PEAK_ROWS + 1), V128];
  for (let i = 0; i < PEAK_ACCUMULATORS; i++) body.push(I32_CONST, 0, ...V128_LOAD32_SPLAT, 0x02, ...uleb(PEAK_START_AT), LOCAL_SET, 3 + i);
  body.push(LOOP, VOID);
  body.push(I32_CONST, 0, LOCAL_SET, p, I32_CONST, ...sleb(PEAK_SCALARS_AT), LOCAL_SET, q);
  body.push(BLOCK, VOID, LOOP, VOID, LOCAL_GET, p, I32_CONST, ...sleb(PEAK_VECTOR_BYTES), I32_GE_U, BR_IF, 1);
  for (let k = 0; k < PEAK_ROWS; k++) body.push(LOCAL_GET, q, ...V128_LOAD32_SPLAT, 0x02, ...uleb(4 * k), LOCAL_SET, s(k));
  for (let g = 0; g < PEAK_GROUPS; g++) {
    body.push(LOCAL_GET, p, ...V128_LOAD, 0x04, ...uleb(16 * g), LOCAL_SET, d);
    for (let k = 0; k < PEAK_ROWS; k++) body.push(LOCAL_GET, a(k, g), LOCAL_GET, s(k), LOCAL_GET, d, ...F32X4_MUL, ...F32X4_ADD, LOCAL_SET, a(k, g));
  }
  body.push(LOCAL_GET, q, I32_CONST, 4, I32_ADD, LOCAL_SET, q);
  body.push(LOCAL_GET, p, I32_CONST, ...sleb(16 * PEAK_GROUPS), I32_ADD, LOCAL_SET, p, BR, 0, END, END);
  body.push(LOCAL_GET, n, I32_CONST, 1, I32_SUB, LOCAL_TEE, n, BR_IF, 0, END);
  body.push(LOCAL_GET, 3);
  for (let i = 1; i < PEAK_ACCUMULATORS; i++) body.push(LOCAL_GET, 3 + i, ...F32X4_ADD);
  body.push(...F32X4_EXTRACT_LANE, 0, END);
  const code = [1, ...uleb(body.length), ...body];
  const name = (t: string) => [...uleb(t.length), ...[...t].map((ch) => ch.charCodeAt(0))];
  return new Uint8Array([
    ...WASM_HEADER,
    ...section(1, [1, 0x60, 1, I32, 1, F32]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name("peak"), 0x00, 0, ...name("memory"), 0x02, 0]),
    ...section(10, code),
  ]);
}

/** Operand values: small (1e-3 to 7e-3), so millions of steps keep the accumulators (from 1) far from overflow. */
export function peakOperand(i: number): number {
  return 0.001 * (1 + (i % 7));
}

/** The exported function of {@link wasmSimdPeakModule}, its operands written (float index i holds peakOperand(i), the start value 1). */
export function instantiateWasmSimdPeak(): (iterations: number) => number {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasmSimdPeakModule()));
  const memory = new Float32Array((instance.exports.memory as WebAssembly.Memory).buffer, 0, PEAK_START_AT / 4 + 1);
  for (let i = 0; i < memory.length - 1; i++) memory[i] = peakOperand(i);
  memory[memory.length - 1] = 1;
  return instance.exports.peak as (iterations: number) => number;
}

/**
 * Measured GFLOP/s of the probe's loop: warm-up calls (so the engine's optimising tier compiles
 * it), then the median of `repeats` timed calls of `iterations` outer iterations.
 */
export function measureWasmSimdPeak(options: { iterations?: number; repeats?: number } = {}): number {
  const iterations = options.iterations ?? 8_000;
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
