import * as tf from "@tensorflow/tfjs";
import { BudgetConstraint, MaskedClassifier, type GateSpec, type MaskBudget, type MaskPenalties } from "../core.js";
import type { Dataset } from "../datasets.js";
import type { ParamValues } from "../params.js";
import { choiceValue, numberValue } from "../settings.js";
import { AdamStep } from "./adamStep.js";
import { Minibatches } from "./minibatches.js";
import { sumTerms, type ImageTiles, type Readout, type Trainer } from "./Trainer.js";

/** Digits whose masks are drawn. */
const SHOWN = 24;
/** Dual-ascent step of the budget multiplier (masks-mnist's default). */
const DUAL_STEP = 0.1;

/**
 * MaskedClassifier (attention branch → gate → classifier on x·M) trained jointly from scratch, with
 * the gate and objective of masks-mnist's methods. Budget methods take one dual-ascent step per
 * batch, which needs the batch's mask area as a number (one read-back per step).
 */
export class MaskTrainer implements Trainer {
  readonly termNames: readonly string[];
  readonly metricLabels = { accuracy: "test accuracy (masked input)", area: "mask area mean(M)", budget: "budget", multiplier: "budget multiplier" };
  readonly chartMetrics = ["accuracy", "area"] as const;
  readonly chartTitle = "Accuracy and mask area (held-out)";
  readonly histogramTitle = "Mask values M (held-out)";
  private readonly model: MaskedClassifier;
  private readonly adam: AdamStep;
  private readonly batches: Minibatches;
  private readonly budget: MaskBudget | undefined;
  private penalties: MaskPenalties;
  private readonly target: number;
  private readonly shown: tf.Tensor2D;
  steps = 0;

  constructor(
    private readonly data: Dataset,
    values: ParamValues,
    seed: number,
  ) {
    const method = choiceValue(values, "method");
    this.target = numberValue(values, "budget");
    const pixels = data.side * data.side;
    const gate: GateSpec =
      method === "gumbelTopK"
        ? { kind: "gumbelTopK", k: Math.max(1, Math.round(this.target * pixels)), temperature: 1 }
        : method === "hardConcreteL0Budget"
          ? { kind: "hardConcrete" }
          : method === "steBudget"
            ? { kind: "straightThrough" }
            : { kind: "hardSigmoid" };
    this.model = MaskedClassifier.create({ height: data.side, width: data.side, classes: 10, gate, hiddenUnits: 64, attentionGain: 20, seed });
    this.penalties = method === "hardSigmoidArea" ? { area: numberValue(values, "area") } : {};
    if (method === "steBudget" || method === "hardConcreteL0Budget") {
      this.budget = { constraint: new BudgetConstraint({ target: this.target, stepSize: DUAL_STEP }), on: method === "hardConcreteL0Budget" ? "expectedL0" : "area" };
    }
    this.termNames = ["crossEntropy", ...(this.penalties.area ? ["area"] : []), ...(this.budget ? ["budget"] : [])];
    this.adam = new AdamStep(numberValue(values, "lr"));
    this.batches = new Minibatches(data.train.shape[0], numberValue(values, "batch"), seed);
    this.shown = tf.slice(data.test, [0, 0], [SHOWN, -1]) as tf.Tensor2D;
  }

  trainStep(keepTerms: boolean): void {
    const [x, y] = this.batches.take(this.data.train, this.data.trainOneHot!);
    const seed = this.batches.noiseSeed();
    let constraint: tf.Scalar | undefined;
    this.adam.step(
      this.model.trainableVariables(),
      () => {
        const out = this.model.lossTerms(x, y, { penalties: this.penalties, ...(this.budget ? { budget: this.budget } : {}), training: true, seed });
        if (out.constraint) constraint = tf.keep(out.constraint);
        return out.terms;
      },
      keepTerms,
    );
    tf.dispose([x, y]);
    if (constraint && this.budget) {
      this.budget.constraint.update(constraint.dataSync()[0]);
      constraint.dispose();
    }
    this.steps++;
  }

  update(values: ParamValues): void {
    if (this.penalties.area !== undefined) this.penalties = { area: numberValue(values, "area") };
    this.adam.setLearningRate(numberValue(values, "lr"));
  }

  async readout(): Promise<Readout> {
    const terms = await this.adam.readTerms();
    const [pred, masks] = tf.tidy(() => {
      const out = this.model.forward(this.data.test, { training: false });
      return [tf.argMax(out.logits, 1), out.mask];
    });
    const [p, m] = await Promise.all([pred.data(), masks.data()]);
    tf.dispose([pred, masks]);
    const labels = this.data.testLabels!;
    let hit = 0;
    for (let i = 0; i < labels.length; i++) if (p[i] === labels[i]) hit++;
    let area = 0;
    for (const v of m) area += v;
    return {
      terms,
      loss: sumTerms(terms),
      metrics: { accuracy: hit / labels.length, area: area / m.length, budget: this.target, ...(this.budget ? { multiplier: this.budget.constraint.multiplier } : {}) },
      activations: m as Float32Array,
      activationDomain: [0, 1],
    };
  }

  async images(): Promise<ImageTiles> {
    const masks = this.model.masks(this.shown);
    const [px, mk] = await Promise.all([this.shown.data(), masks.data()]);
    masks.dispose();
    const d = this.data.side * this.data.side;
    const rows = (a: ArrayLike<number>) => Array.from({ length: SHOWN }, (_, i) => Float32Array.from({ length: d }, (_, k) => a[i * d + k]));
    return { tiles: rows(px), overlays: rows(mk), side: this.data.side };
  }

  dispose(): void {
    this.adam.dispose();
    this.shown.dispose();
    this.model.dispose();
  }
}
