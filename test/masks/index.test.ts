import { describe, expect, it } from "vitest";
import * as masks from "../../src/masks/index.js";
import * as objectives from "../../src/objectives/index.js";
import * as models from "../../src/models/index.js";

describe("masks barrel", () => {
  it("exports the gates, the budget constraint, the statistics and the baseline masks by name", () => {
    for (const name of [
      "checkMaskLogits",
      "hardSigmoidGate",
      "straightThroughGate",
      "hardConcreteGate",
      "gumbelTopKGate",
      "applyGate",
      "checkGateSpec",
      "isStochasticGate",
      "BudgetConstraint",
      "maskStatistics",
      "topKMask",
      "indicesToMask",
      "randomPixelMask",
      "centreCropMask",
    ] as const) {
      expect(typeof masks[name], name).toBe("function");
    }
    expect(masks.GATE_KINDS).toEqual(["hardSigmoid", "straightThrough", "hardConcrete", "gumbelTopK"]);
  });

  it("the expected-L0 objective and the MaskedClassifier are exported from their barrels", () => {
    expect(typeof objectives.hardConcreteExpectedL0).toBe("function");
    expect(objectives.HARD_CONCRETE_DEFAULTS).toEqual({ beta: 2 / 3, gamma: -0.1, zeta: 1.1 });
    expect(typeof models.MaskedClassifier.create).toBe("function");
  });
});
