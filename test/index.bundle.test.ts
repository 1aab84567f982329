import { describe, expect, it } from "vitest";
import { bundleCoreForBrowser } from "./helpers/bundleCore.js";

/** Node-only modules: the node entry, the Node parts of each layer, and the layers that are Node-only. */
const NODE_ONLY = /^src\/(node\.ts|nodePlatform\.ts|cli\/|experiments\/|bench\/|sweep\/|[a-z]+\/node\.ts|io\/(nodeStorage|packageRoot)\.ts|backend\/(wasmBinaries|nodeBackendPlatform)\.ts|train\/progressBar\.ts|data\/(mnist|mnistIdx|idx|cifar10|naturalImages|readDataFile|decodeJpegGrey)\.ts|report\/(RunReport|readRunReport|renderVegaLite|encodePng|imageGrid|reconstructionGrid|maskOverlayGrid)\.ts)/;

describe("the core entry in a browser bundle", () => {
  it("bundles with esbuild for platform browser without errors, warnings or node: imports", async () => {
    let result;
    try {
      result = await bundleCoreForBrowser();
    } catch (e) {
      const errors = (e as { errors?: { text: string; location?: { file: string } | null }[] }).errors ?? [];
      throw new Error(`bundling failed:\n${errors.map((x) => `${x.location?.file ?? "?"}: ${x.text}`).join("\n")}`);
    }
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.text)).toEqual([]);
    const inputs = result.metafile.inputs;
    const nodeImports = Object.entries(inputs).flatMap(([file, input]) =>
      input.imports.filter((i) => i.path.startsWith("node:") || i.external).map((i) => `${file} -> ${i.path}`),
    );
    expect(nodeImports).toEqual([]);
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:|import\(["']@tensorflow\/tfjs-node["']\)/);
  });

  it("keeps the layering rule: the core reaches no Node-only module", async () => {
    const result = await bundleCoreForBrowser();
    const reached = Object.keys(result.metafile.inputs).filter((f) => f.startsWith("src/"));
    expect(reached.length).toBeGreaterThan(100);
    expect(reached.filter((f) => NODE_ONLY.test(f))).toEqual([]);
  });
});
