import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { resolveWolfeOptions, wolfeLineSearch, type WolfeLineSearchOptions } from "./wolfeLineSearch.js";

export interface LbfgsIterationInfo {
  /** 1-based iteration number. */
  iteration: number;
  /** Loss after this iteration. */
  loss: number;
  /** max_i |g_i| after this iteration (the quantity compared with gradientTolerance). */
  gradNorm: number;
  /** Step length t accepted by the line search (the move is t * direction). */
  step: number;
  /** Loss-and-gradient evaluations so far, including the one at the start. */
  evaluations: number;
}

export interface LbfgsOptions {
  /** Most iterations (line searches); integer >= 0. Default 400. */
  maxIterations?: number;
  /** Number m of curvature pairs kept; integer >= 1. Default 10. */
  historySize?: number;
  /** Stop (converged) when max_i |g_i| <= this; >= 0. Default 1e-5. */
  gradientTolerance?: number;
  /**
   * Stop (converged) when |f_prev - f| <= functionTolerance * max(|f_prev|, |f|, 1); >= 0.
   * Default 1e-10. (Losses are float32, so on O(1) losses this rarely fires; it stops runs whose
   * loss has reached ~0 and stopped moving.)
   */
  functionTolerance?: number;
  /** Most loss-and-gradient evaluations, counting the first; integer >= 1. Default 2 * maxIterations + 25. */
  maxEvaluations?: number;
  /**
   * Relative rounding noise of the loss, >= 0. Default 1e-6 (float32 sums). Losses within
   * |f| * lossNoise above the current loss are compared by slopes, not values (approximate Wolfe
   * conditions, see wolfeLineSearch); so the loss may rise by at most that much in one iteration.
   * 0 = exact strong Wolfe.
   */
  lossNoise?: number;
  /** Strong-Wolfe constants: c1 (1e-4), c2 (0.9), maxSteps per search (25). */
  lineSearch?: Omit<WolfeLineSearchOptions, "valueNoise">;
  /**
   * Curvature pairs to start from and to update in place (see {@link createLbfgsMemory}): pass the
   * same object to successive calls on the same variables, and a run cut into short calls (a web
   * page yielding between them) keeps its quasi-Newton memory instead of restarting from steepest
   * descent each time. Default: a fresh memory per call.
   */
  memory?: LbfgsMemory;
  /** Called after every iteration; return "stop" to end the run early (reason "callback"). */
  onIteration?: (info: LbfgsIterationInfo) => void | "stop";
}

export type LbfgsStopReason =
  | "gradientTolerance"
  | "functionTolerance"
  | "maxIterations"
  | "maxEvaluations"
  | "lineSearchFailed"
  | "callback";

/** The last m curvature pairs (s, y) of L-BFGS, their 1 / (y.s), and the float64 point it stopped at. */
export interface LbfgsMemory {
  S: Float64Array[];
  Y: Float64Array[];
  rho: number[];
  /** Used as the start point when the variables still hold float32(x). */
  x?: Float64Array;
}

/** An empty L-BFGS memory for the `memory` option. */
export function createLbfgsMemory(): LbfgsMemory {
  return { S: [], Y: [], rho: [] };
}

export interface LbfgsResult {
  /** Final loss (the variables hold the corresponding parameters). */
  loss: number;
  /** max_i |g_i| at the final parameters. */
  gradNorm: number;
  iterations: number;
  evaluations: number;
  /** True when a tolerance was met (reason gradientTolerance or functionTolerance). */
  converged: boolean;
  reason: LbfgsStopReason;
  /**
   * Loss at the start (index 0) and after each iteration (index k). Decreasing, except that a
   * step may raise it by at most lossNoise * |loss| (rounding-level, see LbfgsOptions.lossNoise).
   */
  history: number[];
}

const WHERE = "minimizeLbfgs";
const KNOWN = [
  "maxIterations",
  "historySize",
  "memory",
  "gradientTolerance",
  "functionTolerance",
  "maxEvaluations",
  "lossNoise",
  "lineSearch",
  "onIteration",
] as const;

/** A curvature pair is kept only if y.s > CURVATURE_EPS * y.y (so H0 = y.s / y.y stays > 1e-10). */
const CURVATURE_EPS = 1e-10;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

