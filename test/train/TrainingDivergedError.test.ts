import { describe, expect, it } from "vitest";
import { TrainingDivergedError } from "../../src/train/TrainingDivergedError.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

describe("TrainingDivergedError", () => {
  it("is a SparsekitError that carries the step, epoch, culprit and partial history", () => {
    const history = { epochs: [], steps: 36, stopped: { reason: "diverged" as const, message: "m", epoch: 2, step: 36 } };
    const e = new TrainingDivergedError("train: training diverged at step 37 (epoch 2): term 'kl' is NaN", 37, 2, { kind: "term", name: "kl", value: NaN }, history);
    expect(e).toBeInstanceOf(SparsekitError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("TrainingDivergedError");
    expect([e.step, e.epoch, e.culprit.name]).toEqual([37, 2, "kl"]);
    expect(e.history.steps).toBe(36);
  });
});
