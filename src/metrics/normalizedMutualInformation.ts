import { contingencyTable, type Labels } from "./contingencyTable.js";

/**
 * Normalised mutual information between a reference labelling and a clustering (SPEC §5.6):
 * `NMI(U, V) = I(U; V) / ((H(U) + H(V)) / 2)`, the arithmetic-mean normalisation that is
 * scikit-learn's default (`normalized_mutual_info_score`, average_method="arithmetic"), with
 * `I = sum_ij (n_ij / n) ln(n n_ij / (a_i b_j))` and `H(U) = -sum_i (a_i / n) ln(a_i / n)` from the
 * contingency table n_ij (the log base cancels). Limit cases as scikit-learn: both partitions a
 * single group -> 1 (identical); otherwise I = 0 -> 0 (e.g. every sample in one cluster).
 *
 * @param labels reference labels, one integer per sample (array or rank-1 tensor).
 * @param clusters cluster ids of the same samples; any integers, any number of clusters.
 * @returns a number in [0, 1]; symmetric; 1 for partitions equal up to renaming; invariant to
 *   permuting the label names of either side.
 */
export function normalizedMutualInformation(labels: Labels, clusters: Labels): number {
  const t = contingencyTable(labels, clusters, "normalizedMutualInformation", ["labels", "clusters"]);
  if (t.rows === 1 && t.cols === 1) return 1;
  const { n, counts, rowSums, colSums } = t;
  let mi = 0;
  for (let i = 0; i < t.rows; i++) {
    for (let j = 0; j < t.cols; j++) {
      const nij = counts[i * t.cols + j];
      if (nij > 0) mi += (nij / n) * Math.log((n * nij) / (rowSums[i] * colSums[j]));
    }
  }
  // Rounding can leave |mi| ~ 1e-16 for independent partitions; a zero-information clustering scores 0.
  if (mi <= 1e-15) return 0;
  const entropy = (sums: Float64Array) => sums.reduce((h, a) => (a > 0 ? h - (a / n) * Math.log(a / n) : h), 0);
  const nmi = mi / ((entropy(rowSums) + entropy(colSums)) / 2);
  return Math.min(1, Math.max(0, nmi));
}
