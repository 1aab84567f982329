import * as tf from "@tensorflow/tfjs";
import { DEFAULT_VALUE_CHECK_EVERY, withoutValueChecks } from "../core.js";
import { KeptTerms } from "./keptTerms.js";

/**
 * Adam on a set of variables, minimising the sum of named cost terms. No value is read back:
 * sparsekit's value checks (NaN/Inf, signs, ranges; each a GPU read-back) run on every 50th step
 * only, as in its own training loop, and when asked (`keep`) the step's terms are kept for the
 * next readout.
 */
export class AdamStep {
  private optimizer: tf.AdamOptimizer;
  private readonly kept = new KeptTerms();

  constructor(private learningRate: number) {
    this.optimizer = tf.train.adam(learningRate);
  }

  /** Changes the learning rate from the next step on (Adam's moment estimates are kept). */
  setLearningRate(lr: number): void {
    if (lr === this.learningRate) return;
    this.learningRate = lr;
    // tfjs reads the field at every applyGradients; it has no public setter.
    (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
  }

  private steps = 0;

  step(variables: tf.Variable[], terms: () => Record<string, tf.Scalar>, keep: boolean): void {
    const check = this.steps++ % DEFAULT_VALUE_CHECK_EVERY === 0;
    if (check) this.minimize(variables, terms, keep);
    else withoutValueChecks(() => this.minimize(variables, terms, keep));
  }

  private minimize(variables: tf.Variable[], terms: () => Record<string, tf.Scalar>, keep: boolean): void {
    this.optimizer.minimize(
      () => {
        const t = terms();
        if (keep) this.kept.keep(t);
        const values = Object.values(t);
        // A fresh tensor: minimize disposes what it gets back, and the terms may be kept.
        return (values.length === 1 ? tf.clone(values[0]) : tf.addN(values)) as tf.Scalar;
      },
      false,
      variables,
    );
  }

  /** Values of the terms of the last step that kept them ({} if none since the last read). */
  readTerms(): Promise<Record<string, number>> {
    return this.kept.read();
  }

  dispose(): void {
    this.kept.dispose();
    this.optimizer.dispose();
  }
}
