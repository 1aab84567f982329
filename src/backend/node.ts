export * from "./index.js";
// The backend layer's Node-only part (exported from "sparsekit/node").
export { wasmBinaryDir, WASM_BINARY_NAMES } from "./wasmBinaries.js";
export { nodeBackendPlatform } from "./nodeBackendPlatform.js";
