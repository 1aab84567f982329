import * as tf from "@tensorflow/tfjs";

/**
 * The cost terms of one training step, kept for the next readout and read back asynchronously
 * (never in the step itself): what AdamStep and LbfgsBlock hand to the display.
 */
export class KeptTerms {
  private kept: Record<string, tf.Scalar> | undefined;

  /** Keeps `terms` (replacing earlier ones); the caller may dispose its own references. */
  keep(terms: Record<string, tf.Scalar>): void {
    this.dispose();
    this.kept = Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, tf.keep(v)]));
  }

  /** The kept terms' values ({} when none were kept since the last read), and frees them. */
  async read(): Promise<Record<string, number>> {
    const terms = this.kept;
    this.kept = undefined;
    if (!terms) return {};
    try {
      const names = Object.keys(terms);
      const values = await Promise.all(names.map((k) => terms[k].data()));
      return Object.fromEntries(names.map((k, i) => [k, values[i][0]]));
    } finally {
      tf.dispose(Object.values(terms));
    }
  }

  dispose(): void {
    if (this.kept) tf.dispose(Object.values(this.kept));
    this.kept = undefined;
  }
}
