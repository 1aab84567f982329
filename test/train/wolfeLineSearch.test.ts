import { describe, expect, it } from "vitest";
import { SparsekitError } from "../../src/validation/SparsekitError.js";
import { cubicMinimizer, wolfeLineSearch, type LineSearchPoint } from "../../src/train/wolfeLineSearch.js";

type Fn = { f: (t: number) => number; df: (t: number) => number };

/** phi(t) with its exact derivative; data = t so the test can check the returned point is the step's. */
function line(fn: Fn, calls: number[] = []): (t: number) => LineSearchPoint<number> {
  return (t) => {
    calls.push(t);
    return { value: fn.f(t), slope: fn.df(t), data: t };
  };
}

// Test functions from Moré & Thuente (1994), "Line search algorithms with guaranteed sufficient decrease".
const mt1: Fn = { f: (t) => -t / (t * t + 2), df: (t) => (t * t - 2) / (t * t + 2) ** 2 };
const mt2: Fn = {
  f: (t) => (t + 0.004) ** 5 - 2 * (t + 0.004) ** 4,
  df: (t) => 5 * (t + 0.004) ** 4 - 8 * (t + 0.004) ** 3,
};
// A smooth quartic along a descent direction with its minimum near t = 1.3.
const quartic: Fn = { f: (t) => (t - 1.3) ** 4 + 0.5 * (t - 1.3) ** 2, df: (t) => 4 * (t - 1.3) ** 3 + (t - 1.3) };

function expectStrongWolfe(fn: Fn, t: number, c1: number, c2: number): void {
  const f0 = fn.f(0);
  const g0 = fn.df(0);
  expect(t).toBeGreaterThan(0);
  expect(fn.f(t)).toBeLessThanOrEqual(f0 + c1 * t * g0);
  expect(Math.abs(fn.df(t))).toBeLessThanOrEqual(c2 * Math.abs(g0));
}

