import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { maxPool2x2GradInto } from "../../src/backend/wasmPoolGradients.js";
import { wasmMaxPoolGradSimd, wasmMaxPoolGradSimdModule } from "../../src/backend/wasmMaxPoolGradSimd.js";
import { seededValues } from "./backendTestUtils.js";

describe("wasm SIMD 2 x 2 MaxPoolGrad", () => {
  it("encodes a valid module, plain and shared memory", () => {
    expect(WebAssembly.validate(wasmMaxPoolGradSimdModule(false))).toBe(true);
    expect(WebAssembly.validate(wasmMaxPoolGradSimdModule(true))).toBe(true);
  });

  it("gives bit for bit the JS loop's dx: first maximum wins, ties, NaN, -Infinity, -0, every window written", () => {
    const [nb, h, w, ch] = [2, 4, 6, 8];
    const special = [NaN, -Infinity, Infinity, -0, 0, 1, 1, -1];
    const xs = seededValues(nb * h * w * ch, 7, -1, 1).map((v, i) => (i % 3 === 0 ? special[(i / 3) % special.length]! : i % 7 === 0 ? 0.5 : v));
    const dys = seededValues((nb * h * w * ch) / 4, 8).map((v, i) => (i % 11 === 0 ? -0 : v));
    const memory = new WebAssembly.Memory({ initial: 1 });
    const x = new Float32Array(memory.buffer, 0, xs.length);
    const dy = new Float32Array(memory.buffer, 4 * xs.length, dys.length);
    const dx = new Float32Array(memory.buffer, 4 * (xs.length + dys.length), xs.length);
    x.set(xs);
    dy.set(dys);
    dx.fill(7);
    wasmMaxPoolGradSimd(memory)(x.byteOffset, dy.byteOffset, dx.byteOffset, (nb * h) / 2, w / 2, ch / 4, 4 * ch, 4 * w * ch);
    const expected = new Float32Array(xs.length);
    maxPool2x2GradInto(x, dy, expected, tf.backend_util.computePool2DInfo([nb, h, w, ch], 2, 2, 1, "valid"));
    expect(new Uint32Array(dx.buffer, dx.byteOffset, dx.length)).toEqual(new Uint32Array(expected.buffer));
  });
});
