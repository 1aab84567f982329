import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/initBackend.js";
import type { WasmHeapBackend } from "../../src/backend/wasmKernelCalls.js";
import { heapForModule, heapFunction, heapModule, wasmHeapMemory } from "../../src/backend/wasmHeapModule.js";
import { END, I32, LOCAL_GET, V128_LOAD, V128_STORE } from "../../src/backend/wasmEncoding.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

/** A module whose export `copy(address)` copies the 16 bytes at address to address + 16. */
const copyModule = (shared: boolean) => heapModule(shared, "copy", [I32], [0, LOCAL_GET, 0, LOCAL_GET, 0, ...V128_LOAD, 0x00, 0x00, ...V128_STORE, 0x00, 16, END]);

describe("heapModule", () => {
  it("imports env.memory, plain or shared, and exports one function", () => {
    for (const shared of [false, true]) {
      const module = new WebAssembly.Module(heapModule(shared, "f", [I32, I32], [0, END]));
      expect(WebAssembly.Module.imports(module)).toEqual([{ module: "env", name: "memory", kind: "memory" }]);
      expect(WebAssembly.Module.exports(module)).toEqual([{ name: "f", kind: "function" }]);
    }
  });
});

describe("heapFunction", () => {
  it("instantiates a module once per memory and key, on that memory", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const floats = new Float32Array(memory.buffer, 32, 8);
    floats.set([1, 2, 3, 4]);
    const copy = heapFunction<(address: number) => void>(memory, "copy-test", "copy", copyModule);
    copy(32);
    expect(Array.from(floats)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect(heapFunction(memory, "copy-test", "copy", copyModule)).toBe(copy);
    expect(heapFunction(new WebAssembly.Memory({ initial: 1 }), "copy-test", "copy", copyModule)).not.toBe(copy);
  });
});

describe("wasmHeapMemory and heapForModule", () => {
  it("give the wasm backend's WebAssembly.Memory, holding the tensors' data; undefined elsewhere or for a module the engine refuses", async () => {
    await tf.setBackend("wasm");
    const memory = wasmHeapMemory(tf.backend());
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    const x = tf.tensor1d([7, 8, 9]);
    const view = (tf.backend() as unknown as WasmHeapBackend).typedArrayFromHeap(x) as Float32Array;
    expect(Array.from(new Float32Array(memory!.buffer, view.byteOffset, 3))).toEqual([7, 8, 9]);
    x.dispose();
    expect(wasmHeapMemory(tf.findBackend("cpu"))).toBeUndefined();
    expect(wasmHeapMemory({ wasm: { asm: { memory: {} } } })).toBeUndefined();
    expect(heapForModule(tf.backend(), "copy-test", copyModule)).toBe(memory);
    expect(heapForModule(tf.backend(), "invalid-test", () => new Uint8Array([0, 1, 2]))).toBeUndefined();
  });
});
