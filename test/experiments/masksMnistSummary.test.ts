import { describe, expect, it } from "vitest";
import { BUDGET_TOLERANCE, maskFindings, summarizeMaskRuns, summaryRows, type MaskRunResult } from "../../src/experiments/masksMnistSummary.js";

function run(p: Partial<MaskRunResult>): MaskRunResult {
  return {
    id: "x",
    method: "steBudget",
    budget: 0.1,
    weight: null,
    seed: 0,
    accuracy: 0.9,
    area: 0.1,
    keptFraction: 0.1,
    nonBinaryFraction: 0,
    emptyFraction: 0,
    collapsed: false,
    finalMultiplier: 1,
    ...p,
  };
}

describe("masks-mnist summary", () => {
  const runs = [
    run({ seed: 0, accuracy: 0.8, keptFraction: 0.09, finalMultiplier: 1 }),
    run({ seed: 1, accuracy: 0.9, keptFraction: 0.1 + BUDGET_TOLERANCE / 2, finalMultiplier: 3 }),
    run({ seed: 2, accuracy: 0.85, keptFraction: 0.2, finalMultiplier: 2 }),
    run({ method: "hardSigmoidArea", budget: null, weight: 30, seed: 0, accuracy: 0.11, area: 0, keptFraction: 0.001, collapsed: true, finalMultiplier: null }),
    run({ method: "hardSigmoidArea", budget: null, weight: 30, seed: 1, accuracy: 0.6, area: 0.05, keptFraction: 0.3, nonBinaryFraction: 0.2, finalMultiplier: null }),
    run({ method: "random", budget: 0.1, seed: 0, accuracy: 0.5, finalMultiplier: null, zeroShotAccuracy: 0.2 }),
  ];

  it("groups runs by method and setting and summarises over seeds", () => {
    const s = summarizeMaskRuns(runs);
    expect(s.map((x) => [x.method, x.runs])).toEqual([["steBudget", 3], ["hardSigmoidArea", 2], ["random", 1]]);
    expect(s[0].accuracy.mean).toBeCloseTo(0.85, 12);
    expect(s[0].accuracy.std).toBeCloseTo(0.05, 12);
    expect(s[0].withinBudget).toBe(2);
    expect(s[0].finalMultiplier?.mean).toBeCloseTo(2, 12);
    expect(s[1].collapsedRuns).toBe(1);
    expect(s[1].withinBudget).toBeNull();
    expect(s[2].zeroShotAccuracy?.mean).toBe(0.2);
    expect(s[0].binarisedAccuracy).toBeNull();
  });

  it("summarises the seed's masks binarised at test where the runs carry them", () => {
    const seedRuns = [0.97, 0.95].map((accuracy, seed) =>
      run({ method: "hardSigmoidArea", budget: null, weight: 1, seed, finalMultiplier: null, binarised: { budget: 0.05, accuracy, keptFraction: 0.03 + seed / 100, emptyFraction: 0, keptAtHalf: 0, maxMask: 0.4 } }),
    );
    const [s] = summarizeMaskRuns(seedRuns);
    expect(s.binarisedAccuracy?.mean).toBeCloseTo(0.96, 12);
    expect(s.binarisedKept?.mean).toBeCloseTo(0.035, 12);
    expect(s.maxMask?.mean).toBeCloseTo(0.4, 12);
    expect(summaryRows([s])[0]).toMatchObject({ "made binary at the budget: accuracy": "0.960 ± 0.014", "M >= 0.5": "0.000 ± 0.000" });
  });

  it("table rows and findings state the numbers", () => {
    const s = summarizeMaskRuns(runs);
    const rows = summaryRows(s);
    expect(rows[0]).toMatchObject({ method: "STE + budget", setting: "budget 0.1", "collapsed runs": "0/3", "within budget": "2/3", "test accuracy": "0.850 ± 0.050" });
    expect(rows[1]).toMatchObject({ setting: "w = 30", "collapsed runs": "1/2", "within budget": null });
    expect(rows[2]["accuracy before fine-tuning"]).toBe("0.200 ± 0.000");
    const text = maskFindings(s, 0.95);
    expect(text).toContain("test accuracy 95.0%");
    expect(text).toContain("hard sigmoid + w·area (seed): 1/2 runs collapsed");
    // one STE seed is over budget, so no budget qualifies.
    expect(text).toContain("STE + budget: binary, within budget and collapse-free at no budget");
    expect(text).toContain("Baseline random pixels");
    const ok = maskFindings(summarizeMaskRuns([run({ seed: 0 }), run({ seed: 1 })]), 0.9);
    expect(ok).toContain("STE + budget: binary, within budget and no collapse at 10.0%");
  });
});
