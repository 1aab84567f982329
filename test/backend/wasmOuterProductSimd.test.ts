import { describe, expect, it } from "vitest";
import { type OuterProductBlocking, outerProductBlocking, wasmOuterProductAccumulate, wasmOuterProductModule } from "../../src/backend/wasmOuterProductSimd.js";
import { expectClose, seededValues } from "./backendTestUtils.js";

describe("wasm SIMD outer-product accumulation", () => {
  it("encodes valid modules for register blocks of 1-4 input channels x 1-8 groups of four output channels, plain and shared memory", () => {
    for (const [inBlock, outGroups] of [[1, 1], [1, 8], [4, 2], [3, 1], [2, 4]]) {
      const blocking = { inChannels: 12, outChannels: 32, inBlock, outGroups };
      expect(WebAssembly.validate(wasmOuterProductModule(false, blocking))).toBe(true);
      expect(WebAssembly.validate(wasmOuterProductModule(true, blocking))).toBe(true);
    }
  });

  it("refuses a block that does not tile the filter", () => {
    expect(() => wasmOuterProductModule(false, { inChannels: 6, outChannels: 8, inBlock: 4, outGroups: 1 })).toThrow(/does not tile/);
    expect(() => wasmOuterProductModule(false, { inChannels: 4, outChannels: 12, inBlock: 4, outGroups: 2 })).toThrow(/does not tile/);
  });

  it.each<OuterProductBlocking>([
    { inChannels: 1, outChannels: 8, inBlock: 1, outGroups: 2 },
    { inChannels: 8, outChannels: 16, inBlock: 4, outGroups: 2 },
    { inChannels: 6, outChannels: 12, inBlock: 3, outGroups: 1 },
    { inChannels: 4, outChannels: 32, inBlock: 2, outGroups: 4 },
    { inChannels: 6, outChannels: 8, inBlock: 2, outGroups: 2, inStrideBytes: 12 },
  ])("adds sum_{row, col} x[row, col, i] dy[row, col, o] to acc[i, o] for every block (strided rows and columns) %j", (blocking) => {
    const { inChannels: ci, outChannels: co } = blocking;
    const inStride = (blocking.inStrideBytes ?? 4) / 4;
    const [rows, cols, xColStride, xRowStride, dyColStride] = [3, 5, ci * inStride + 2, 7 * (ci * inStride + 2) + 1, co + 4];
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
        for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) expected[i * co + o] += x[r * xRowStride + c * xColStride + i * inStride] * dy[r * dyRowStride + c * dyColStride + o];
      }
    }
    wasmOuterProductAccumulate(memory, blocking)(x.byteOffset, dy.byteOffset, rows, cols, 4 * xRowStride, 4 * xColStride, 4 * dyRowStride, 4 * dyColStride, acc.byteOffset);
    expectClose(acc, expected, 1e-5, 1e-5);
    expect(wasmOuterProductAccumulate(memory, blocking)).toBe(wasmOuterProductAccumulate(memory, blocking));
  });
});

describe("outerProductBlocking", () => {
  it("prefers the measured 4x2 and 2x4 register blocks, then blocks for few rows or columns, always tiling", () => {
    expect(outerProductBlocking(32, 64)).toMatchObject({ inBlock: 4, outGroups: 2 });
    expect(outerProductBlocking(250, 1200)).toMatchObject({ inBlock: 2, outGroups: 4 });
    expect(outerProductBlocking(7, 8)).toMatchObject({ inBlock: 7, outGroups: 1 });
    expect(outerProductBlocking(1, 56)).toMatchObject({ inBlock: 1, outGroups: 7 });
    expect(outerProductBlocking(3, 32)).toMatchObject({ inBlock: 3, outGroups: 2 });
    expect(outerProductBlocking(8, 6)).toBeUndefined();
    for (const [ci, co] of [[1, 4], [5, 12], [64, 128], [9, 36], [13, 20], [11, 44]]) {
      const b = outerProductBlocking(ci, co)!;
      expect(ci % b.inBlock).toBe(0);
      expect(co % (4 * b.outGroups)).toBe(0);
      expect(b.inBlock * b.outGroups + b.inBlock + 1).toBeLessThanOrEqual(15);
    }
  });
});
