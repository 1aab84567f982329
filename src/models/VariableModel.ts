import * as tf from "@tensorflow/tfjs";
import { loadTensors, saveTensors } from "../io/savedTensors.js";
import { SparsekitError } from "../validation/SparsekitError.js";

/**
 * The small shared base of sparsekit's own models: named tf.Variables, a plain-JSON config, and
 * a snapshot of the initial values so every report can show how far training moved each weight
 * (SPEC §1.2: ||W - W0|| / ||W0|| exposes an encoder left at its random start). Saves and loads
 * through tfjs IO handlers as a standard tfjs model.json + weights: a directory (Node, through
 * `sparsekit/node`), "file://dir", "indexeddb://name", "downloads://name", or any IOHandler — so a
 * model trained in a web page loads in Node and the other way round.
 */
export abstract class VariableModel<Config extends object> {
  /** Model kind written to disk, checked on load (e.g. "SparseAutoencoder"). */
  abstract readonly kind: string;
  private initial: Record<string, tf.Tensor> = {};

  protected constructor(
    readonly config: Config,
    readonly variables: Record<string, tf.Variable>,
  ) {
    this.snapshotInitial();
  }

  /** Records the current values as the reference point of {@link relativeChange}. */
  snapshotInitial(): void {
    for (const t of Object.values(this.initial)) t.dispose();
    this.initial = Object.fromEntries(Object.entries(this.variables).map(([k, v]) => [k, tf.keep(v.clone())]));
  }

  /** ||W - W0||_F / ||W0||_F for variable `name` since construction (or the last snapshot). */
  relativeChange(name: string): number {
    const v = this.variables[name];
    const w0 = this.initial[name];
    if (!v || !w0) throw new SparsekitError(`${this.kind}.relativeChange: unknown variable '${name}'; known: ${Object.keys(this.variables).join(", ")}.`);
    return tf.tidy(() => {
      const num = tf.norm(tf.sub(v, w0)).dataSync()[0];
      const den = tf.norm(w0).dataSync()[0];
      return den === 0 ? (num === 0 ? 0 : Infinity) : num / den;
    });
  }

  /** All trainable variables, in a fixed order. */
  trainableVariables(): tf.Variable[] {
    return Object.values(this.variables);
  }

  /**
   * Saves kind, config and variables (plus the initial-value snapshots) as a tfjs model.json +
   * weights. `target`: a directory path, a tfjs URL ("indexeddb://name", "downloads://name",
   * "file://dir") or a tf.io.IOHandler.
   */
  async save(target: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
    const named: Record<string, tf.Tensor> = { ...this.variables };
    for (const [k, t] of Object.entries(this.initial)) named[`initial.${k}`] = t;
    return saveTensors(target, this.kind, named, { config: this.config }, `${this.kind}.save`);
  }

  /**
   * Reads what {@link save} wrote (from the same kinds of target): checks the kind and returns the
   * config and the variable values (initial snapshots too), for a subclass's static `load`.
   */
  protected static async readSaved(
    target: string | tf.io.IOHandler,
    kind: string,
  ): Promise<{ config: unknown; values: Record<string, tf.Tensor>; initial: Record<string, tf.Tensor> }> {
    const loaded = await loadTensors(target, kind, `${kind}.load`);
    const values: Record<string, tf.Tensor> = {};
    const initial: Record<string, tf.Tensor> = {};
    for (const [k, t] of Object.entries(loaded.tensors)) {
      if (k.startsWith("initial.")) initial[k.slice("initial.".length)] = t;
      else values[k] = t;
    }
    return { config: loaded.metadata.config, values, initial };
  }

  /** Replaces the initial-value snapshot (used after loading a saved model). */
  protected restoreInitial(initial: Record<string, tf.Tensor>): void {
    for (const t of Object.values(this.initial)) t.dispose();
    this.initial = Object.fromEntries(Object.entries(initial).map(([k, t]) => [k, tf.keep(t)]));
  }

  dispose(): void {
    for (const v of Object.values(this.variables)) v.dispose();
    for (const t of Object.values(this.initial)) t.dispose();
    this.initial = {};
  }
}

