// Baselines (SPEC.md §5.4, §5.6): k-means, triangle features, random ReLU features and the
// multinomial logistic-regression probe that scores learned codes.
export { assignClusters, kMeans, type KMeansOptions, type KMeansResult } from "./kmeans.js";
export {
  LogisticRegression,
  logisticRegressionLoss,
  type LogisticRegressionFitInfo,
  type LogisticRegressionFitOptions,
} from "./logisticRegression.js";
export { RandomReluFeatures, type RandomReluFeaturesOptions } from "./randomReluFeatures.js";
export { DISTANCE_BLOCK_ROWS, squaredDistances } from "./squaredDistances.js";
export { triangleFeatures } from "./triangleFeatures.js";
export { knnGraph, labelSpreading, type KnnGraph, type LabelSpreadingOptions } from "./labelSpreading.js";
