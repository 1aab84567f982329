import * as tf from "@tensorflow/tfjs";
import { FusedAdamOptimizer } from "../train/FusedAdamOptimizer.js";
import { timeSteps, type StepTimes } from "./timeSteps.js";
import { klSparsityPenalty } from "../objectives/klSparsityPenalty.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";

/** Size and schedule of the benchmark step; defaults are the classic MNIST sparse autoencoder. */
export interface SaeStepOptions {
  inputSize?: number; // 784
  hiddenSize?: number; // 196
  batchSize?: number; // 256
  /** Timed steps per round. */
  steps?: number; // 20
  /** Untimed steps before the first round (kernel setup, XNNPACK operator creation, JIT). */
  warmup?: number; // 5
  /** Timed rounds; ms/step is reported per round, and as their median and minimum. */
  rounds?: number; // 3
  seed?: number; // 0
}

export interface SaeStepResult extends StepTimes {
  /** tfjs backend the step ran on ("wasm", "cpu", "tensorflow"). */
  backend: string;
  inputSize: number;
  hiddenSize: number;
  batchSize: number;
  steps: number;
  warmup: number;
}

/** Hyper-parameters of the step (SPEC.md section 1.2); bench/reference/sae_step.py uses the same. */
export const SAE_STEP_CONSTANTS = { rho: 0.05, beta: 3, lambda: 1e-4, learningRate: 1e-3, adamEpsilon: 1e-8 } as const;

const WHERE = "timeSaeStep";

/**
 * Builds the sparse-autoencoder training step on the current backend:
 * encoder h = sigmoid(x W1 + b1), decoder x_hat = sigmoid(h W2 + b2),
 * loss = (1/2B) sum ||x_hat - x||^2 + beta sum_k KL(rho || rho_hat_k) + (lambda/2)(||W1||^2 + ||W2||^2),
 * rho_hat = mean_i h_i clamped to [1e-6, 1 - 1e-6] (SPEC.md 1.2), minimised with Adam via
 * optimizer.minimize. Returns a `step()` that runs one update and returns the loss, and
 * `dispose()`. Weights use the UFLDL init U(+-sqrt(6/(n_in + n_out + 1))); the input batch is
 * fixed, uniform in [0, 1].
 */
export function buildSaeStep(size: { inputSize: number; hiddenSize: number; batchSize: number; seed: number }) {
  const { inputSize: n, hiddenSize: k, batchSize: b, seed } = size;
  const { rho, beta, lambda, learningRate, adamEpsilon } = SAE_STEP_CONSTANTS;
  const r = Math.sqrt(6 / (n + k + 1));
  const x = tf.randomUniform([b, n], 0, 1, "float32", seed);
  // tidy frees the initial values; the variables (never tracked by tidy) keep their own refs.
  const [w1, b1, w2, b2] = tf.tidy(() => [
    tf.variable(tf.randomUniform([n, k], -r, r, "float32", seed + 1), true),
    tf.variable(tf.zeros([k]), true),
    tf.variable(tf.randomUniform([k, n], -r, r, "float32", seed + 2), true),
    tf.variable(tf.zeros([n]), true),
  ]);
  const optimizer = new FusedAdamOptimizer(learningRate, 0.9, 0.999, adamEpsilon);

  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      const h = tf.sigmoid(tf.add(tf.matMul(x, w1), b1));
      const xHat = tf.sigmoid(tf.add(tf.matMul(h, w2), b2));
      const recon = tf.div(tf.sum(tf.square(tf.sub(xHat, x))), 2 * b);
      // The package's own objective, input checks included, as a user's training step runs it.
      const kl = klSparsityPenalty(h, { rho });
      const decay = tf.mul(lambda / 2, tf.add(tf.sum(tf.square(w1)), tf.sum(tf.square(w2))));
      return tf.add(tf.add(recon, tf.mul(beta, kl)), decay) as tf.Scalar;
    });

  return {
    step(): number {
      const l = optimizer.minimize(loss, true, [w1, b1, w2, b2]);
      if (l === null) throw new Error("optimizer.minimize returned no loss");
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    },
    dispose(): void {
      optimizer.dispose();
      tf.dispose([x, w1, b1, w2, b2]);
    },
  };
}

/**
 * Times the SAE training step (see buildSaeStep) on the active tfjs backend: `warmup` untimed
 * steps, then `rounds` rounds of `steps` timed steps. Each step reads its loss back, like
 * `loss.item()` in the PyTorch reference, so asynchronous backends are timed fully.
 * Options are integers >= 1 (warmup >= 0). Returns ms/step per round, median and minimum.
 */
export async function timeSaeStep(options: SaeStepOptions = {}): Promise<SaeStepResult> {
  assertKnownOptions(options, WHERE, ["inputSize", "hiddenSize", "batchSize", "steps", "warmup", "rounds", "seed"]);
  const o = {
    inputSize: options.inputSize ?? 784,
    hiddenSize: options.hiddenSize ?? 196,
    batchSize: options.batchSize ?? 256,
    steps: options.steps ?? 20,
    warmup: options.warmup ?? 5,
    rounds: options.rounds ?? 3,
    seed: options.seed ?? 0,
  };
  for (const key of ["inputSize", "hiddenSize", "batchSize", "steps", "rounds"] as const) {
    assertNumberOption(o[key], WHERE, key, { integer: true, min: 1 });
  }
  assertNumberOption(o.warmup, WHERE, "warmup", { integer: true, min: 0 });
  assertNumberOption(o.seed, WHERE, "seed", { integer: true, min: 0 });

  await tf.ready();
  const sae = buildSaeStep(o);
  try {
    return {
      backend: tf.getBackend(),
      inputSize: o.inputSize,
      hiddenSize: o.hiddenSize,
      batchSize: o.batchSize,
      steps: o.steps,
      warmup: o.warmup,
      ...timeSteps(() => sae.step(), o),
    };
  } finally {
    sae.dispose();
  }
}
