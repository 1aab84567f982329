import { contingencyTable, type Labels } from "./contingencyTable.js";

const pairs = (m: number) => (m * (m - 1)) / 2;

/**
 * Adjusted Rand index of Hubert & Arabie (1985) between a reference labelling and a clustering
 * (SPEC §5.6), from the contingency table n_ij with row sums a_i, column sums b_j:
 * `ARI = (sum_ij C(n_ij, 2) - E) / ((sum_i C(a_i, 2) + sum_j C(b_j, 2)) / 2 - E)`,
 * `E = sum_i C(a_i, 2) sum_j C(b_j, 2) / C(n, 2)` (the pair-agreement expected by chance).
 * The denominator is 0 only when both partitions are the single group or both are all
 * singletons, i.e. identical: then 1 (as scikit-learn's `adjusted_rand_score`).
 *
 * @returns a number <= 1: 1 for partitions equal up to renaming, about 0 for a random clustering
 *   (its expectation is 0), negative when agreement is below chance; symmetric and invariant to
 *   permuting label names. Pair counts are exact in float64 up to n ~ 1e7 samples.
 */
export function adjustedRandIndex(labels: Labels, clusters: Labels): number {
  const t = contingencyTable(labels, clusters, "adjustedRandIndex", ["labels", "clusters"]);
  let sumCells = 0;
  for (const nij of t.counts) sumCells += pairs(nij);
  const sumRows = t.rowSums.reduce((s, a) => s + pairs(a), 0);
  const sumCols = t.colSums.reduce((s, b) => s + pairs(b), 0);
  const total = pairs(t.n);
  const expected = total > 0 ? (sumRows * sumCols) / total : 0;
  const denominator = (sumRows + sumCols) / 2 - expected;
  if (denominator === 0) return 1;
  return (sumCells - expected) / denominator;
}
