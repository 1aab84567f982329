import { describe, expect, it } from "vitest";
import { nodeBackendPlatform } from "../../src/backend/nodeBackendPlatform.js";
import { wasmBinaryDir } from "../../src/backend/wasmBinaries.js";

describe("nodeBackendPlatform", () => {
  it("reports Node's runtime, environment, cores and wasm binary folder", () => {
    expect(nodeBackendPlatform.runtime!()).toEqual({ runtime: `node ${process.versions.node}`, platform: `${process.platform}-${process.arch}` });
    expect(nodeBackendPlatform.env!()).toBe(process.env);
    expect(nodeBackendPlatform.cores!()).toBeGreaterThanOrEqual(1);
    expect(nodeBackendPlatform.wasmPaths!()).toBe(wasmBinaryDir());
  });

  it("fails to import tfjs-node when it is not installed (it is an optional peer)", async () => {
    await expect(nodeBackendPlatform.importNodeBackend!()).rejects.toThrow();
  });
});
