import type { ParamValues } from "../params.js";

/** Numbers read back from the backend for the display (every few steps, never every step). */
export interface Readout {
  /** Weighted cost terms of the last step; their sum is the loss. */
  terms: Record<string, number>;
  loss: number;
  /** Sparsity and task metrics on held-out data, e.g. { hoyer, fractionZeros, deadUnits, l0 }. */
  metrics: Record<string, number>;
  /** Values for the activation histogram (codes of held-out samples). */
  activations: Float32Array;
  /** Fixed x range of the histogram, when the activation has one (sigmoid: [0, 1]). */
  activationDomain?: [number, number];
}

/** Square images for the grid: `count` tiles of side x side values (row-major), plus optional RGB overlays. */
export interface ImageTiles {
  tiles: Float32Array[];
  side: number;
  /** Per tile, values in [0, 1] drawn as an orange overlay (masks). */
  overlays?: Float32Array[];
}

/**
 * One live training run: a model, its data and its optimizer. `trainStep` enqueues one step and
 * reads nothing back (on WebGL the GPU keeps working while the page stays responsive); the
 * display asks for `readout` and `images` every few steps, which read back asynchronously.
 */
export interface Trainer {
  /** Steps taken. */
  readonly steps: number;
  /** Names of the cost terms, in display order (the legend of the loss chart). */
  readonly termNames: readonly string[];
  /** Names and meaning of the metrics (the table below the charts). */
  readonly metricLabels: Readonly<Record<string, string>>;
  /** Metrics in [0, 1] drawn over the steps in the second chart. */
  readonly chartMetrics: readonly string[];
  /** Title of that chart. */
  readonly chartTitle: string;
  /** What the histogram shows, e.g. "Hidden codes (held-out)". */
  readonly histogramTitle: string;
  /** One optimizer step; `keepTerms` keeps the step's terms for the next readout. */
  trainStep(keepTerms: boolean): void;
  /** Applies the live parameters (weights, learning rate) from the next step on. */
  update(values: ParamValues): void;
  readout(): Promise<Readout>;
  images(): Promise<ImageTiles>;
  dispose(): void;
}


export function sumTerms(terms: Record<string, number>): number {
  return Object.values(terms).reduce((a, b) => a + b, 0);
}
