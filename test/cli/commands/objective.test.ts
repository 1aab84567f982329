import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliForTest } from "../runCliForTest.js";

const dir = mkdtempSync(join(tmpdir(), "sparsekit-objective-"));
const codes = join(dir, "codes.json");
writeFileSync(codes, JSON.stringify([[1, 0, 0], [0, 1, 0], [0.5, 0.5, 0]]));

describe("sparsekit objective", () => {
  it("prints the OVR value and gradient of a user's matrix", async () => {
    const r = await runCliForTest(["--backend", "cpu", "objective", "ovr", "--input", codes, "--grad"]);
    expect(r.code).toBe(0);
    // ||sum h||^2 - sum ||h||^2 = 4.5 - 2.5; grad_i = 2 (S - h_i)
    expect(JSON.parse(r.out)).toEqual({ value: 2, grad: [[1, 3, 0], [3, 1, 0], [2, 2, 0]] });
  });
  it("passes objective options and omits grad unless asked", async () => {
    const r = await runCliForTest(["--backend", "cpu", "objective", "kl", "--input", codes, "--rho", "0.5"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(Object.keys(out)).toEqual(["value"]);
    // rho_hat = (0.5, 0.5, 0 -> clamped 1e-6): only the third unit contributes
    const q = 1e-6;
    expect(out.value).toBeCloseTo(0.5 * Math.log(0.5 / q) + 0.5 * Math.log(0.5 / (1 - q)), 3);
  });
  it("supports enum and boolean options", async () => {
    const r = await runCliForTest(["--backend", "cpu", "objective", "ovr", "--input", codes, "--reduction", "mean", "--normalize"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).value).toBeGreaterThan(0);
  });
  it("rejects an option that belongs to another objective, in one line with exit 2", async () => {
    const r = await runCliForTest(["objective", "ovr", "--input", codes, "--rho", "0.3"]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/--rho does not apply to objective 'ovr'/);
  });
  it("reports objective validation errors in one line with exit 2", async () => {
    const r = await runCliForTest(["--backend", "cpu", "objective", "kl", "--input", codes, "--rho", "2"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sparsekit: error: klSparsityPenalty: option 'rho' must be .*< 1, got 2\.\n$/);
  });
  it("rejects unknown objectives, unreadable files, non-numeric values", async () => {
    const unknown = await runCliForTest(["objective", "sparsity", "--input", codes]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/name.*must be one of.*"ovr".*got "sparsity"/);
    const missing = await runCliForTest(["objective", "ovr", "--input", join(dir, "missing.json")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read input file/);
    const nan = await runCliForTest(["objective", "kl", "--input", codes, "--rho", "abc"]);
    expect(nan.code).toBe(2);
    expect(nan.err).toMatch(/--rho must be a number/);
  });
});
