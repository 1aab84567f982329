import { describe, expect, it } from "vitest";
import * as baselines from "../../src/baselines/index.js";

describe("baselines barrel", () => {
  it("exports the public API by name", () => {
    for (const name of ["kMeans", "assignClusters", "triangleFeatures", "squaredDistances", "LogisticRegression", "logisticRegressionLoss", "RandomReluFeatures"]) {
      expect(typeof (baselines as Record<string, unknown>)[name]).toBe("function");
    }
    expect(baselines.DISTANCE_BLOCK_ROWS).toBeGreaterThan(0);
  });
});
