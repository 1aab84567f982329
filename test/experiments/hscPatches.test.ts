import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { hscPatches } from "../../src/experiments/hscPatches.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { runExperiment } from "../../src/experiments/runExperiment.js";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

describe("hsc-patches", () => {
  it("is registered under its name", () => {
    expect(getExperiment("hsc-patches")).toBe(hscPatches);
  });

  it("--quick writes the headline rows of units, the likelihood table with its control, and the numbers", async () => {
    const out = mkdtempSync(join(tmpdir(), "sparsekit-hsc-"));
    const r = await runExperiment(hscPatches, { quick: true, outDir: out, seed: 1, progress: "none" });
    const json = JSON.parse(readFileSync(r.files.json, "utf8"));
    const m = json.metrics;
    for (const k of ["nllLayer1", "nllTwoLayers", "gainNats", "controlGainNats", "orientationSpread", "orientationSpreadRandom", "floor"]) {
      expect(Number.isFinite(m[k]), k).toBe(true);
    }
    expect(m.gainNats).toBeCloseTo(m.nllLayer1 - m.nllTwoLayers, 6);
    expect(m.unitUsage).toHaveLength(8);
    expect(json.headline).toMatch(/nats/);
    const rows = json.contents.find((c: { name: string }) => c.name === "second-layer units");
    expect(rows.kind).toBe("imageRows");
    expect(rows.lead).toBe(true);
    expect(rows.rows).toHaveLength(4);
    expect(rows.columnLabels.slice(0, 2)).toEqual(["pos.", "orient. x freq."]);
    expect(json.contents.find((c: { name: string }) => c.name === "summary").lead).toBe(true);
    expect(existsSync(join(out, "index.html"))).toBe(true);
  });
});
