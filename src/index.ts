/**
 * sparsekit: sparsity-inducing objectives, metrics, training utilities and backends on
 * TensorFlow.js. Every name is exported from here; see README.md for the API at a glance.
 */
export * from "./validation/index.js";
export * from "./objectives/index.js";
export * from "./metrics/index.js";
export * from "./random/index.js";
export * from "./verify/index.js";
export * from "./backend/index.js";
export * from "./io/index.js";
export * from "./train/index.js";
export * from "./bench/index.js";
export * from "./data/index.js";
export * from "./report/index.js";
export * from "./baselines/index.js";
export * from "./masks/index.js";
export * from "./coding/index.js";
export * from "./models/index.js";
export * from "./experiments/index.js";
export { runCli } from "./cli/program.js";