describe("wolfeLineSearch", () => {
  it.each([
    ["Moré-Thuente 1", mt1, 0.001, 0.1],
    ["Moré-Thuente 1", mt1, 0.001, 0.9],
    ["Moré-Thuente 2", mt2, 0.05, 0.1],
    ["quartic", quartic, 1e-4, 0.9],
    ["quartic", quartic, 1e-4, 0.1],
  ] as const)("returns a step satisfying both strong Wolfe conditions (%s, c1 = %s, c2 = %s)", (_name, fn, c1, c2) => {
    for (const t0 of [1e-3, 1e-1, 1, 10, 1000]) {
      const r = wolfeLineSearch(line(fn), { value: fn.f(0), slope: fn.df(0) }, t0, { c1, c2, maxSteps: 50 });
      expect(r.status).toBe("wolfe");
      expect(r.point?.data).toBe(r.step);
      expect(r.point?.value).toBe(fn.f(r.step));
      expectStrongWolfe(fn, r.step, c1, c2);
    }
  });

  it("accepts the initial step at once when it already satisfies the conditions", () => {
    const calls: number[] = [];
    const r = wolfeLineSearch(line(quartic, calls), { value: quartic.f(0), slope: quartic.df(0) }, 1.3);
    expect(calls).toEqual([1.3]);
    expect(r).toMatchObject({ step: 1.3, evaluations: 1, status: "wolfe" });
  });

  it("backtracks out of a region where the function is not finite", () => {
    // Barrier: phi is NaN for t >= 1 (log of a negative number), minimum at t = 0.5 - ...
    const barrier: Fn = {
      f: (t) => (t - 0.6) ** 2 - 0.1 * Math.log(1 - t),
      df: (t) => 2 * (t - 0.6) + 0.1 / (1 - t),
    };
    const calls: number[] = [];
    const r = wolfeLineSearch(line(barrier, calls), { value: barrier.f(0), slope: barrier.df(0) }, 8, { c2: 0.1 });
    expect(Number.isNaN(barrier.f(calls[0]))).toBe(true);
    expect(r.status).toBe("wolfe");
    expect(r.step).toBeLessThan(1);
    expectStrongWolfe(barrier, r.step, 1e-4, 0.1);
  });

  it("with valueNoise, judges points by slope where value differences are rounding noise", () => {
    // A very flat quadratic (minimum at t = 1) plus noise 100x larger than its decrease, like a
    // float32 loss near a minimum.
    const flat: Fn = {
      f: (t) => 1 + 1e-9 * (t - 1) ** 2 + 1e-7 * Math.sin(1e6 * t + 0.3),
      df: (t) => 2e-9 * (t - 1),
    };
    const start = { value: flat.f(0), slope: flat.df(0) };
    const starts = [0.01, 0.03, 0.3, 3, 10, 30];
    const exact = starts.map((t0) => wolfeLineSearch(line(flat), start, t0));
    const tolerant = starts.map((t0) => wolfeLineSearch(line(flat), start, t0, { valueNoise: 1e-6 }));
    // Exact value comparisons are fooled by the noise on some starts ...
    expect(exact.filter((r) => r.status !== "wolfe").length).toBeGreaterThanOrEqual(2);
    // ... slope-based ones find an approximate Wolfe point every time, in at most 2 evaluations.
    for (const r of tolerant) {
      expect(r.status).toBe("wolfe");
      expect(r.evaluations).toBeLessThanOrEqual(2);
      expect(Math.abs(flat.df(r.step))).toBeLessThanOrEqual(0.9 * Math.abs(start.slope));
      expect(flat.df(r.step)).toBeLessThanOrEqual((1 - 2e-4) * Math.abs(start.slope));
      expect(flat.f(r.step)).toBeLessThanOrEqual(start.value + 1e-6);
    }
    expect(() => wolfeLineSearch(line(flat), start, 1, { valueNoise: -1 })).toThrow(/option 'valueNoise' must be/);
  });

  it("with valueNoise, stops zooming into a bracket made only by a noise jump in the values", () => {
    // phi' = -1e-6 everywhere (no Wolfe point exists), but the value jumps by 5e-6 at t = 0.5:
    // value noise larger than eps, like a float32 sum. Exact zooming would spend all maxSteps.
    const calls: number[] = [];
    const jump = (t: number): LineSearchPoint<number> => {
      calls.push(t);
      return { value: 1 - 1e-6 * t + (t >= 0.5 ? 5e-6 : 0), slope: -1e-6, data: t };
    };
    const r = wolfeLineSearch(jump, { value: 1, slope: -1e-6 }, 1, { valueNoise: 1e-6, maxSteps: 25 });
    expect(r.status).toBe("decrease");
    expect(r.step).toBeGreaterThan(0);
    expect(r.step).toBeLessThan(0.5);
    expect(r.evaluations).toBeLessThanOrEqual(5);
    const exact = wolfeLineSearch(jump, { value: 1, slope: -1e-6 }, 1, { maxSteps: 25 });
    expect(exact.evaluations).toBeGreaterThan(r.evaluations);
  });

  it("reports failure (step 0, no point) when no trial improves on phi(0)", () => {
    // The caller claims slope -1 but phi increases: a wrong gradient.
    const liar = (t: number): LineSearchPoint<null> => ({ value: t, slope: 1, data: null });
    const r = wolfeLineSearch(liar, { value: 0, slope: -1 }, 1, { maxSteps: 10 });
    expect(r).toEqual({ step: 0, point: null, evaluations: 10, status: "failed" });
  });

  it("stays within maxSteps and returns the best sufficient-decrease step when the budget runs out", () => {
    const calls: number[] = [];
    // Linear descent never satisfies the curvature condition: the search keeps extrapolating.
    const r = wolfeLineSearch(
      (t) => {
        calls.push(t);
        return { value: -t, slope: -1, data: t };
      },
      { value: 0, slope: -1 },
      1,
      { maxSteps: 4 },
    );
    expect(calls.length).toBe(4);
    expect(r.status).toBe("decrease");
    expect(r.step).toBe(calls[3]);
    expect(calls[3]).toBeGreaterThan(calls[2]);
  });

  it("rejects an ascent direction, bad steps and bad constants with SparsekitError", () => {
    const phi = line(quartic);
    expect(() => wolfeLineSearch(phi, { value: 0, slope: 0.5 }, 1)).toThrow(/start\.slope.*descent direction.*got 0\.5/);
    expect(() => wolfeLineSearch(phi, { value: NaN, slope: -1 }, 1)).toThrow(/start\.value.*finite/);
    expect(() => wolfeLineSearch(phi, { value: 0, slope: -1 }, 0)).toThrow(/initialStep.*> 0, got 0/);
    expect(() => wolfeLineSearch(phi, { value: 0, slope: -1 }, 1, { c1: 0.5, c2: 0.5 })).toThrow(
      /wolfeLineSearch: options 'c1' and 'c2' must satisfy 0 < c1 < c2 < 1, got c1 = 0.5, c2 = 0.5/,
    );
    expect(() => wolfeLineSearch(phi, { value: 0, slope: -1 }, 1, { c2: 1 })).toThrow(/option 'c2' must be/);
    expect(() => wolfeLineSearch(phi, { value: 0, slope: -1 }, 1, { maxSteps: 0 })).toThrow(/maxSteps/);
    expect(() => wolfeLineSearch(phi, { value: 0, slope: -1 }, 1, { c3: 1 } as never)).toThrow(SparsekitError);
  });
});

describe("cubicMinimizer", () => {
  it("recovers the local minimiser of a cubic from two points", () => {
    // p(t) = t^3 - 3t has its local minimum at t = 1.
    const p = (t: number) => t ** 3 - 3 * t;
    const dp = (t: number) => 3 * t * t - 3;
    expect(cubicMinimizer(0, p(0), dp(0), 2, p(2), dp(2), 0, 2, -1)).toBeCloseTo(1, 12);
    expect(cubicMinimizer(2, p(2), dp(2), 0.5, p(0.5), dp(0.5), 0, 2, -1)).toBeCloseTo(1, 12);
    // Clamped to the allowed interval.
    expect(cubicMinimizer(0, p(0), dp(0), 2, p(2), dp(2), 1.5, 3, -1)).toBe(1.5);
  });

  it("falls back when the cubic has no minimiser", () => {
    // Both slopes negative and the cubic is monotone: no real critical point.
    const p = (t: number) => -(t ** 3) - t;
    const dp = (t: number) => -3 * t * t - 1;
    expect(cubicMinimizer(0, p(0), dp(0), 1, p(1), dp(1), 1, 10, 10)).toBe(10);
  });
});