function checkVariables(variables: unknown): asserts variables is tf.Variable[] {
  if (!Array.isArray(variables) || variables.length === 0) {
    const got = Array.isArray(variables) ? "an empty array" : variables === null ? "null" : typeof variables;
    throw new SparsekitError(`${WHERE}: argument 'variables' must be a non-empty array of tf.Variable, got ${got}.`);
  }
  const seen = new Set<tf.Variable>();
  variables.forEach((v: unknown, i) => {
    const name = `variables[${i}]`;
    if (!(v instanceof tf.Variable)) {
      const got = v instanceof tf.Tensor ? "a plain tf.Tensor (wrap it with tf.variable)" : v === null ? "null" : typeof v;
      throw new SparsekitError(`${WHERE}: argument '${name}' must be a tf.Variable, got ${got}.`);
    }
    if (v.isDisposed) throw new SparsekitError(`${WHERE}: argument '${name}' must be a live tf.Variable, got a disposed one.`);
    if (v.dtype !== "float32") {
      throw new SparsekitError(`${WHERE}: argument '${name}' must have dtype float32, got ${v.dtype}.`);
    }
    if (!v.trainable) {
      throw new SparsekitError(`${WHERE}: argument '${name}' ('${v.name}') must be trainable, got trainable = false.`);
    }
    if (seen.has(v)) throw new SparsekitError(`${WHERE}: argument '${name}' ('${v.name}') appears more than once.`);
    seen.add(v);
  });
}

/**
 * Full-batch L-BFGS (Nocedal & Wright 2006, Alg. 7.4/7.5) with a strong-Wolfe line search, over
 * TensorFlow.js variables. SPEC.md §1.2: the classic KL sparse autoencoder (rho = 0.01) needs it;
 * first-order methods leave the encoder at its random start.
 *
 * The variables are flattened into one parameter vector x (n = total size). Each evaluation runs
 * `lossFn` once forward and backward (tf.variableGrads) and reads the loss and the gradient back
 * in a single transfer. The optimiser state (x, gradients, the m pairs s_k = x_{k+1} - x_k,
 * y_k = g_{k+1} - g_k, the two-loop recursion and all line-search arithmetic) lives in float64
 * on the JS side: it costs O(m n) flops per iteration, negligible next to a forward/backward pass
 * at n ~ 1e5, needs no tensor bookkeeping, and keeps float32 rounding out of the dot products the
 * curvature test and the Wolfe tests depend on. The variables receive float32(x) before each
 * evaluation; x itself accumulates updates in float64.
 *
 * Direction: d = -H g with H0 = (y.s / y.y) I from the newest pair; pairs with
 * y.s <= 1e-10 y.y are skipped. First trial step: 1, except min(1, 1 / ||g||_2) on the first
 * iteration (and after a reset), when H = I. Near a minimum a float32 loss changes by less than
 * its rounding error; within |f| * lossNoise the line search therefore judges trial points by
 * their slopes (Hager & Zhang's approximate Wolfe conditions) instead of stalling.
 * If a line search along the L-BFGS direction fails,
 * the memory is cleared and steepest descent is tried once before giving up.
 *
 * @param lossFn returns a float32 scalar computed from `variables`; it is called inside a tidy.
 * @param variables trainable float32 tf.Variables to optimise in place (at least one).
 * @param options see LbfgsOptions (maxIterations 400, historySize 10, gradientTolerance 1e-5,
 *   functionTolerance 1e-10, maxEvaluations 2 * maxIterations + 25, lossNoise 1e-6, lineSearch { c1 1e-4,
 *   c2 0.9, maxSteps 25 }, onIteration).
 * @returns final loss and gradient norm, counts, stop reason and the loss history. The
 *   variables are left at the returned (best accepted) point, also when lossFn throws.
 */
