import { describe, expect, it } from "vitest";
import { TRIAL_ID_LENGTH, trialId } from "../../src/sweep/trialId.js";

describe("trialId", () => {
  it("is a deterministic hex hash of experiment, config and seed, independent of key order", () => {
    const a = trialId("sphere-lambda", { lambda: 1e-4, width: 16, nested: { b: 1, a: [1, 2] } }, 0);
    expect(a).toMatch(new RegExp(`^[0-9a-f]{${TRIAL_ID_LENGTH}}$`));
    expect(trialId("sphere-lambda", { nested: { a: [1, 2], b: 1 }, width: 16, lambda: 1e-4 }, 0)).toBe(a);
  });

  it("changes with any of the three", () => {
    const base = trialId("sphere-lambda", { lambda: 1e-4 }, 0);
    expect(trialId("sphere-width", { lambda: 1e-4 }, 0)).not.toBe(base);
    expect(trialId("sphere-lambda", { lambda: 1e-3 }, 0)).not.toBe(base);
    expect(trialId("sphere-lambda", { lambda: 1e-4 }, 1)).not.toBe(base);
    expect(trialId("sphere-lambda", { lambda: 1e-4, extra: null }, 0)).not.toBe(base);
  });

  it("handles NaN and Infinity in a config", () => {
    expect(trialId("x", { v: NaN }, 0)).not.toBe(trialId("x", { v: Infinity }, 0));
    expect(trialId("x", { v: NaN }, 0)).toBe(trialId("x", { v: NaN }, 0));
  });
});
