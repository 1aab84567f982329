import { modelSpec } from "./catalog.js";
import { choiceValue, numberValue, type Settings } from "./settings.js";

/** A config file for `sparsekit run <experiment> --config file.json`, with what did not carry over. */
export interface ExportedConfig {
  experiment: string;
  config: Record<string, unknown>;
  /** Settings of the page the experiment has no key for (said on the page next to the button). */
  notes: string[];
}

/**
 * Maps a playground setting to the config of the Node experiment that runs it in full (every key
 * is one of the experiment's zod configSchema; the test validates them with resolveExperimentConfig).
 * The page trains with Adam on minibatches, so the autoencoders export optimizer "adam".
 */
export function exportConfig(s: Settings): ExportedConfig {
  const v = s.values;
  const n = (id: string) => numberValue(v, id);
  const c = (id: string) => choiceValue(v, id);
  const experiment = modelSpec(s.model).experiment;
  const notes: string[] = [];
  let config: Record<string, unknown>;
  switch (s.model) {
    case "sae-patches":
    case "sae-mnist": {
      const kind = c("sparsity");
      if (kind !== "kl") notes.push(`${experiment} trains the KL penalty; the ${kind === "l1" ? "L1" : "top-k"} sparsity of the page has no key there (ρ and β are exported).`);
      config = {
        hiddenSize: n("hidden"),
        rho: n("rho"),
        beta: n("beta"),
        weightDecay: n("decay"),
        ...(c("optimizer") === "lbfgs" ? { optimizer: "lbfgs" } : { optimizer: "adam", batchSize: n("batch"), learningRate: n("lr") }),
      };
      break;
    }
    case "satae":
      config = {
        variant: "dense",
        activation: c("activation"),
        alphas: [n("alpha")],
        hiddenSize: n("hidden"),
        denoising: n("noise") > 0 ? { kind: "masking", level: n("noise") } : null,
        batchSize: n("batch"),
        learningRate: n("lr"),
      };
      break;
    case "ovr-mlp":
      config = {
        width: n("hidden"),
        lambdas: [n("lambda")],
        ovrReduction: "sum",
        ...(n("dropout") > 0 ? { dropout: n("dropout") } : {}),
        batchSize: n("batch"),
        learningRate: n("lr"),
      };
      if (n("dropout") === 0) notes.push("ovr-mlp-mnist always compares no regularisation, dropout (default 0.5) and OVR.");
      break;
    case "lca":
      config = {
        patchSize: Number(c("patch")),
        atoms: n("atoms"),
        lambda: n("lambda"),
        threshold: c("threshold"),
        inferenceIterations: n("iterations"),
        batchSize: n("batch"),
        learningRate: n("lr"),
        finalLearningRate: n("lr"),
      };
      break;
    case "entropy": {
      const perUnit = c("form") === "perUnit";
      config = {
        numClusters: n("clusters"),
        beta: n("beta"),
        ...(perUnit ? { perUnitLambda: n("lambda") } : { lambda: n("lambda") }),
        batchSize: n("batch"),
        learningRate: n("lr"),
      };
      notes.push("entropy-mnist runs the per-unit form, the marginal form and marginal + consistency side by side.");
      break;
    }
    case "masks": {
      const method = c("method");
      config = {
        methods: [method],
        budgets: [n("budget")],
        overlayBudget: n("budget"),
        ...(method === "hardSigmoidArea" ? { seedAreaWeights: [n("area")] } : {}),
        batchSize: n("batch"),
        learningRate: n("lr"),
      };
      notes.push("masks-mnist pretrains the classifier on full images first (the page trains both branches from scratch).");
      break;
    }
  }
  return { experiment, config, notes };
}

/** File name of the download, e.g. `sae-patches.config.json`. */
export function exportFileName(e: ExportedConfig): string {
  return `${e.experiment}.config.json`;
}
