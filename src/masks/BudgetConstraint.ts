import * as tf from "@tensorflow/tfjs";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertTensor } from "../validation/tensorChecks.js";

export interface BudgetConstraintOptions {
  /** The budget: the constraint is value <= target. For a mask area, a fraction in (0, 1]. */
  target: number;
  /** Dual-ascent step size eta > 0 (multiplier units per unit of violation, per update). Default 1. */
  stepSize?: number;
  /** Starting multiplier, >= 0. Default 0 (no pressure until the budget is exceeded). */
  initialMultiplier?: number;
}

/** Serialisable state (for checkpoints): the multiplier and the number of updates so far. */
export interface BudgetConstraintState {
  multiplier: number;
  updates: number;
}

/**
 * An inequality constraint g(theta) <= target enforced with a Lagrange multiplier lambda >= 0
 * updated by projected dual ascent (SPEC §1.6: no hand-tuned penalty weight):
 *
 *   primal step: minimise  L(theta) + lambda (g(theta) - target)   (lambda held constant),
 *   dual step:   lambda <- max(0, lambda + eta (g - target)),
 *
 * where g is the value observed on the step's batch. lambda grows while the budget is exceeded
 * and decays to exactly 0 once g stays below the target, so the constraint costs nothing when
 * it is inactive. With eta = 1 and one update per minibatch, a violation of 0.1 (e.g. 15% of
 * pixels kept for a 5% budget) raises lambda by 0.1 per step.
 */
export class BudgetConstraint {
  readonly target: number;
  readonly stepSize: number;
  private lambda: number;
  private count = 0;

  constructor(options: BudgetConstraintOptions) {
    const where = "BudgetConstraint";
    if (options === null || typeof options !== "object") {
      throw new SparsekitError(`${where}: argument 'options' must be { target, stepSize?, initialMultiplier? }, got ${String(options)}.`);
    }
    assertKnownOptions(options, where, ["target", "stepSize", "initialMultiplier"]);
    assertNumberOption(options.target, where, "target");
    const stepSize = options.stepSize ?? 1;
    assertNumberOption(stepSize, where, "stepSize", { min: 0, exclusiveMin: true });
    const initial = options.initialMultiplier ?? 0;
    assertNumberOption(initial, where, "initialMultiplier", { min: 0 });
    this.target = options.target;
    this.stepSize = stepSize;
    this.lambda = initial;
  }

  /** The current multiplier lambda (>= 0). */
  get multiplier(): number {
    return this.lambda;
  }

  /** Number of dual updates applied. */
  get updates(): number {
    return this.count;
  }

  /**
   * The Lagrangian term lambda (g - target) for the primal loss, with lambda a constant (no
   * gradient flows to it). Its gradient in theta is lambda dg/dtheta.
   */
  term(value: tf.Scalar): tf.Scalar {
    assertTensor(value, "BudgetConstraint.term", "value");
    if (value.rank !== 0) {
      throw new SparsekitError(`BudgetConstraint.term: argument 'value' must be a scalar tensor, got rank ${value.rank}.`);
    }
    return tf.tidy(() => tf.mul(tf.sub(value, this.target), this.lambda) as tf.Scalar);
  }

  /** Dual ascent step with the observed constraint value g: lambda <- max(0, lambda + eta (g - target)). Returns the new lambda. */
  update(observed: number): number {
    if (typeof observed !== "number" || !Number.isFinite(observed)) {
      throw new SparsekitError(`BudgetConstraint.update: argument 'observed' must be a finite number, got ${String(observed)}.`);
    }
    this.lambda = Math.max(0, this.lambda + this.stepSize * (observed - this.target));
    this.count++;
    return this.lambda;
  }

  state(): BudgetConstraintState {
    return { multiplier: this.lambda, updates: this.count };
  }

  /** Restores a state from {@link state} (e.g. when a run resumes from a checkpoint). */
  restore(state: BudgetConstraintState): void {
    if (state === null || typeof state !== "object" || !(state.multiplier >= 0) || !Number.isFinite(state.multiplier) || !Number.isInteger(state.updates) || state.updates < 0) {
      throw new SparsekitError(`BudgetConstraint.restore: argument 'state' must be { multiplier >= 0, updates: integer >= 0 }, got ${JSON.stringify(state)}.`);
    }
    this.lambda = state.multiplier;
    this.count = state.updates;
  }
}
