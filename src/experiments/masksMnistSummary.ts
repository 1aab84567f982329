import { formatSeedSummary, summarizeSeeds, type SeedSummary } from "./seedStatistics.js";

/** The learned-mask methods of masks-mnist (SPEC §5.7). */
export const MASK_METHODS = ["hardSigmoidArea", "hardSigmoidBudget", "steBudget", "hardConcreteL0Budget", "gumbelTopK"] as const;
export type MaskMethod = (typeof MASK_METHODS)[number];

/** Fixed-mask baselines at the same budgets, and the full image (budget 1) as the reference with the same training. */
export const MASK_BASELINES = ["fullImage", "random", "centreCrop", "saliencyTopK"] as const;
export type MaskBaseline = (typeof MASK_BASELINES)[number];

export const METHOD_LABELS: Readonly<Record<MaskMethod | MaskBaseline, string>> = {
  hardSigmoidArea: "hard sigmoid + w·area (seed)",
  hardSigmoidBudget: "hard sigmoid + budget",
  steBudget: "STE + budget",
  hardConcreteL0Budget: "Hard Concrete + L0 budget",
  gumbelTopK: "Gumbel top-k",
  fullImage: "full image",
  random: "random pixels",
  centreCrop: "centre crop",
  saliencyTopK: "saliency top-k",
};

/** Chart legend labels (Vega-Lite truncates legend entries past ~17 characters): HS = hard sigmoid, HC = Hard Concrete. */
export const METHOD_SHORT_LABELS: Readonly<Record<MaskMethod | MaskBaseline, string>> = {
  hardSigmoidArea: "seed: HS + w·area",
  hardSigmoidBudget: "HS + budget",
  steBudget: "STE + budget",
  hardConcreteL0Budget: "HC + L0 budget",
  gumbelTopK: "Gumbel top-k",
  fullImage: "full image",
  random: "random pixels",
  centreCrop: "centre crop",
  saliencyTopK: "saliency top-k",
};

/** One trained (or fine-tuned) run: a method at one setting and one seed, evaluated on the test set. */
export interface MaskRunResult {
  id: string;
  method: MaskMethod | MaskBaseline;
  /** Requested pixel budget (fraction), or null for the seed's weighted penalty. */
  budget: number | null;
  /** Area-penalty weight of the seed's method, else null. */
  weight: number | null;
  /** 0-based seed index. */
  seed: number;
  accuracy: number;
  area: number;
  keptFraction: number;
  nonBinaryFraction: number;
  emptyFraction: number;
  collapsed: boolean;
  /** Multiplier at the end of training (budget methods), else null. */
  finalMultiplier: number | null;
  /** Baselines: accuracy of the full-image classifier on the masked test images before fine-tuning. */
  zeroShotAccuracy?: number;
  /** Kept and non-binary fractions of the test masks before the test-time projection (threshold, per-image cap). */
  keptBeforeProjection?: number;
  nonBinaryBeforeProjection?: number;
  /** Leak check: accuracy of a fresh classifier trained on the mask M alone (null = not run). */
  leakAccuracy?: number | null;
  /**
   * The seed's method only: its test masks made binary without retraining (the round(budget * 784)
   * largest M > 0 per image set to 1), with the fraction of M >= 0.5 and the largest M.
   */
  binarised?: { budget: number; accuracy: number; keptFraction: number; emptyFraction: number; keptAtHalf: number; maxMask: number };
}

/** Aggregate over seeds of one method at one setting. */
export interface MaskSettingSummary {
  method: MaskMethod | MaskBaseline;
  label: string;
  budget: number | null;
  weight: number | null;
  accuracy: SeedSummary;
  keptFraction: SeedSummary;
  area: SeedSummary;
  nonBinaryFraction: SeedSummary;
  collapsedRuns: number;
  runs: number;
  /** Runs whose kept fraction is at most budget + 0.005 (budget methods; null otherwise). */
  withinBudget: number | null;
  finalMultiplier: SeedSummary | null;
  zeroShotAccuracy: SeedSummary | null;
  keptBeforeProjection: SeedSummary | null;
  leakAccuracy: SeedSummary | null;
  /** The seed's method: accuracy and kept fraction with its test masks made binary at the budget, M >= 0.5 fraction and largest M; else null. */
  binarisedAccuracy: SeedSummary | null;
  binarisedKept: SeedSummary | null;
  keptAtHalf: SeedSummary | null;
  maxMask: SeedSummary | null;
}

/** Tolerance of "at the budget": a kept fraction above target + this counts as over budget (0.5% = 4 of 784 pixels). */
export const BUDGET_TOLERANCE = 0.005;

