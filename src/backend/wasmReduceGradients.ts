import * as tf from "@tensorflow/tfjs";

/**
 * Why: the stock gradients of Sum and Mean broadcast dy with `dy * tf.ones(x.shape)`, and
 * `tf.ones` is not a kernel: it fills a JavaScript Float32Array and uploads it to the wasm heap
 * (~1.3 ms per 200k elements measured here, against ~0.1 ms for the wasm Fill kernel). A
 * training step that sums a reconstruction error and two weight-decay terms pays it 3-4 times.
 * The replacement builds the same tensor of ones with `tf.fill` (a backend kernel) and is
 * otherwise the stock formula, so values are bit-identical (multiplying by 1 is exact). It is
 * used only while the wasm backend is active; on other backends the stock gradient runs.
 */

const MARK = Symbol.for("sparsekit.wasmReduceGradient");
type MarkedGradConfig = tf.GradConfig & { [MARK]?: tf.GradConfig };

function expandedDy(dy: tf.Tensor, x: tf.Tensor, axis: unknown): { dy: tf.Tensor; axes: number[] } {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const shape = x.shape.slice();
  for (const a of axes) shape[a] = 1;
  return { dy: tf.reshape(dy, shape), axes };
}

function sumGrad(stock: tf.GradConfig): MarkedGradConfig {
  const config: MarkedGradConfig = {
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      if (tf.getBackend() !== "wasm") return stock.gradFunc(dy, saved, attrs);
      const [x] = saved;
      const e = expandedDy(dy as tf.Tensor, x, attrs.axis);
      const derX = tf.mul(e.dy, tf.fill(x.shape, 1, "float32"));
      return { x: () => derX };
    },
  };
  config[MARK] = stock;
  return config;
}

function meanGrad(stock: tf.GradConfig): MarkedGradConfig {
  const config: MarkedGradConfig = {
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      if (tf.getBackend() !== "wasm") return stock.gradFunc(dy, saved, attrs);
      const [x] = saved;
      return {
        x: () => {
          const e = expandedDy(dy as tf.Tensor, x, attrs.axis);
          const reduceSize = e.axes.reduce((p, a) => p * x.shape[a], 1);
          return tf.div(tf.mul(e.dy, tf.fill(x.shape, 1, "float32")), reduceSize);
        },
      };
    },
  };
  config[MARK] = stock;
  return config;
}

const BUILDERS = { Sum: sumGrad, Mean: meanGrad } as const;

/** True when the Sum and Mean gradients carry the wasm fast path. */
export function isWasmReduceGradientsInstalled(): boolean {
  return (Object.keys(BUILDERS) as (keyof typeof BUILDERS)[]).every(
    (name) => (tf.getGradient(name) as MarkedGradConfig | undefined)?.[MARK] !== undefined,
  );
}

/**
 * Registers the Sum and Mean gradients described at the top of this file. Idempotent; returns
 * true when it changed the registry. Gradients are global in tfjs, hence the per-call backend
 * check inside.
 */
export function installWasmReduceGradients(): boolean {
  let changed = false;
  for (const name of Object.keys(BUILDERS) as (keyof typeof BUILDERS)[]) {
    const current = tf.getGradient(name) as MarkedGradConfig | undefined;
    if (current === undefined || current[MARK] !== undefined) continue;
    tf.unregisterGradient(name);
    tf.registerGradient(BUILDERS[name](current));
    changed = true;
  }
  return changed;
}

/** Restores the stock gradients (for A/B measurements and tests). */
export function uninstallWasmReduceGradients(): void {
  for (const name of Object.keys(BUILDERS)) {
    const current = tf.getGradient(name) as MarkedGradConfig | undefined;
    const stock = current?.[MARK];
    if (stock === undefined) continue;
    tf.unregisterGradient(name);
    tf.registerGradient(stock);
  }
}
