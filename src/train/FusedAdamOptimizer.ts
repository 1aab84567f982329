import * as tf from "@tensorflow/tfjs";
import { ADAM_UPDATE_KERNEL, installAdamUpdateKernel } from "../backend/adamUpdateKernel.js";

/** AdamOptimizer's private state (tfjs-core 4.22), which this subclass keeps in the same form. */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/**
 * tf.train.adam with each variable's update as one kernel (src/backend/adamUpdateKernel.ts) on the
 * cpu and wasm backends instead of about twelve elementwise kernels; other backends (webgl,
 * tfjs-node) and non-float32 variables take tfjs's own path. Same formula, state, class name
 * ("Adam"), getWeights/setWeights and checkpoints as tfjs's AdamOptimizer.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
    installAdamUpdateKernel();
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer["applyGradients"]>[0]): void {
    const list = Array.isArray(variableGradients);
    const names = list ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const gradientOf = (name: string, i: number) => (list ? variableGradients[i].tensor : variableGradients[name]);
    const variables = tf.engine().registeredVariables;
    const fused =
      tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend()) !== undefined &&
      names.every((name, i) => variables[name]?.dtype === "float32" && (gradientOf(name, i)?.dtype ?? "float32") === "float32");
    if (!fused) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamInternals;
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = variables[name];
        state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = gradientOf(name, i);
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i].variable;
        const v = state.accumulatedSecondMoment[i].variable;
        const [w1, m1, v1] = tf.engine().runKernel(
          ADAM_UPDATE_KERNEL,
          { w: value, g: gradient, m, v, beta1Power: state.accBeta1, beta2Power: state.accBeta2 },
          { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon },
        ) as tf.Tensor[];
        m.assign(m1);
        v.assign(v1);
        value.assign(w1);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}
