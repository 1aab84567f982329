import { describe, expect, it } from "vitest";
import { MODELS } from "../../playground/src/catalog.js";
import { clampNumber, fromSlider, parseParam, toSlider, type NumberParam } from "../../playground/src/params.js";
import { defaultSettings, settingsFromParams, settingsFromUrl, settingsToParams } from "../../playground/src/settings.js";

describe("playground settings in the URL", () => {
  it("a link reproduces every model's setting", () => {
    for (const m of MODELS) {
      const s = defaultSettings(m.id);
      s.seed = 7;
      s.backend = "wasm";
      for (const p of m.params) if (p.kind === "number") s.values[p.id] = clampNumber(p, p.max);
      const url = `https://example.org/playground/?${settingsToParams(s).toString()}`;
      expect(settingsFromUrl(url)).toEqual(s);
    }
  });

  it("reads the hash over the query, and ignores unknown keys and bad values", () => {
    const s = settingsFromUrl("http://localhost/?model=sae-mnist&rho=0.2&beta=abc&nope=1#rho=0.3&backend=cpu");
    expect(s.model).toBe("sae-mnist");
    expect(s.values.rho).toBe(0.3);
    expect(s.values.beta).toBe(3);
    expect(s.backend).toBe("cpu");
    expect(settingsFromParams(new URLSearchParams("model=unknown"))).toEqual(defaultSettings());
  });

  it("clamps values to the slider's range", () => {
    const s = settingsFromParams(new URLSearchParams("model=sae-patches&rho=5&hidden=7.6&sparsity=bogus"));
    expect(s.values.rho).toBe(0.5);
    expect(s.values.hidden).toBe(8);
    expect(s.values.sparsity).toBe("kl");
  });

  it("log sliders cover the range and round-trip to 3 significant digits", () => {
    const p = MODELS[0].params.find((q) => q.id === "rho") as NumberParam;
    expect(fromSlider(p, 0)).toBe(p.min);
    expect(fromSlider(p, 1000)).toBe(p.max);
    for (const v of [0.001, 0.01, 0.05, 0.3]) expect(fromSlider(p, toSlider(p, v))).toBeCloseTo(v, 2);
    expect(parseParam(p, "")).toBeUndefined();
  });
});
