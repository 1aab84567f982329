import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { DEFAULT_RELATIVE_TOL, defaultTol, readTolOption, resolveTol } from "../../src/metrics/tolerance.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

describe("readTolOption", () => {
  it("returns the tol or undefined for the default", () => {
    expect(readTolOption(undefined, "f")).toBeUndefined();
    expect(readTolOption({}, "f")).toBeUndefined();
    expect(readTolOption({ tol: undefined }, "f")).toBeUndefined();
    expect(readTolOption({ tol: 0 }, "f")).toBe(0);
    expect(readTolOption({ tol: 0.25 }, "f")).toBe(0.25);
  });

  it("rejects negative, non-finite and non-number tol, unknown keys and non-objects", () => {
    expect(() => readTolOption({ tol: -1e-9 }, "f")).toThrow(/f: option 'tol' must be a finite number, >= 0, got -1e-9/);
    expect(() => readTolOption({ tol: NaN }, "f")).toThrow(SparsekitError);
    expect(() => readTolOption({ tol: Infinity }, "f")).toThrow(SparsekitError);
    expect(() => readTolOption({ tol: "0.1" }, "f")).toThrow(/got "0.1"/);
    expect(() => readTolOption({ tolerance: 1 }, "f")).toThrow(/f: unknown option 'tolerance'; known options: tol/);
    expect(() => readTolOption(3, "f")).toThrow(/options must be an object/);
  });
});

describe("resolveTol / defaultTol", () => {
  it("uses DEFAULT_RELATIVE_TOL times the largest |h|, rounded to float32", () => {
    expect(DEFAULT_RELATIVE_TOL).toBe(1e-6);
    const h = [[0.5, -4], [3, 0]];
    expect(defaultTol(h)).toBe(Math.fround(1e-6 * 4));
    const t = tf.tensor2d(h);
    expect(defaultTol(t)).toBe(defaultTol(h));
    const resolved = tf.tidy(() => resolveTol(t, undefined));
    expect(resolved).toBe(Math.fround(4e-6));
    t.dispose();
  });

  it("is 0 for all-zero codes and passes an explicit tol through (as float32)", () => {
    expect(defaultTol([[0, 0], [0, 0]])).toBe(0);
    const t = tf.tensor2d([[1, 2]]);
    expect(tf.tidy(() => resolveTol(t, 0.1))).toBe(Math.fround(0.1));
    expect(tf.tidy(() => resolveTol(t, 0))).toBe(0);
    t.dispose();
  });

  it("validates its input and leaks no tensors", () => {
    const before = tf.memory().numTensors;
    expect(() => defaultTol([1, 2] as unknown as number[][])).toThrow(/defaultTol: argument 'h'/);
    defaultTol([[1, 2]]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
