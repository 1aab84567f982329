import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import {
  installWasmCastIdentity,
  isWasmCastIdentityInstalled,
  uninstallWasmCastIdentity,
} from "../../src/backend/wasmCastIdentity.js";
import { backendBuffers } from "./backendTestUtils.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("wasm Identity and Cast", () => {
  it("is installed by initBackend and idempotent", () => {
    expect(isWasmCastIdentityInstalled()).toBe(true);
    expect(installWasmCastIdentity()).toBe(false);
  });

  it("clone shares the buffer, which outlives the original", () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const buffers = backendBuffers();
    const y = tf.clone(x);
    expect(backendBuffers()).toBe(buffers);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
    expect(backendBuffers()).toBe(buffers - 1);
  });

  it("same-dtype cast shares, real casts still convert", () => {
    const x = tf.tensor1d([-1.7, 0, 2.5, 256, NaN, -0]);
    const buffers = backendBuffers();
    const same = tf.cast(x, "float32");
    expect(backendBuffers()).toBe(buffers);
    const asInt = tf.cast(x, "int32");
    const asBool = tf.cast(x, "bool");
    expect(backendBuffers()).toBe(buffers + 2);
    expect(same.dataSync()).toEqual(x.dataSync());
    expect(asInt.dtype).toBe("int32");
    expect(Array.from(asInt.dataSync())).toEqual([-1, 0, 2, 256, 0, 0]);
    // stock tfjs-backend-wasm 4.22 gives 255, 0, 2, 0, 0, 0 here (values modulo 256)
    expect(Array.from(asBool.dataSync())).toEqual([1, 0, 1, 1, 1, 0]);
    tf.dispose([x, same, asInt, asBool]);
  });

  it("keeps string tensors working", () => {
    const s = tf.tensor1d(["a", "bc"], "string");
    const c = tf.clone(s);
    s.dispose();
    expect(c.dataSync()).toEqual(["a", "bc"]);
    c.dispose();
  });

  it("leaves gradients unchanged (saved tensors are shared, not copied)", () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.square(v), tf.cast(v, "float32"))))(x);
    expect(Array.from(g.dataSync())).toEqual([0.75, 3, 12]);
    tf.dispose([x, g]);
  });

  it("can be removed (copies again) and reinstalled", () => {
    uninstallWasmCastIdentity();
    expect(isWasmCastIdentityInstalled()).toBe(false);
    const x = tf.tensor1d([1, 2]);
    const buffers = backendBuffers();
    const y = tf.clone(x);
    expect(backendBuffers()).toBe(buffers + 1);
    tf.dispose([x, y]);
    expect(installWasmCastIdentity()).toBe(true);
  });
});