/** Groups runs by (method, budget, weight) in first-seen order and summarises each over seeds. */
export function summarizeMaskRuns(results: readonly MaskRunResult[]): MaskSettingSummary[] {
  const groups = new Map<string, MaskRunResult[]>();
  for (const r of results) {
    const key = `${r.method}|${r.budget}|${r.weight}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  return [...groups.values()].map((runs) => {
    const first = runs[0];
    const multipliers = runs.map((r) => r.finalMultiplier).filter((m): m is number => m !== null);
    const zeroShot = runs.map((r) => r.zeroShotAccuracy).filter((a): a is number => a !== undefined);
    const before = runs.map((r) => r.keptBeforeProjection).filter((a): a is number => typeof a === "number");
    const leak = runs.map((r) => r.leakAccuracy).filter((a): a is number => typeof a === "number");
    const binarised = runs.map((r) => r.binarised).filter((b): b is NonNullable<MaskRunResult["binarised"]> => b !== undefined);
    return {
      method: first.method,
      label: METHOD_LABELS[first.method],
      budget: first.budget,
      weight: first.weight,
      accuracy: summarizeSeeds(runs.map((r) => r.accuracy)),
      keptFraction: summarizeSeeds(runs.map((r) => r.keptFraction)),
      area: summarizeSeeds(runs.map((r) => r.area)),
      nonBinaryFraction: summarizeSeeds(runs.map((r) => r.nonBinaryFraction)),
      collapsedRuns: runs.filter((r) => r.collapsed).length,
      runs: runs.length,
      withinBudget: first.budget === null ? null : runs.filter((r) => r.keptFraction <= (r.budget as number) + BUDGET_TOLERANCE).length,
      finalMultiplier: multipliers.length ? summarizeSeeds(multipliers) : null,
      zeroShotAccuracy: zeroShot.length ? summarizeSeeds(zeroShot) : null,
      keptBeforeProjection: before.length ? summarizeSeeds(before) : null,
      leakAccuracy: leak.length ? summarizeSeeds(leak) : null,
      binarisedAccuracy: binarised.length ? summarizeSeeds(binarised.map((b) => b.accuracy)) : null,
      binarisedKept: binarised.length ? summarizeSeeds(binarised.map((b) => b.keptFraction)) : null,
      keptAtHalf: binarised.length ? summarizeSeeds(binarised.map((b) => b.keptAtHalf)) : null,
      maxMask: binarised.length ? summarizeSeeds(binarised.map((b) => b.maxMask)) : null,
    };
  });
}

/** Table rows (plain values) of the summaries, one per method and setting. */
export function summaryRows(summaries: readonly MaskSettingSummary[]): Record<string, string | number | null>[] {
  return summaries.map((s) => ({
    method: s.label,
    setting: s.budget !== null ? `budget ${s.budget}` : `w = ${s.weight}`,
    "test accuracy": formatSeedSummary(s.accuracy),
    "mask-alone accuracy (leak check)": s.leakAccuracy ? formatSeedSummary(s.leakAccuracy) : null,
    "kept fraction (M > 0)": formatSeedSummary(s.keptFraction),
    "kept before test-time projection": s.keptBeforeProjection ? formatSeedSummary(s.keptBeforeProjection) : null,
    "made binary at the budget: accuracy": s.binarisedAccuracy ? formatSeedSummary(s.binarisedAccuracy) : null,
    "made binary at the budget: kept": s.binarisedKept ? formatSeedSummary(s.binarisedKept) : null,
    "M >= 0.5": s.keptAtHalf ? formatSeedSummary(s.keptAtHalf) : null,
    "area mean(M)": formatSeedSummary(s.area),
    "non-binary (0.05 < M < 0.95)": formatSeedSummary(s.nonBinaryFraction),
    "collapsed runs": `${s.collapsedRuns}/${s.runs}`,
    "within budget": s.withinBudget === null ? null : `${s.withinBudget}/${s.runs}`,
    "final multiplier": s.finalMultiplier ? formatSeedSummary(s.finalMultiplier, 2) : null,
    ...(s.zeroShotAccuracy ? { "accuracy before fine-tuning": formatSeedSummary(s.zeroShotAccuracy) } : {}),
  }));
}

function pct(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}

/**
 * The closing note, generated from the numbers: per budget method, at which budgets the test
 * masks are binary (non-binary fraction < 1%), within budget and never collapsed, with accuracy;
 * for the seed's weighted hard sigmoid, how many runs collapsed at each weight.
 */
export function maskFindings(summaries: readonly MaskSettingSummary[], fullImageAccuracy: number): string {
  const lines: string[] = [`Full-image classifier (shared, pretrained on full images): test accuracy ${pct(fullImageAccuracy)}.`];
  const methods = [...new Set(summaries.map((s) => s.method))];
  for (const m of methods) {
    const rows = summaries.filter((s) => s.method === m);
    const label = METHOD_LABELS[m];
    if (m === "hardSigmoidArea") {
      const parts = rows.map(
        (s) =>
          `w = ${s.weight}: ${s.collapsedRuns}/${s.runs} collapsed, accuracy ${formatSeedSummary(s.accuracy)}, kept ${pct(s.keptFraction.mean)}, area ${pct(s.area.mean)}, non-binary ${pct(s.nonBinaryFraction.mean)}`,
      );
      const collapsed = rows.reduce((a, s) => a + s.collapsedRuns, 0);
      const total = rows.reduce((a, s) => a + s.runs, 0);
      lines.push(`${label}: ${collapsed}/${total} runs collapsed to an empty mask (area < 0.5%). ${parts.join("; ")}.`);
      continue;
    }
    if ((MASK_BASELINES as readonly string[]).includes(m)) {
      const parts = rows.map((s) => `${pct(s.budget ?? NaN)} (kept ${pct(s.keptFraction.mean)}): ${formatSeedSummary(s.accuracy)}`);
      lines.push(`Baseline ${label}, test accuracy after fine-tuning the classifier on the masked images: ${parts.join("; ")}.`);
      continue;
    }
    const good = rows.filter((s) => s.collapsedRuns === 0 && s.withinBudget === s.runs && s.nonBinaryFraction.mean < 0.01);
    const parts = rows.map(
      (s) =>
        `budget ${pct(s.budget ?? NaN)}: accuracy ${formatSeedSummary(s.accuracy)}, kept ${pct(s.keptFraction.mean)}, non-binary ${pct(s.nonBinaryFraction.mean)}, collapsed ${s.collapsedRuns}/${s.runs}, within budget ${s.withinBudget}/${s.runs}`,
    );
    const verdict = good.length
      ? `binary, within budget and no collapse at ${good.map((s) => pct(s.budget ?? NaN)).join(", ")}`
      : "binary, within budget and collapse-free at no budget";
    lines.push(`${label}: ${verdict}. ${parts.join("; ")}.`);
  }
  return lines.join("\n\n");
}
