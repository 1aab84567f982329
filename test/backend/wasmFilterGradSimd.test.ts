import { describe, expect, it } from "vitest";
import { type FilterGradBlocking, wasmFilterGradSimdModule, wasmFilterGradTap } from "../../src/backend/wasmFilterGradSimd.js";
import { expectClose, seededValues } from "./backendTestUtils.js";

describe("wasm SIMD filter-gradient tap", () => {
  it("encodes valid modules for register blocks of 1-4 input channels x 1-8 groups of four output channels, plain and shared memory", () => {
    for (const [inBlock, outGroups] of [[1, 1], [1, 8], [4, 2], [3, 1], [2, 4]]) {
      const blocking = { inChannels: 12, outChannels: 32, inBlock, outGroups };
      expect(WebAssembly.validate(wasmFilterGradSimdModule(false, blocking))).toBe(true);
      expect(WebAssembly.validate(wasmFilterGradSimdModule(true, blocking))).toBe(true);
    }
  });

  it("refuses a block that does not tile the filter", () => {
    expect(() => wasmFilterGradSimdModule(false, { inChannels: 6, outChannels: 8, inBlock: 4, outGroups: 1 })).toThrow(/does not tile/);
    expect(() => wasmFilterGradSimdModule(false, { inChannels: 4, outChannels: 12, inBlock: 4, outGroups: 2 })).toThrow(/does not tile/);
  });

  it.each<FilterGradBlocking>([
    { inChannels: 1, outChannels: 8, inBlock: 1, outGroups: 2 },
    { inChannels: 8, outChannels: 16, inBlock: 4, outGroups: 2 },
    { inChannels: 6, outChannels: 12, inBlock: 3, outGroups: 1 },
    { inChannels: 4, outChannels: 32, inBlock: 2, outGroups: 4 },
  ])("adds sum_{row, col} x[row, col, i] dy[row, col, o] to acc[i, o] for every block (strided rows and columns) %j", (blocking) => {
    const { inChannels: ci, outChannels: co } = blocking;
    const [rows, cols, xColStride, xRowStride, dyColStride] = [3, 5, ci + 2, 7 * (ci + 2) + 1, co + 4];
    const dyRowStride = 6 * dyColStride;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const x = new Float32Array(memory.buffer, 64, rows * xRowStride);
    const dy = new Float32Array(memory.buffer, 64 + 4 * x.length, rows * dyRowStride);
    const acc = new Float32Array(memory.buffer, 64 + 4 * (x.length + dy.length), ci * co);
    x.set(seededValues(x.length, 1));
    dy.set(seededValues(dy.length, 2));
    acc.set(seededValues(acc.length, 3));
    const expected = Float32Array.from(acc);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) expected[i * co + o] += x[r * xRowStride + c * xColStride + i] * dy[r * dyRowStride + c * dyColStride + o];
      }
    }
    wasmFilterGradTap(memory, blocking)(x.byteOffset, dy.byteOffset, rows, cols, 4 * xRowStride, 4 * xColStride, 4 * dyRowStride, 4 * dyColStride, acc.byteOffset);
    expectClose(acc, expected, 1e-5, 1e-5);
    expect(wasmFilterGradTap(memory, blocking)).toBe(wasmFilterGradTap(memory, blocking));
  });
});