export function minimizeLbfgs(
  lossFn: () => tf.Scalar,
  variables: tf.Variable[],
  options: LbfgsOptions = {},
): LbfgsResult {
  if (typeof lossFn !== "function") {
    throw new SparsekitError(`${WHERE}: argument 'lossFn' must be a function returning a scalar tensor, got ${typeof lossFn}.`);
  }
  checkVariables(variables);
  assertKnownOptions(options, WHERE, KNOWN);
  const maxIterations = options.maxIterations ?? 400;
  assertNumberOption(maxIterations, WHERE, "maxIterations", { min: 0, integer: true });
  const historySize = options.historySize ?? 10;
  assertNumberOption(historySize, WHERE, "historySize", { min: 1, integer: true });
  const gradientTolerance = options.gradientTolerance ?? 1e-5;
  assertNumberOption(gradientTolerance, WHERE, "gradientTolerance", { min: 0 });
  const functionTolerance = options.functionTolerance ?? 1e-10;
  assertNumberOption(functionTolerance, WHERE, "functionTolerance", { min: 0 });
  const maxEvaluations = options.maxEvaluations ?? 2 * maxIterations + 25;
  assertNumberOption(maxEvaluations, WHERE, "maxEvaluations", { min: 1, integer: true });
  const lossNoise = options.lossNoise ?? 1e-6;
  assertNumberOption(lossNoise, WHERE, "lossNoise", { min: 0 });
  if (options.lineSearch && typeof options.lineSearch === "object" && "valueNoise" in options.lineSearch) {
    throw new SparsekitError(`${WHERE}: unknown option 'lineSearch.valueNoise'; set the relative 'lossNoise' instead.`);
  }
  const ls = resolveWolfeOptions(options.lineSearch, WHERE, "lineSearch.");
  const onIteration = options.onIteration;
  if (onIteration !== undefined && typeof onIteration !== "function") {
    throw new SparsekitError(`${WHERE}: option 'onIteration' must be a function, got ${typeof onIteration}.`);
  }

  const sizes = variables.map((v) => v.size);
  const n = sizes.reduce((a, b) => a + b, 0);
  if (n === 0) throw new SparsekitError(`${WHERE}: argument 'variables' must hold at least one value, got only empty tensors.`);

  // The loss must be a float32 scalar. A problem is only recorded inside the taped function (and a
  // stand-in scalar returned): throwing there would leak the tensors tfjs saved for the backward pass.
  let lossProblem: string | null = null;
  const checkedLoss = (): tf.Scalar => {
    const value: unknown = lossFn();
    if (!(value instanceof tf.Tensor)) {
      lossProblem = `'lossFn' must return a scalar tf.Tensor, got ${value === null ? "null" : typeof value}`;
      return tf.scalar(0);
    }
    if (value.rank !== 0) {
      lossProblem = `'lossFn' must return a scalar (rank 0) tensor, got shape [${value.shape.join(", ")}]`;
      return tf.sum(tf.cast(value, "float32"));
    }
    if (value.dtype !== "float32") {
      lossProblem = `'lossFn' must return a float32 scalar, got dtype ${value.dtype}`;
      return tf.cast(value, "float32");
    }
    return value as tf.Scalar;
  };

  /** Loss and flattened float64 gradient at the current variable values: one forward+backward, one read-back. */
  const evaluate = (): { value: number; grad: Float64Array } => {
    const packed = tf.tidy(() => {
      let result: { value: tf.Scalar; grads: tf.NamedTensorMap } | null = null;
      let failure: unknown = null;
      try {
        result = tf.variableGrads(checkedLoss, variables);
      } catch (err) {
        failure = err;
      }
      if (lossProblem !== null) throw new SparsekitError(`${WHERE}: ${lossProblem}.`);
      if (result === null) {
        if (failure instanceof Error && /Cannot find a connection/.test(failure.message)) {
          throw new SparsekitError(`${WHERE}: the loss returned by 'lossFn' does not depend on any of 'variables'.`);
        }
        throw failure;
      }
      const grads = result.grads;
      const parts: tf.Tensor[] = [tf.reshape(result.value, [1])];
      for (const v of variables) {
        const g = grads[v.name];
        parts.push(g ? tf.reshape(g, [-1]) : tf.zeros([v.size])); // unconnected variable: zero gradient
      }
      return tf.concat(parts);
    });
    const data = packed.dataSync();
    packed.dispose();
    const grad = new Float64Array(n);
    grad.set(data.subarray(1, n + 1));
    return { value: data[0], grad };
  };

  /** Writes float32(x) into the variables (fresh buffers: the cpu backend keeps the array it is given). */
  const assign = (x: Float64Array): void => {
    let off = 0;
    variables.forEach((v, i) => {
      const values = new Float32Array(x.subarray(off, off + sizes[i])); // rounds to float32
      off += sizes[i];
      const t = tf.tensor(values, v.shape, "float32");
      v.assign(t);
      t.dispose();
    });
  };

  // Start point, read once from the variables (float32 -> float64 is exact); a shared memory's
  // float64 point when the variables still hold it, so a run cut into calls follows one path.
  const x = new Float64Array(n);
  {
    let off = 0;
    for (const v of variables) {
      x.set(v.dataSync() as Float32Array, off);
      off += v.size;
    }
  }
  if (options.memory?.x && options.memory.x.length === n && options.memory.x.every((xi, i) => Math.fround(xi) === x[i])) {
    x.set(options.memory.x);
  }
  const first = evaluate();
  let evaluations = 1;
  let f = first.value;
  let g = first.grad;
  if (!Number.isFinite(f)) {
    throw new SparsekitError(`${WHERE}: the loss at the starting point must be finite, got ${f}.`);
  }
  if (!g.every(Number.isFinite)) {
    throw new SparsekitError(`${WHERE}: the gradient at the starting point must be finite, got NaN or infinite entries.`);
  }
  const history = [f];
  let gradNorm = maxAbs(g);

  const memory = options.memory ?? createLbfgsMemory();
  if (!Array.isArray(memory.S) || !Array.isArray(memory.Y) || !Array.isArray(memory.rho)) {
    throw new SparsekitError(`${WHERE}: option 'memory' must come from createLbfgsMemory().`);
  }
  if (memory.S.some((s) => s.length !== n)) {
    throw new SparsekitError(`${WHERE}: option 'memory' holds pairs of ${memory.S[0].length} values, the variables have ${n}; use a fresh createLbfgsMemory().`);
  }
  const { S, Y, rho } = memory;
  while (S.length > historySize) {
    S.shift();
    Y.shift();
    rho.shift();
  }
  const alpha = new Float64Array(historySize);
  const d = new Float64Array(n);
  const trial = new Float64Array(n);
  let assignedAt = 0; // step t whose point the variables currently hold (0 = x)

  const phi = (t: number) => {
    for (let i = 0; i < n; i++) trial[i] = x[i] + t * d[i];
    assign(trial);
    assignedAt = t;
    const e = evaluate();
    return { value: e.value, slope: dot(e.grad, d), data: e.grad };
  };

  let reason: LbfgsStopReason = "maxIterations";
  let iterations = 0;
  try {
    if (gradNorm <= gradientTolerance) {
      reason = "gradientTolerance";
    } else {
      while (true) {
        if (iterations >= maxIterations) {
          reason = "maxIterations";
          break;
        }
        if (evaluations >= maxEvaluations) {
          reason = "maxEvaluations";
          break;
        }
        // Two-loop recursion: d = -H g.
        let steepest = S.length === 0;
        let gtd = 0;
        for (let i = 0; i < n; i++) d[i] = -g[i];
        if (!steepest) {
          for (let k = S.length - 1; k >= 0; k--) {
            const a = rho[k] * dot(S[k], d);
            alpha[k] = a;
            const y = Y[k];
            for (let i = 0; i < n; i++) d[i] -= a * y[i];
          }
          const last = S.length - 1;
          const gamma = 1 / (rho[last] * dot(Y[last], Y[last])); // y.s / y.y
          for (let i = 0; i < n; i++) d[i] *= gamma;
          for (let k = 0; k < S.length; k++) {
            const b = alpha[k] - rho[k] * dot(Y[k], d);
            const s = S[k];
            for (let i = 0; i < n; i++) d[i] += b * s[i];
          }
          gtd = dot(g, d);
          if (!(gtd < 0)) {
            // Rounding made H indefinite along g: forget the pairs.
            S.length = 0;
            Y.length = 0;
            rho.length = 0;
            steepest = true;
            for (let i = 0; i < n; i++) d[i] = -g[i];
          }
        }
        if (steepest) gtd = -dot(g, g);
        const t0 = steepest ? Math.min(1, 1 / Math.sqrt(-gtd)) : 1;
        const search = wolfeLineSearch(phi, { value: f, slope: gtd }, t0, {
          c1: ls.c1,
          c2: ls.c2,
          maxSteps: Math.min(ls.maxSteps, maxEvaluations - evaluations),
          valueNoise: lossNoise * Math.abs(f),
        });
        evaluations += search.evaluations;
        if (search.point === null) {
          if (!steepest) {
            // Retry this iteration once along -g with a fresh memory.
            S.length = 0;
            Y.length = 0;
            rho.length = 0;
            continue;
          }
          reason = evaluations >= maxEvaluations ? "maxEvaluations" : "lineSearchFailed";
          break;
        }
        const t = search.step;
        const gNew = search.point.data;
        const s = new Float64Array(n);
        const y = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          s[i] = t * d[i];
          x[i] += s[i];
          y[i] = gNew[i] - g[i];
        }
        const ys = dot(y, s);
        const yy = dot(y, y);
        if (ys > CURVATURE_EPS * yy && yy > 0) {
          if (S.length === historySize) {
            S.shift();
            Y.shift();
            rho.shift();
          }
          S.push(s);
          Y.push(y);
          rho.push(1 / ys);
        }
        const fPrev = f;
        f = search.point.value;
        g = gNew;
        gradNorm = maxAbs(g);
        iterations++;
        history.push(f);
        if (assignedAt !== t) assign(x);
        assignedAt = 0;

        const answer = onIteration?.({ iteration: iterations, loss: f, gradNorm, step: t, evaluations });
        if (gradNorm <= gradientTolerance) {
          reason = "gradientTolerance";
          break;
        }
        if (Math.abs(fPrev - f) <= functionTolerance * Math.max(Math.abs(fPrev), Math.abs(f), 1)) {
          reason = "functionTolerance";
          break;
        }
        if (answer === "stop") {
          reason = "callback";
          break;
        }
      }
    }
  } finally {
    // Leave the variables at the best accepted point, also when lossFn or the callback threw.
    if (assignedAt !== 0) assign(x);
    memory.x = Float64Array.from(x);
  }

  return {
    loss: f,
    gradNorm,
    iterations,
    evaluations,
    converged: reason === "gradientTolerance" || reason === "functionTolerance",
    reason,
    history,
  };
}
