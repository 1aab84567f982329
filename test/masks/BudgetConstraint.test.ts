import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { BudgetConstraint } from "../../src/masks/BudgetConstraint.js";

describe("BudgetConstraint", () => {
  it("dual ascent raises the multiplier while over budget, by eta times the violation", () => {
    const c = new BudgetConstraint({ target: 0.1, stepSize: 0.5 });
    expect(c.multiplier).toBe(0);
    expect(c.update(0.3)).toBeCloseTo(0.1, 12);
    expect(c.update(0.3)).toBeCloseTo(0.2, 12);
    expect(c.update(0.5)).toBeCloseTo(0.4, 12);
    expect(c.updates).toBe(3);
  });

  it("drives the multiplier to exactly 0 when under budget, never below", () => {
    const c = new BudgetConstraint({ target: 0.2, stepSize: 1, initialMultiplier: 0.3 });
    let last = c.multiplier;
    for (let i = 0; i < 10; i++) {
      const next = c.update(0.05);
      expect(next).toBeLessThanOrEqual(last);
      last = next;
    }
    expect(c.multiplier).toBe(0);
    c.update(0);
    expect(c.multiplier).toBe(0);
  });

  it("term is lambda (g - target) with lambda held constant: its gradient is lambda dg", () => {
    const c = new BudgetConstraint({ target: 0.25, initialMultiplier: 2 });
    const x = tf.tensor1d([0.1, 0.5, 0.3, 0.7]);
    const g = (v: tf.Tensor) => c.term(tf.mean(v) as tf.Scalar);
    expect(g(x).dataSync()[0]).toBeCloseTo(2 * (0.4 - 0.25), 6);
    Array.from(tf.grad(g)(x).dataSync()).forEach((d) => expect(d).toBeCloseTo(2 / 4, 6));
    const zero = new BudgetConstraint({ target: 0.25 });
    expect(zero.term(tf.scalar(0.9)).dataSync()[0]).toBe(0);
  });

  it("state round-trips", () => {
    const a = new BudgetConstraint({ target: 0.1 });
    a.update(0.6);
    a.update(0.4);
    const b = new BudgetConstraint({ target: 0.1 });
    b.restore(a.state());
    expect(b.multiplier).toBe(a.multiplier);
    expect(b.updates).toBe(2);
    expect(() => b.restore({ multiplier: -1, updates: 0 })).toThrow(/BudgetConstraint.restore: argument 'state'/);
  });

  it("rejects bad options and observations", () => {
    expect(() => new BudgetConstraint({ target: 0.1, stepSize: 0 })).toThrow(/option 'stepSize' must be a finite number, > 0/);
    expect(() => new BudgetConstraint({ target: 0.1, initialMultiplier: -1 })).toThrow(/option 'initialMultiplier'/);
    expect(() => new BudgetConstraint({ target: NaN })).toThrow(/option 'target'/);
    expect(() => new BudgetConstraint({ target: 0.1, lr: 1 } as never)).toThrow(/unknown option 'lr'/);
    const c = new BudgetConstraint({ target: 0.1 });
    expect(() => c.update(NaN)).toThrow(/argument 'observed' must be a finite number/);
    expect(() => c.term(tf.ones([2]) as never)).toThrow(/must be a scalar tensor/);
  });
});
