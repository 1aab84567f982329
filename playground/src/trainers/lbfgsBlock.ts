import * as tf from "@tensorflow/tfjs";
import { createLbfgsMemory, minimizeLbfgs, withoutValueChecks } from "../core.js";
import { KeptTerms } from "./keptTerms.js";

/** L-BFGS iterations run per training step of the page (one animation-frame slice stays short). */
export const LBFGS_ITERATIONS_PER_STEP = 5;

/**
 * Full-batch L-BFGS in short blocks, the page's counterpart of the Node demo's optimizer (the
 * KL sparse autoencoder needs it at ρ = 0.01, where Adam stalls): each `step` runs a few
 * iterations on a fixed batch, and the blocks share one curvature memory, so the page yields
 * between blocks without restarting the quasi-Newton path.
 */
export class LbfgsBlock {
  private readonly kept = new KeptTerms();
  private readonly memory = createLbfgsMemory();
  /** L-BFGS iterations done; stays put once a block converges or its line search fails. */
  iterations = 0;
  converged = false;

  step(variables: tf.Variable[], terms: () => Record<string, tf.Scalar>, keep: boolean): void {
    if (!this.converged) {
      // Value checks on the first block only; the line search reads every loss back anyway.
      const run = () =>
        minimizeLbfgs(() => tf.tidy(() => tf.addN(Object.values(terms())) as tf.Scalar), variables, { maxIterations: LBFGS_ITERATIONS_PER_STEP, memory: this.memory });
      const result = this.iterations === 0 ? run() : withoutValueChecks(run);
      this.iterations += result.iterations;
      // A function-tolerance stop only ends this block; a vanishing gradient or a block that can
      // no longer move ends the run.
      if (result.reason === "gradientTolerance" || result.iterations === 0) this.converged = true;
    }
    if (keep) tf.tidy(() => this.kept.keep(terms()));
  }

  /** Values of the terms after the last step that kept them ({} if none since the last read). */
  readTerms(): Promise<Record<string, number>> {
    return this.kept.read();
  }

  dispose(): void {
    this.kept.dispose();
  }
}
