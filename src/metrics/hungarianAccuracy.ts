import { contingencyTable, type Labels } from "./contingencyTable.js";
import { hungarianAssignment } from "./hungarianAssignment.js";

export interface HungarianMatching {
  /** Fraction of samples whose cluster is matched to their own class, in [0, 1]. */
  accuracy: number;
  /** Samples counted as correct. */
  correct: number;
  /** Distinct cluster ids (ascending) and the class each is matched to (null: left unmatched). */
  clusters: number[];
  clusterToClass: (number | null)[];
}

/**
 * Hungarian-matched clustering accuracy (SPEC §5.6; the "ACC" of the clustering literature):
 * `max over one-to-one maps m of (1/n) sum_s [labels_s = m(clusters_s)]`, the map found by the
 * Hungarian algorithm on the cluster x class contingency table (maximising matched counts).
 * Different numbers of clusters and classes are allowed: the map is one-to-one, so with more
 * clusters than classes the extra clusters match no class and all their samples count as errors
 * (with fewer clusters, some classes are never predicted). This is the strict form; it is what
 * makes N = 20 or 50 score below N = 10 unless the surplus clusters are nearly empty.
 */
export function hungarianMatching(labels: Labels, clusters: Labels): HungarianMatching {
  const t = contingencyTable(clusters, labels, "hungarianAccuracy", ["clusters", "labels"]);
  const rows: Float64Array[] = [];
  for (let i = 0; i < t.rows; i++) rows.push(t.counts.subarray(i * t.cols, (i + 1) * t.cols));
  const { rowToCol, total } = hungarianAssignment(rows, { maximize: true });
  return {
    accuracy: total / t.n,
    correct: total,
    clusters: t.rowLabels,
    clusterToClass: Array.from(rowToCol, (c) => (c < 0 ? null : t.colLabels[c])),
  };
}

/** The accuracy of {@link hungarianMatching}: a number in [0, 1], 1 iff the partitions are equal up to renaming. */
export function hungarianAccuracy(labels: Labels, clusters: Labels): number {
  return hungarianMatching(labels, clusters).accuracy;
}
