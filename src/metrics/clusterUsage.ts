import { assertNumberOption } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";
import { readLabels, type Labels } from "./contingencyTable.js";

export interface ClusterUsage {
  /** Samples per cluster, index = cluster id 0..numClusters-1. */
  counts: number[];
  /** Clusters holding at least one sample. */
  used: number;
  /** Entropy of the cluster sizes, `-sum_k (n_k / n) ln(n_k / n)` in nats, in [0, ln numClusters]. */
  entropy: number;
  /** entropy / ln(numClusters), in [0, 1] (1 = all clusters equally used; 0 when numClusters = 1). */
  normalizedEntropy: number;
  /** Share of the largest cluster, in [1/numClusters, 1] (1 = collapse onto one cluster). */
  largestFraction: number;
}

/**
 * How a clustering uses its clusters (SPEC §1.5: the collapse of the per-unit batch entropy shows
 * up as used -> 1, entropy -> 0, largestFraction -> 1). `assignments` are cluster ids in
 * [0, numClusters), e.g. the argmax of Q over a data set.
 */
export function clusterUsage(assignments: Labels, numClusters: number): ClusterUsage {
  const where = "clusterUsage";
  assertNumberOption(numClusters, where, "numClusters", { integer: true, min: 1 });
  const ids = readLabels(assignments, where, "assignments");
  const counts = new Array<number>(numClusters).fill(0);
  for (let i = 0; i < ids.length; i++) {
    const c = ids[i];
    if (c < 0 || c >= numClusters) {
      throw new SparsekitError(`${where}: argument 'assignments' must hold cluster ids in [0, ${numClusters - 1}], got ${c} at index ${i}.`);
    }
    counts[c]++;
  }
  const n = ids.length;
  let entropy = 0;
  for (const k of counts) if (k > 0) entropy -= (k / n) * Math.log(k / n);
  return {
    counts,
    used: counts.filter((k) => k > 0).length,
    entropy,
    normalizedEntropy: numClusters > 1 ? entropy / Math.log(numClusters) : 0,
    largestFraction: Math.max(...counts) / n,
  };
}
