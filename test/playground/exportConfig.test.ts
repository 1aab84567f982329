import { describe, expect, it } from "vitest";
import { MODELS } from "../../playground/src/catalog.js";
import { exportConfig, exportFileName } from "../../playground/src/exportConfig.js";
import type { NumberParam } from "../../playground/src/params.js";
import { defaultSettings, type Settings } from "../../playground/src/settings.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { resolveExperimentConfig } from "../../src/experiments/runExperiment.js";

/** The defaults, and every parameter at its minimum, its maximum and each of its choices. */
function variants(model: (typeof MODELS)[number]): Settings[] {
  const out: Settings[] = [defaultSettings(model.id)];
  for (const p of model.params) {
    const values = p.kind === "number" ? [(p as NumberParam).min, (p as NumberParam).max] : p.options.map((o) => o.value);
    for (const v of values) {
      const s = defaultSettings(model.id);
      s.values[p.id] = v;
      out.push(s);
    }
  }
  return out;
}

describe("playground Export config", () => {
  for (const model of MODELS) {
    it(`${model.id}: every exported config is accepted by sparsekit run ${model.experiment} --config`, () => {
      const experiment = getExperiment(model.experiment);
      for (const s of variants(model)) {
        const e = exportConfig(s);
        expect(e.experiment).toBe(model.experiment);
        expect(exportFileName(e)).toBe(`${model.experiment}.config.json`);
        // What the CLI does with --config file.json: parse the JSON, validate it against the schema.
        const fromFile = JSON.parse(JSON.stringify(e.config)) as Record<string, unknown>;
        const resolved = resolveExperimentConfig(experiment, [fromFile]);
        for (const [k, v] of Object.entries(fromFile)) expect(resolved[k], `${model.id} ${k}`).toEqual(v);
      }
    });
  }

  it("carries the weights the page trains with", () => {
    const s = defaultSettings("sae-patches");
    s.values.rho = 0.02;
    s.values.beta = 5;
    s.values.hidden = 49;
    expect(exportConfig(s).config).toMatchObject({ rho: 0.02, beta: 5, hiddenSize: 49, optimizer: "lbfgs" });
    s.values.optimizer = "adam";
    s.values.lr = 0.005;
    expect(exportConfig(s).config).toMatchObject({ optimizer: "adam", learningRate: 0.005, batchSize: 100 });
    const m = defaultSettings("masks");
    m.values.budget = 0.2;
    expect(exportConfig(m).config).toMatchObject({ methods: ["gumbelTopK"], budgets: [0.2] });
  });

  it("says which page settings the experiment has no key for", () => {
    const s = defaultSettings("sae-mnist");
    s.values.sparsity = "topk";
    expect(exportConfig(s).notes.join(" ")).toMatch(/top-k/);
    expect(exportConfig(defaultSettings("sae-mnist")).notes).toEqual([]);
  });
});
