import { describe, expect, it } from "vitest";
import { signInto } from "../../src/backend/wasmSign.js";
import { wasmSignSimd, wasmSignSimdModule } from "../../src/backend/wasmSignSimd.js";
import { seededValues } from "./backendTestUtils.js";

describe("wasm SIMD Sign", () => {
  it("encodes a valid module, plain and shared memory", () => {
    expect(WebAssembly.validate(wasmSignSimdModule(false))).toBe(true);
    expect(WebAssembly.validate(wasmSignSimdModule(true))).toBe(true);
  });

  it("gives bit for bit the JS loop's values: 1, -1, +0 for zeros of either sign and NaN", () => {
    const values = Float32Array.from([...seededValues(52, 9), 0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3]);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const x = new Float32Array(memory.buffer, 0, values.length);
    const out = new Float32Array(memory.buffer, 4 * values.length, values.length).fill(7);
    x.set(values);
    wasmSignSimd(memory)(x.byteOffset, out.byteOffset, values.length / 4);
    const expected = new Float32Array(values.length);
    signInto(values, expected);
    expect(new Uint32Array(out.buffer, out.byteOffset, out.length)).toEqual(new Uint32Array(expected.buffer));
  });
});
