import { describe, expect, it } from "vitest";
import type { StepProfile } from "../../src/bench/kernelProfile.js";
import { stepBound } from "../../src/bench/stepBound.js";

const profile: StepProfile = {
  kernelMs: 90,
  wallMs: 100,
  kernels: [
    { kernel: "BatchMatMul", calls: 2, ms: 60, share: 60 / 90, gflop: 1.2, gflops: 20 },
    { kernel: "Add", calls: 5, ms: 30, share: 30 / 90, gflop: null, gflops: null },
  ],
};

describe("stepBound", () => {
  it("puts the products at the ceiling and keeps the rest of the (unprofiled) step", () => {
    const b = stepBound(80, profile, 40, 10)!;
    expect(b.productShare).toBeCloseTo(0.6, 12);
    expect(b.productGflops).toBeCloseTo(20, 12);
    expect(b.floorMs).toBeCloseTo(30, 12); // 1.2 GFLOP at 40 GFLOP/s
    expect(b.boundMs).toBeCloseTo(80 * (0.4 + 0.6 * 0.5), 12); // products at twice their rate
    expect(b.boundRatio).toBeCloseTo(5.6, 12);
    expect(b.floorRatio).toBeCloseTo(3, 12);
    expect(b.top.map((k) => k.kernel)).toEqual(["BatchMatMul", "Add"]);
  });

  it("is null without products; ratios are null without PyTorch", () => {
    expect(stepBound(80, { ...profile, kernels: [profile.kernels[1]] }, 40, 10)).toBeNull();
    expect(stepBound(80, profile, 40, null)?.boundRatio).toBeNull();
  });

  it("never bounds above the measured step when the ceiling is above the achieved rate", () => {
    for (const ceiling of [10, 20, 25, 40, 400]) expect(stepBound(80, profile, ceiling, 10)!.boundMs).toBeLessThanOrEqual(80 * (1 + 1e-12));
    expect(stepBound(80, profile, 20, 10)!.boundMs).toBeCloseTo(80, 12);
  });
});
