/**
 * sparsekit, platform-neutral core: objectives, metrics, validation, random, verify, backends,
 * storage-agnostic IO, training, data transforms, report chart specs, baselines, masks, sparse
 * coding and models. Imports no Node module: it bundles for the browser as it is. Disk, processes,
 * data loaders, reports on disk, experiments, benchmarks and the CLI are in "sparsekit/node".
 */
export * from "./validation/index.js";
export * from "./objectives/index.js";
export * from "./metrics/index.js";
export * from "./random/index.js";
export * from "./verify/index.js";
export * from "./backend/index.js";
export * from "./io/index.js";
export * from "./train/index.js";
export * from "./data/index.js";
export * from "./report/index.js";
export * from "./baselines/index.js";
export * from "./masks/index.js";
export * from "./coding/index.js";
export * from "./models/index.js";
