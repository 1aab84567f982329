import { describe, expect, it } from "vitest";
import { assertAllFinite, chartFrame, checkSeriesNames, countNote, integerAxis, readNumbers } from "../../src/report/chartBase.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

describe("chartFrame", () => {
  it("sets size, title and a subtitle that carries the notes", () => {
    const f = chartFrame({ title: "Loss", subtitle: "seed 1", width: 300 }, "lineChart", [], ["2 points omitted"]);
    expect(f.width).toBe(300);
    expect(f.height).toBe(280);
    expect(f.title).toEqual({ text: "Loss", subtitle: "seed 1; 2 points omitted" });
  });
  it("shows notes as a small title when there is no title", () => {
    expect(chartFrame({}, "lineChart", [], ["1 point omitted"]).title).toMatchObject({ text: "1 point omitted", fontSize: 11 });
    expect(chartFrame({}, "lineChart", []).title).toBeUndefined();
  });
  it("gives integer x values whole-number ticks only", () => {
    expect(integerAxis([1, 2, 3])).toEqual({ tickMinStep: 1, format: "d" });
    expect(integerAxis([1, 2.5])).toEqual({});
  });
  it("rejects unknown options and bad sizes", () => {
    expect(() => chartFrame({ titel: "x" } as object, "lineChart", [])).toThrow(/lineChart: unknown option 'titel'/);
    expect(() => chartFrame({ width: 0 }, "lineChart", [])).toThrow(/option 'width' must be an integer, >= 10/);
    expect(() => chartFrame({ title: 5 as unknown as string }, "barChart", [])).toThrow(SparsekitError);
  });
});

describe("argument helpers", () => {
  it("reads arrays and typed arrays, rejecting empty or non-numeric input", () => {
    expect(readNumbers(new Float32Array([1, 2]), "f", "y")).toEqual([1, 2]);
    expect(() => readNumbers([], "f", "y")).toThrow(/argument 'y' must be non-empty/);
    expect(() => readNumbers([1, "2"], "f", "y")).toThrow(/must hold numbers, got string at index 1/);
    expect(() => readNumbers("12", "f", "y")).toThrow(SparsekitError);
  });
  it("checks finiteness, distinct series names and counts", () => {
    expect(() => assertAllFinite([0, NaN], "f", "x")).toThrow(/got NaN at index 1/);
    expect(() => checkSeriesNames(["a", "a"], "f", "series")).toThrow(/distinct names, got "a" twice/);
    expect(() => checkSeriesNames([""], "f", "series")).toThrow(/series\[0\]\.name/);
    expect(countNote(0, "point")).toBeUndefined();
    expect(countNote(2, "point")).toBe("2 points omitted");
  });
});
