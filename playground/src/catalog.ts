import type { ChoiceParam, NumberParam, ParamSpec } from "./params.js";

/** The models a person can pick; each one maps to the Node experiment that runs it in full. */
export const MODEL_IDS = ["sae-patches", "sae-mnist", "satae", "ovr-mlp", "lca", "entropy", "masks"] as const;
export type ModelId = (typeof MODEL_IDS)[number];

export interface ModelSpec {
  id: ModelId;
  title: string;
  /** What it is and what to look for, one or two sentences. */
  blurb: string;
  /** Where the objective comes from (SPEC section, seed). */
  source: string;
  /** `sparsekit run <experiment>` that runs this setting in full in Node. */
  experiment: string;
  data: "patches" | "mnist";
  /** Caption of the image grid. */
  gridCaption: string;
  params: readonly ParamSpec[];
}

const num = (p: Omit<NumberParam, "kind">): NumberParam => ({ kind: "number", ...p });
const choice = (p: Omit<ChoiceParam, "kind">): ChoiceParam => ({ kind: "choice", ...p });

const learningRate = (d: number, max = 3e-2) =>
  num({ id: "lr", label: "learning rate (Adam)", help: "Step size of the optimizer.", live: true, min: 1e-4, max, default: d, scale: "log" });
const batchSize = (d: number) =>
  num({ id: "batch", label: "batch size", help: "Samples per step.", live: false, min: 16, max: 512, default: d, scale: "linear", step: 16, integer: true });

const saeParams = (hidden: { d: number; max: number }, rho: number, decay: number, lr: number, optimizer: "lbfgs" | "adam"): ParamSpec[] => [
  choice({
    id: "optimizer",
    label: "optimizer",
    help: "L-BFGS on a fixed batch of 5,000 (as the Node demo; the counter counts iterations) or Adam on minibatches.",
    live: false,
    options: [
      { value: "lbfgs", label: "L-BFGS (full batch)" },
      { value: "adam", label: "Adam (minibatches)" },
    ],
    default: optimizer,
  }),
  choice({
    id: "sparsity",
    label: "sparsity term",
    help: "KL to a target rate ρ, an L1 penalty, or keep the k largest codes.",
    live: false,
    options: [
      { value: "kl", label: "KL(ρ ‖ ρ̂)" },
      { value: "l1", label: "L1 ‖h‖₁" },
      { value: "topk", label: "top-k" },
    ],
    default: "kl",
  }),
  num({ id: "hidden", label: "hidden units K", help: "Code size (filters in the grid).", live: false, min: 4, max: hidden.max, default: hidden.d, scale: "linear", step: 1, integer: true }),
  num({ id: "rho", label: "ρ target rate (KL)", help: "Mean activation each unit should have.", live: true, min: 0.001, max: 0.5, default: rho, scale: "log" }),
  num({ id: "beta", label: "β KL weight", help: "Weight of Σ_k KL(ρ ‖ ρ̂_k).", live: true, min: 0, max: 10, default: 3, scale: "linear", step: 0.1 }),
  num({ id: "l1", label: "L1 weight", help: "Weight of (1/B) Σ|h| (sparsity L1).", live: true, min: 1e-5, max: 1, default: 0.01, scale: "log" }),
  num({ id: "k", label: "k (top-k)", help: "Codes kept per sample (sparsity top-k); at most K.", live: true, min: 1, max: hidden.max, default: 5, scale: "linear", step: 1, integer: true }),
  num({ id: "decay", label: "λ weight decay", help: "(λ/2) Σ W² over the weight matrices.", live: true, min: 1e-6, max: 1e-2, default: decay, scale: "log" }),
  learningRate(lr),
  batchSize(100),
];

