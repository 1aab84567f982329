import * as tf from "@tensorflow/tfjs";
import { createRng, type Rng } from "../core.js";

/**
 * Seeded minibatches without replacement: a fresh permutation of the n rows each epoch, cut into
 * batches of `size` (the last partial batch of an epoch is skipped, so batch statistics such as
 * the KL rate always see `size` samples).
 */
export class Minibatches {
  private readonly rng: Rng;
  private order: Int32Array = new Int32Array(0);
  private at = 0;
  /** Epochs started so far. */
  epoch = 0;

  constructor(
    private readonly n: number,
    readonly size: number,
    seed: number,
  ) {
    if (size > n) throw new Error(`batch size ${size} exceeds the ${n} training rows`);
    this.rng = createRng(seed, "playground.minibatches");
  }

  /** Row indices of the next batch (int32 tensor; the caller disposes it). */
  next(): tf.Tensor1D {
    if (this.at + this.size > this.order.length) {
      this.order = this.rng.permutation(this.n);
      this.at = 0;
      this.epoch++;
    }
    const idx = this.order.subarray(this.at, this.at + this.size);
    this.at += this.size;
    return tf.tensor1d(idx, "int32");
  }

  /** A seed for the step's noise (dropout, denoising, gates), from the same stream. */
  noiseSeed(): number {
    return this.rng.int(2 ** 31 - 1);
  }

  /** Gathers the next batch of each tensor's rows (same rows for all). */
  take<T extends tf.Tensor[]>(...tensors: T): T {
    const idx = this.next();
    const out = tensors.map((t) => tf.gather(t, idx)) as T;
    idx.dispose();
    return out;
  }
}
