import { describe, expect, it } from "vitest";
import { adamUpdateInto } from "../../src/backend/adamUpdateKernel.js";
import { wasmAdamSimd, wasmAdamSimdModule } from "../../src/backend/wasmAdamSimd.js";
import { seededValues } from "./backendTestUtils.js";

describe("wasm SIMD Adam loop", () => {
  it("encodes valid modules for plain and shared (threaded build) memories", () => {
    expect(WebAssembly.validate(wasmAdamSimdModule(false))).toBe(true);
    expect(WebAssembly.validate(wasmAdamSimdModule(true))).toBe(true);
  });

  it("matches the scalar float32 loop bit for bit, in place on an imported memory", () => {
    const n = 4096;
    const memory = new WebAssembly.Memory({ initial: 2 });
    const at = (k: number) => new Float32Array(memory.buffer, 16 + k * n * 4, n); // 16: not at address 0
    const [w, g, m, v, wOut, mOut, vOut] = [0, 1, 2, 3, 4, 5, 6].map(at);
    w.set(seededValues(n, 1));
    g.set(seededValues(n, 2, -3, 3));
    m.set(seededValues(n, 3, -0.1, 0.1));
    v.set(seededValues(n, 4, 0, 0.5));
    const attrs = { learningRate: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    const f = Math.fround;
    wasmAdamSimd(memory)(w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, wOut.byteOffset, mOut.byteOffset, vOut.byteOffset, n * 4,
      f(0.9), f(1 - 0.9), f(0.999), f(1 - 0.999), f(1 - f(0.9 ** 7)), f(1 - f(0.999 ** 7)), f(1e-7), f(-0.003));
    const expected = [0, 1, 2].map(() => new Float32Array(n));
    adamUpdateInto(w, g, m, v, 0.9 ** 7, 0.999 ** 7, attrs, expected[0], expected[1], expected[2]);
    expect(wOut).toEqual(expected[0]);
    expect(mOut).toEqual(expected[1]);
    expect(vOut).toEqual(expected[2]);
    expect(wasmAdamSimd(memory)).toBe(wasmAdamSimd(memory)); // one instance per memory
  });
});
