import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { initBackend } from "../../src/backend/node.js";
import { runExperiment } from "../../src/experiments/runExperiment.js";
import { sphereLambda } from "../../src/experiments/sphereLambda.js";
import { checkTrials, decodeTrialValue, encodeTrialValue, MissingTrialError, TrialResults } from "../../src/experiments/trials.js";
import { canonicalJson, hashJson } from "../../src/experiments/canonicalJson.js";

describe("trial grids", () => {
  it("results survive a JSON round trip with NaN, Infinity and typed arrays", () => {
    const v = { a: NaN, b: [Infinity, -Infinity, 1], c: new Int32Array([3, 4]), d: -0 };
    const enc = encodeTrialValue(v);
    expect(decodeTrialValue(JSON.parse(JSON.stringify(enc)))).toEqual({ a: NaN, b: [Infinity, -Infinity, 1], c: [3, 4], d: 0 });
  });

  it("TrialResults: get by label, MissingTrialError for a trial without result", () => {
    const trials = [{ label: "a", config: {}, seed: 0 }, { label: "b", config: {}, seed: 0 }];
    const r = new TrialResults(trials, new Map([["a", 1]]));
    expect(r.get("a")).toBe(1);
    expect(() => r.get("b")).toThrow(MissingTrialError);
    expect(r.missing.map((t) => t.label)).toEqual(["b"]);
    expect(r.entries()).toEqual([{ trial: trials[0], result: 1 }]);
  });

  it("checkTrials rejects empty grids, duplicate or unsafe labels", () => {
    expect(() => checkTrials([], "e")).toThrow(/no trials/);
    expect(() => checkTrials([{ label: "a", config: {}, seed: 0 }, { label: "a", config: {}, seed: 0 }], "e")).toThrow(/twice/);
    expect(() => checkTrials([{ label: "../a", config: {}, seed: 0 }], "e")).toThrow(/file-name-safe/);
  });

  it("canonicalJson sorts keys at every level", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [1, { f: 1, e: 2 }] } })).toBe('{"a":{"c":[1,{"e":2,"f":1}],"d":2},"b":1}');
    expect(hashJson({ x: 1, y: 2 })).toBe(hashJson({ y: 2, x: 1 }));
  });
});

describe("runGridInProcess on resume", () => {
  it("shows the time of the trials run before the resume beside this invocation's wall clock", async () => {
    await initBackend({ backend: "cpu" });
    const out = mkdtempSync(join(tmpdir(), "trials-resume-"));
    const first = await runExperiment(sphereLambda, { quick: true, seed: 1, outDir: out, progress: "none" });
    const before = JSON.parse(readFileSync(first.files.json, "utf8")).timingsMs;
    expect(before.trialsBeforeResume).toBeUndefined();
    const again = await runExperiment(sphereLambda, { resume: true, outDir: out, progress: "none" });
    const after = JSON.parse(readFileSync(again.files.json, "utf8")).timingsMs;
    expect(after.trials).toBeUndefined(); // every trial came from the first invocation
    expect(after.trialsBeforeResume).toBeGreaterThan(0);
    expect(after.trialsBeforeResume).toBeCloseTo(before.trials, 0);
    expect(readFileSync(again.files.html, "utf8")).toContain("trials run before a resume (s)");
  }, 60_000);
});