export const MODELS: readonly ModelSpec[] = [
  {
    id: "sae-patches",
    title: "Sparse autoencoder · natural patches",
    blurb: "8×8 patches of four 1/f-whitened photographs, sigmoid autoencoder 64-K-64. With KL sparsity the filters turn into localised, oriented edges within a few hundred L-BFGS iterations, the Node demo's setting (ρ = 0.01). Under Adam, ρ = 0.01 stalls for thousands of steps: use ρ ≈ 0.05 and a learning rate near 1e-2 there.",
    source: "SPEC §1.1–1.2, seed 002",
    experiment: "sae-patches",
    data: "patches",
    gridCaption: "Encoder filters (rows of W1ᵀ), mid-grey = 0",
    params: saeParams({ d: 25, max: 100 }, 0.01, 1e-4, 1e-2, "lbfgs"),
  },
  {
    id: "sae-mnist",
    title: "Sparse autoencoder · MNIST",
    blurb: "28×28 digits, sigmoid autoencoder 784-K-784 (UFLDL's ρ = 0.1, λ = 3e-3). Filters become pen-stroke parts of digits.",
    source: "SPEC §1.1–1.2, seed 002",
    experiment: "sae-mnist",
    data: "mnist",
    gridCaption: "Encoder filters (rows of W1ᵀ), mid-grey = 0",
    params: saeParams({ d: 64, max: 196 }, 0.1, 3e-3, 3e-3, "lbfgs"),
  },
  {
    id: "satae",
    title: "Saturating autoencoder · MNIST",
    blurb: "Tied 784-K-784 autoencoder whose regulariser α Σ f_c(z) pushes pre-activations into the flat parts of satlin/ReLU.",
    source: "SPEC §1.3, seed 003",
    experiment: "satae-mnist",
    data: "mnist",
    gridCaption: "Encoder filters (columns of W), mid-grey = 0",
    params: [
      choice({ id: "activation", label: "activation", help: "satlin = clip(z, 0, 1); relu = max(z, 0).", live: false, options: [{ value: "satlin", label: "satlin" }, { value: "relu", label: "relu" }], default: "satlin" }),
      num({ id: "hidden", label: "hidden units K", help: "Code size.", live: false, min: 16, max: 256, default: 100, scale: "linear", step: 1, integer: true }),
      num({ id: "alpha", label: "α saturation weight", help: "Weight of the saturation penalty on the pre-activations.", live: true, min: 0, max: 1, default: 0.3, scale: "linear", step: 0.01 }),
      num({ id: "noise", label: "masking noise", help: "Fraction of input pixels dropped in training (denoising).", live: false, min: 0, max: 0.75, default: 0.25, scale: "linear", step: 0.05 }),
      learningRate(2e-3),
      batchSize(64),
    ],
  },
  {
    id: "ovr-mlp",
    title: "OVR-regularised MLP · MNIST",
    blurb: "784-K-10 ReLU classifier trained with cross-entropy + λ Σ_{i≠j} ⟨h_i, h_j⟩: samples in a batch are pushed to use disjoint hidden units.",
    source: "SPEC §1.4, seed 001",
    experiment: "ovr-mlp-mnist",
    data: "mnist",
    gridCaption: "First-layer weights of the first hidden units, mid-grey = 0",
    params: [
      num({ id: "hidden", label: "hidden units K", help: "Width of the hidden layer.", live: false, min: 16, max: 512, default: 256, scale: "linear", step: 16, integer: true }),
      num({ id: "lambda", label: "λ OVR weight", help: "Weight of the One-Vs-Rest overlap (reduction sum).", live: true, min: 1e-8, max: 1e-3, default: 1e-5, scale: "log" }),
      num({ id: "dropout", label: "dropout", help: "Dropout rate on the hidden layer (0 = off).", live: false, min: 0, max: 0.8, default: 0, scale: "linear", step: 0.05 }),
      learningRate(1e-3),
      batchSize(128),
    ],
  },
  {
    id: "lca",
    title: "LCA dictionary learning · natural patches",
    blurb: "Locally Competitive Algorithm codes each whitened patch with few unit-norm atoms; a Hebbian step then moves the atoms. Atoms become band-pass edges.",
    source: "SPEC §1.1, §3, seed 004",
    experiment: "lca-patches",
    data: "patches",
    gridCaption: "Dictionary atoms (columns of Φ), mid-grey = 0",
    params: [
      choice({ id: "patch", label: "patch size", help: "Side of the square patches.", live: false, options: [{ value: "8", label: "8×8" }, { value: "12", label: "12×12" }, { value: "16", label: "16×16" }], default: "12" }),
      num({ id: "atoms", label: "atoms M", help: "Dictionary size.", live: false, min: 16, max: 256, default: 144, scale: "linear", step: 16, integer: true }),
      num({ id: "lambda", label: "λ threshold", help: "LCA threshold = L1 weight of the sparse-coding energy.", live: true, min: 0.05, max: 2, default: 0.5, scale: "log" }),
      choice({ id: "threshold", label: "threshold", help: "Soft (L1) or hard (L0) thresholding.", live: false, options: [{ value: "soft", label: "soft" }, { value: "hard", label: "hard" }], default: "soft" }),
      num({ id: "iterations", label: "LCA iterations", help: "Inference iterations per batch.", live: true, min: 5, max: 100, default: 30, scale: "linear", step: 1, integer: true }),
      num({ id: "lr", label: "Hebbian rate η", help: "Step of Φ += η/B (X − AΦᵀ)ᵀA.", live: true, min: 0.05, max: 5, default: 1, scale: "log" }),
      batchSize(128),
    ],
  },
  {
    id: "entropy",
    title: "Batch-entropy clustering · MNIST",
    blurb: "A 784-256-256-N network is trained on unlabelled digits so each sample picks one cluster (low H(Q)) while the batch spreads over all (high H(q̄)). The per-unit form of the seed collapses.",
    source: "SPEC §1.5, seed 004",
    experiment: "entropy-mnist",
    data: "mnist",
    gridCaption: "Mean digit of each cluster (held-out digits)",
    params: [
      choice({ id: "form", label: "batch term", help: "marginal: mean_l H(Q_l) − λ H(q̄); perUnit: the seed's eq. 14.", live: false, options: [{ value: "marginal", label: "marginal" }, { value: "perUnit", label: "perUnit (seed)" }], default: "marginal" }),
      num({ id: "clusters", label: "clusters N", help: "Output units.", live: false, min: 2, max: 50, default: 10, scale: "linear", step: 1, integer: true }),
      num({ id: "beta", label: "β inverse temperature", help: "Q = softmax(−βX); −1 is the ordinary softmax.", live: true, min: -5, max: -0.1, default: -1, scale: "linear", step: 0.1 }),
      num({ id: "lambda", label: "λ batch weight", help: "Weight of the batch (diversity) entropy.", live: true, min: 0, max: 10, default: 4, scale: "linear", step: 0.1 }),
      learningRate(2e-3),
      batchSize(256),
    ],
  },
  {
    id: "masks",
    title: "Masked classifier with a pixel budget · MNIST",
    blurb: "An attention branch outputs a per-pixel mask M, a gate makes it binary, and a classifier sees only x·M. Gumbel top-k keeps exactly the budget.",
    source: "SPEC §1.6, seed 000",
    experiment: "masks-mnist",
    data: "mnist",
    gridCaption: "Masks over held-out digits (orange = kept pixels)",
    params: [
      choice({
        id: "method",
        label: "gate / penalty",
        help: "How the budget is enforced.",
        live: false,
        options: [
          { value: "gumbelTopK", label: "Gumbel top-k (exact k)" },
          { value: "hardConcreteL0Budget", label: "Hard Concrete + L0 budget" },
          { value: "steBudget", label: "straight-through + budget" },
          { value: "hardSigmoidArea", label: "hard sigmoid + area weight (seed)" },
        ],
        default: "gumbelTopK",
      }),
      num({ id: "budget", label: "pixel budget", help: "Fraction of the 784 pixels the mask may keep.", live: false, min: 0.02, max: 0.5, default: 0.1, scale: "log" }),
      num({ id: "area", label: "area weight (seed)", help: "w of CE + w·mean(M) (hard sigmoid + area only).", live: true, min: 0.1, max: 30, default: 3, scale: "log" }),
      learningRate(1e-3),
      batchSize(128),
    ],
  },
];

export function modelSpec(id: ModelId): ModelSpec {
  const m = MODELS.find((s) => s.id === id);
  if (!m) throw new Error(`unknown playground model '${id}'`);
  return m;
}

export function isModelId(v: string): v is ModelId {
  return (MODEL_IDS as readonly string[]).includes(v);
}
