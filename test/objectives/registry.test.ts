import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { getObjective, OBJECTIVE_NAMES, objectiveRegistry, type ObjectiveEntry } from "../../src/objectives/registry.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

// Sample values for required numeric options (an unlisted required option fails the test).
const SAMPLE: Record<string, number> = { rho: 0.1, beta: -1, lambda: 0.5 };

function validInput(entry: ObjectiveEntry): tf.Tensor {
  const rng = seedrandom(entry.name);
  if (entry.input === "mask") return tf.tensor4d(Array.from({ length: 2 * 3 * 4 }, () => 0.05 + 0.9 * rng()), [2, 3, 4, 1]);
  if (entry.input === "preactivations") return tf.tensor2d(Array.from({ length: 4 * 5 }, () => 3 * rng() - 1.5), [4, 5]);
  return tf.tensor2d(Array.from({ length: 4 * 5 }, () => 0.05 + 0.9 * rng()), [4, 5]); // codes in (0, 1)
}

function requiredOptions(entry: ObjectiveEntry): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const opt of entry.options.filter((x) => x.required)) {
    if (opt.type === "enum") o[opt.name] = opt.values?.[0];
    else if (opt.type === "number") {
      expect(SAMPLE, `sample value for required option ${opt.name}`).toHaveProperty(opt.name);
      o[opt.name] = SAMPLE[opt.name];
    } else o[opt.name] = false;
  }
  return o;
}

function run(entry: ObjectiveEntry, x: tf.Tensor, o: Record<string, unknown>): number {
  const v = entry.fn(x, o);
  expect(v.shape).toEqual([]);
  const n = v.dataSync()[0];
  v.dispose();
  return n;
}

describe("objectiveRegistry", () => {
  it("lists exactly the documented names, each entry complete", () => {
    expect(Object.keys(objectiveRegistry).sort()).toEqual([...OBJECTIVE_NAMES].sort());
    expect([...OBJECTIVE_NAMES].sort()).toEqual(
      ["l1", "kl", "saturation", "ovr", "batchEntropy", "maskArea", "maskBinarization", "maskTotalVariation"].sort(),
    );
    for (const [key, entry] of Object.entries(objectiveRegistry)) {
      expect(entry.name).toBe(key);
      expect(entry.summary.length).toBeGreaterThan(10);
      expect(entry.formula.length).toBeGreaterThan(3);
      expect(entry.spec).toMatch(/^SPEC §1\.\d/);
      expect(["codes", "preactivations", "mask"]).toContain(entry.input);
      for (const opt of entry.options) {
        expect(["number", "boolean", "enum"]).toContain(opt.type);
        expect(opt.description.length).toBeGreaterThan(5);
        if (opt.type === "enum") {
          expect(opt.values?.length).toBeGreaterThan(0);
          if (opt.default !== undefined) expect(opt.values).toContain(opt.default);
        }
        expect(opt.required === true && opt.default !== undefined).toBe(false);
      }
    }
  });

  it("every entry's fn runs on a valid input, with a finite value and gradient", () => {
    for (const entry of Object.values(objectiveRegistry)) {
      const x = validInput(entry);
      const o = requiredOptions(entry);
      expect(Number.isFinite(run(entry, x, o))).toBe(true);
      const g = tf.grad((t: tf.Tensor) => entry.fn(t, o))(x);
      expect(g.shape).toEqual(x.shape);
      expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([x, g]);
    }
  });

  it("documented defaults are the defaults the functions use, and every enum value runs", () => {
    for (const entry of Object.values(objectiveRegistry)) {
      const x = validInput(entry);
      const base = requiredOptions(entry);
      const plain = run(entry, x, base);
      for (const opt of entry.options) {
        if (opt.default !== undefined) expect(run(entry, x, { ...base, [opt.name]: opt.default })).toBe(plain);
        if (opt.type === "enum") for (const v of opt.values ?? []) expect(Number.isFinite(run(entry, x, { ...base, [opt.name]: v }))).toBe(true);
      }
      x.dispose();
    }
  });

  it("each fn rejects unknown option keys and missing required options", () => {
    for (const entry of Object.values(objectiveRegistry)) {
      const x = validInput(entry);
      const o = requiredOptions(entry);
      expect(() => entry.fn(x, { ...o, bogusKey: 1 })).toThrow(/unknown option 'bogusKey'/);
      for (const opt of entry.options.filter((p) => p.required)) {
        const missing = { ...o };
        delete missing[opt.name];
        expect(() => entry.fn(x, missing)).toThrow(new RegExp(`option '${opt.name}' must be`));
      }
      x.dispose();
    }
  });
});

describe("getObjective", () => {
  it("returns the registry entry", () => {
    expect(getObjective("ovr")).toBe(objectiveRegistry.ovr);
    expect(getObjective("batchEntropy").spec).toContain("seed 004");
  });

  it("throws a SparsekitError listing the known names for an unknown one", () => {
    expect(() => getObjective("ovl")).toThrow(SparsekitError);
    expect(() => getObjective("ovl")).toThrow(/getObjective: argument 'name' must be one of "l1", "kl", .*"maskTotalVariation", got "ovl"/);
    expect(() => getObjective("toString")).toThrow(/got "toString"/);
  });
});
