import { describe, expect, it } from "vitest";
import { instantiateWasmSimdPeak, measureWasmSimdPeak, PEAK_ACCUMULATORS, PEAK_FLOPS_PER_ITERATION, wasmSimdPeakModule } from "../../src/bench/wasmSimdPeak.js";

/** What the module computes, in float32 arithmetic. */
function reference(iterations: number): number {
  let acc = Array.from({ length: PEAK_ACCUMULATORS }, (_, i) => Math.fround(1 + (i + 1) / 100));
  const m = Math.fround(0.999);
  const c = Math.fround(0.001);
  for (let k = 0; k < iterations; k++) acc = acc.map((v) => Math.fround(Math.fround(v * m) + c));
  return acc.reduce((s, v) => Math.fround(s + v));
}

describe("wasm SIMD peak kernel", () => {
  it("is a valid module whose loop computes a = a * m + c exactly as float32 arithmetic does", () => {
    expect(WebAssembly.validate(wasmSimdPeakModule())).toBe(true);
    const peak = instantiateWasmSimdPeak();
    for (const n of [1, 2, 7, 1000]) expect(peak(n)).toBe(reference(n));
    expect(PEAK_FLOPS_PER_ITERATION).toBe(PEAK_ACCUMULATORS * 8);
  });

  it("measures a positive finite rate", () => {
    const r = measureWasmSimdPeak({ iterations: 10_000, repeats: 3 });
    expect(Number.isFinite(r) && r > 0).toBe(true);
  });
});
