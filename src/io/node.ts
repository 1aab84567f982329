export * from "./index.js";
// The io layer's Node-only part (exported from "sparsekit/node").
export { nodeStorage } from "./nodeStorage.js";
export { packageRoot, packageVersion } from "./packageRoot.js";
