import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
import {
  BACKEND_ENV_VAR,
  autoBackendOrder,
  defaultBackendDeps,
  initBackend,
  NODE_PACKAGE,
  WASM_PACKAGE,
  type BackendDeps,
} from "../../src/backend/initBackend.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

/** A stand-in for the TensorFlow C++ backend: enough for tf.setBackend, computes nothing. */
class FakeNodeBackend extends tf.KernelBackend {
  override dispose(): void {}
}

interface FakeOptions {
  node?: boolean;
  wasm?: boolean;
  env?: Record<string, string | undefined>;
}

/** Importer that pretends tfjs-node is (not) installed and can make the wasm import fail. */
function fakeDeps({ node = false, wasm = true, env = {} }: FakeOptions): BackendDeps & { imported: string[] } {
  const imported: string[] = [];
  return {
    imported,
    env,
    importModule: async (specifier: string) => {
      imported.push(specifier);
      if (specifier === NODE_PACKAGE) {
        if (!node) throw new Error(`Cannot find package '${NODE_PACKAGE}'`);
        // Like the real package, importing it registers the "tensorflow" backend.
        if (!tf.engine().registryFactory["tensorflow"]) tf.registerBackend("tensorflow", () => new FakeNodeBackend(), 3);
        return {};
      }
      if (specifier === WASM_PACKAGE && !wasm) throw new Error("simulated: wasm module failed to load");
      return defaultBackendDeps.importModule(specifier);
    },
  };
}

afterEach(async () => {
  await tf.setBackend("cpu");
  if (tf.engine().registryFactory["tensorflow"]) tf.removeBackend("tensorflow");
});

describe("initBackend selection", () => {
  it("auto picks tfjs-node when it can be imported", async () => {
    const deps = fakeDeps({ node: true });
    const r = await initBackend({}, deps);
    expect(r).toMatchObject({ backend: "node", requested: "auto", source: "default", skipped: [] });
    expect(tf.getBackend()).toBe("tensorflow");
    expect(deps.imported).toEqual([NODE_PACKAGE]);
  });

  it("auto falls through silently to wasm when tfjs-node is absent", async () => {
    const deps = fakeDeps({ node: false });
    const r = await initBackend({ backend: "auto" }, deps);
    expect(r.backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]).toMatchObject({ backend: "node" });
    expect(r.skipped[0].reason).toContain("Cannot find package");
    expect(deps.imported).toEqual([NODE_PACKAGE, WASM_PACKAGE]);
  });

  it("auto falls back to the cpu backend when wasm fails too", async () => {
    const deps = fakeDeps({ node: false, wasm: false });
    const r = await initBackend({}, deps);
    expect(r.backend).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(r.skipped.map((s) => s.backend)).toEqual(["node", "wasm"]);
    expect(r.skipped[1].reason).toContain("simulated");
  });

  it("SPARSEKIT_BACKEND overrides auto", async () => {
    const deps = fakeDeps({ node: true, env: { [BACKEND_ENV_VAR]: "cpu" } });
    const r = await initBackend({}, deps);
    expect(r).toMatchObject({ backend: "cpu", requested: "cpu", source: "env" });
    expect(tf.getBackend()).toBe("cpu");
    expect(deps.imported).toEqual([]);
    const r2 = await initBackend({}, fakeDeps({ env: { [BACKEND_ENV_VAR]: " WASM " } }));
    expect(r2).toMatchObject({ backend: "wasm", source: "env" });
  });

  it("an explicit option wins over SPARSEKIT_BACKEND", async () => {
    const deps = fakeDeps({ node: true, env: { [BACKEND_ENV_VAR]: "node" } });
    const r = await initBackend({ backend: "wasm" }, deps);
    expect(r).toMatchObject({ backend: "wasm", requested: "wasm", source: "option" });
    expect(deps.imported).toEqual([WASM_PACKAGE]);
  });

  it("an empty SPARSEKIT_BACKEND means auto", async () => {
    const r = await initBackend({}, fakeDeps({ env: { [BACKEND_ENV_VAR]: "" } }));
    expect(r).toMatchObject({ backend: "wasm", requested: "auto", source: "default" });
  });

  it("explicit node without tfjs-node says how to install it", async () => {
    const attempt = initBackend({ backend: "node" }, fakeDeps({ node: false }));
    await expect(attempt).rejects.toThrow(SparsekitError);
    await expect(initBackend({ backend: "node" }, fakeDeps({ node: false }))).rejects.toThrow(
      /initBackend: backend "node" needs the optional package @tensorflow\/tfjs-node.*npm install @tensorflow\/tfjs-node/,
    );
  });

  it("explicit wasm that fails does not fall back silently", async () => {
    await expect(initBackend({ backend: "wasm" }, fakeDeps({ wasm: false }))).rejects.toThrow(
      /backend "wasm" could not be initialised \(simulated: wasm module failed to load\)/,
    );
  });

  it("rejects bad backend names, bad threads and unknown options", async () => {
    const deps = fakeDeps({});
    await expect(initBackend({ backend: "gpu" as never }, deps)).rejects.toThrow(
      /initBackend: option 'backend' must be one of "auto", "node", "webgl", "wasm", "cpu", got "gpu"/,
    );
    await expect(initBackend({}, fakeDeps({ env: { [BACKEND_ENV_VAR]: "metal" } }))).rejects.toThrow(
      /environment variable SPARSEKIT_BACKEND must be one of .*got "metal"/,
    );
    await expect(initBackend({ threads: 0 }, deps)).rejects.toThrow(/option 'threads' must be an integer, >= 1/);
    await expect(initBackend({ threads: 1.5 }, deps)).rejects.toThrow(SparsekitError);
    await expect(initBackend({ backnd: "cpu" } as never, deps)).rejects.toThrow(/unknown option 'backnd'/);
    expect(deps.imported).toEqual([]);
  });

  it("reports a thread request the wasm backend cannot honour", async () => {
    const r = await initBackend({ backend: "wasm", threads: 2 }, fakeDeps({}));
    const actual = (await import("@tensorflow/tfjs-backend-wasm")).getThreadsCount();
    expect(r.notes.some((n) => n.includes(`${actual} thread(s), not the 2 requested`))).toBe(actual !== 2);
  });

  it("with the real importer, auto selects a native or wasm backend", async () => {
    const r = await initBackend({}, { ...defaultBackendDeps, env: {} });
    expect(["node", "wasm"]).toContain(r.backend);
    expect(tf.getBackend()).toBe(r.backend === "node" ? "tensorflow" : "wasm");
    if (r.backend === "wasm") expect(r.skipped.map((s) => s.backend)).toEqual(["node"]);
  });

  it("auto order: tfjs-node, wasm, cpu in Node; webgl, wasm, cpu in a browser", () => {
    expect(autoBackendOrder(false)).toEqual(["node", "wasm", "cpu"]);
    expect(autoBackendOrder(true)).toEqual(["webgl", "wasm", "cpu"]);
  });

  it("explains that webgl needs a browser when asked for in Node", async () => {
    await expect(initBackend({ backend: "webgl" }, fakeDeps({}))).rejects.toThrow(/backend "webgl" could not be initialised \(WebGL needs a browser/);
  });

  it("validates wasmPaths", async () => {
    await expect(initBackend({ wasmPaths: "" }, fakeDeps({}))).rejects.toThrow(/option 'wasmPaths' must be a non-empty folder or URL prefix/);
  });
});
