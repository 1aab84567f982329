import { describe, expect, it } from "vitest";
import { wasmFilterGradSimdModule, wasmFilterGradTap } from "../../src/backend/wasmFilterGradSimd.js";
import { expectClose, seededValues } from "./backendTestUtils.js";

describe("wasm SIMD filter-gradient tap", () => {
  it("encodes valid modules for 1 to 16 groups of four channels, plain and shared memory", () => {
    for (const groups of [1, 2, 8, 16]) {
      expect(WebAssembly.validate(wasmFilterGradSimdModule(false, groups))).toBe(true);
      expect(WebAssembly.validate(wasmFilterGradSimdModule(true, groups))).toBe(true);
    }
  });

  it("adds sum_{row, col} x[row, col] dy[row, col, :] to the accumulator (x rows strided, dy contiguous)", () => {
    const [rows, cols, xRow, groups] = [3, 5, 7, 2];
    const co = 4 * groups;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const x = new Float32Array(memory.buffer, 64, rows * xRow);
    const dy = new Float32Array(memory.buffer, 64 + 4 * x.length, rows * cols * co);
    const acc = new Float32Array(memory.buffer, 64 + 4 * (x.length + dy.length), co);
    x.set(seededValues(x.length, 1));
    dy.set(seededValues(dy.length, 2));
    acc.fill(1);
    wasmFilterGradTap(memory, groups)(x.byteOffset, dy.byteOffset, rows, cols, xRow * 4, acc.byteOffset);
    const expected = new Float32Array(co).fill(1);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) for (let o = 0; o < co; o++) expected[o] += x[r * xRow + c] * dy[(r * cols + c) * co + o];
    expectClose(acc, expected, 1e-6, 1e-6);
    expect(wasmFilterGradTap(memory, groups)).toBe(wasmFilterGradTap(memory, groups));
  });
});
