import { describe, expect, it } from "vitest";
import * as objectives from "../../src/objectives/index.js";

describe("objectives barrel", () => {
  it("exports every objective and the registry by name", () => {
    for (const name of [
      "l1Penalty",
      "topK",
      "klSparsityPenalty",
      "saturationPenalty",
      "ovrOverlap",
      "batchEntropy",
      "maskArea",
      "maskBinarization",
      "maskTotalVariation",
      "checkMask",
      "getObjective",
    ] as const) {
      expect(typeof objectives[name], name).toBe("function");
    }
    expect(Object.keys(objectives.objectiveRegistry)).toEqual([...objectives.OBJECTIVE_NAMES]);
  });
});
