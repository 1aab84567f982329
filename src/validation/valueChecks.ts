/**
 * Value checks (NaN/Inf, sign, range) read a tensor back from the backend: cheap on cpu/wasm, a
 * pipeline stall on WebGL. They run at every API call by default; training loops run the loss
 * inside {@link withoutValueChecks} on most steps and let it check every N-th step, and watch the
 * loss they read back anyway (so a NaN is still caught at the step it appears).
 */
let suspended = 0;

/** Whether value checks run now (false inside {@link withoutValueChecks}). */
export function valueChecksActive(): boolean {
  return suspended === 0;
}

/**
 * Runs `fn` (synchronously) with value checks skipped; shape, rank, batch-size and option checks
 * still run. For training loops that check values every N steps.
 */
export function withoutValueChecks<T>(fn: () => T): T {
  suspended++;
  try {
    const result = fn();
    if (result instanceof Promise) throw new Error("withoutValueChecks: fn must be synchronous");
    return result;
  } finally {
    suspended--;
  }
}

/** Default number of steps between value checks inside training loops. */
export const DEFAULT_VALUE_CHECK_EVERY = 50;
