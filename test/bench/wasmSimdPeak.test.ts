import { describe, expect, it } from "vitest";
import {
  instantiateWasmSimdPeak, measureWasmSimdPeak, PEAK_ACCUMULATORS, PEAK_FLOPS_PER_ITERATION, PEAK_GROUPS, PEAK_ROWS, PEAK_SCALARS_AT, PEAK_STEPS, peakOperand, wasmSimdPeakModule,
} from "../../src/bench/wasmSimdPeak.js";

/** What the module computes, in float32 arithmetic: lane 0 of the accumulators' sum after n outer iterations. */
function reference(iterations: number): number {
  const acc = Array.from({ length: PEAK_ACCUMULATORS }, () => 1);
  for (let it = 0; it < iterations; it++) {
    for (let t = 0; t < PEAK_STEPS; t++) {
      for (let g = 0; g < PEAK_GROUPS; g++) {
        const d = Math.fround(peakOperand((t * PEAK_GROUPS + g) * 4));
        for (let k = 0; k < PEAK_ROWS; k++) {
          const s = Math.fround(peakOperand(PEAK_SCALARS_AT / 4 + t + k));
          acc[k * PEAK_GROUPS + g] = Math.fround(acc[k * PEAK_GROUPS + g]! + Math.fround(s * d));
        }
      }
    }
  }
  return acc.reduce((sum, v) => Math.fround(sum + v));
}

describe("wasm SIMD peak kernel", () => {
  it("is a valid module whose loop computes a += s * d exactly as float32 arithmetic does", () => {
    expect(WebAssembly.validate(wasmSimdPeakModule())).toBe(true);
    const peak = instantiateWasmSimdPeak();
    for (const n of [1, 2, 5]) expect(peak(n)).toBe(reference(n));
    expect(PEAK_FLOPS_PER_ITERATION).toBe(PEAK_STEPS * PEAK_ACCUMULATORS * 8);
  });

  it("measures a positive finite rate", () => {
    const r = measureWasmSimdPeak({ iterations: 100, repeats: 3 });
    expect(Number.isFinite(r) && r > 0).toBe(true);
  });
});
