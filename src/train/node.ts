export * from "./index.js";
// The train layer's Node-only part (exported from "sparsekit/node").
export { cliProgressBar } from "./progressBar.js";
