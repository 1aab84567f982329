import os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { backendInfo } from "../../src/backend/backendInfo.js";
import { initBackend } from "../../src/backend/initBackend.js";

describe("backendInfo", () => {
  it("describes the wasm backend", async () => {
    await initBackend({ backend: "wasm" });
    const info = await backendInfo();
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    expect(info).toEqual({
      backend: "wasm",
      threads: wasm.getThreadsCount(),
      cores: os.availableParallelism(),
      simd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
      wasmMatMulOverride: true,
      tfjsVersion: tf.version.tfjs,
      runtime: `node ${process.versions.node}`,
      platform: `${process.platform}-${process.arch}`,
    });
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.tfjsVersion).toBe("4.22.0");
  });

  it("describes the cpu backend", async () => {
    await initBackend({ backend: "cpu" });
    const info = await backendInfo();
    expect(info).toMatchObject({ backend: "cpu", threads: 1, simd: false, wasmMatMulOverride: null });
  });

  it("passes through a backend sparsekit does not know", async () => {
    class Other extends tf.KernelBackend {
      override dispose(): void {}
    }
    tf.registerBackend("other-test-backend", () => new Other(), 0);
    await tf.setBackend("other-test-backend");
    const info = await backendInfo();
    expect(info).toMatchObject({ backend: "other-test-backend", threads: 1, simd: null });
    await tf.setBackend("cpu");
    tf.removeBackend("other-test-backend");
  });
});
