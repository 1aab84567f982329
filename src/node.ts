/**
 * sparsekit/node: everything in the core ("sparsekit") plus what needs a disk or a process —
 * data loaders (MNIST, photographs, IDX, CIFAR-10), run reports and PNG grids, experiments,
 * benchmarks, the CLI, and the Node platform services (file storage, "file://" model URLs,
 * tfjs-node and wasm binary paths for initBackend, progress bars). Importing it installs them.
 */
import { installNodePlatform } from "./nodePlatform.js";

installNodePlatform();

export * from "./index.js";
export { installNodePlatform } from "./nodePlatform.js";
export * from "./io/node.js";
export * from "./backend/node.js";
export * from "./train/node.js";
export * from "./data/node.js";
export * from "./report/node.js";
export * from "./bench/index.js";
export * from "./experiments/index.js";
export * from "./sweep/index.js";
export { runCli } from "./cli/program.js";
