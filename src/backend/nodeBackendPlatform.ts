import os from "node:os";
import type { BackendPlatform } from "./backendPlatform.js";
import { wasmBinaryDir } from "./wasmBinaries.js";

/** The Node answers to the backend layer's platform questions (installed by sparsekit/node). */
export const nodeBackendPlatform: BackendPlatform = {
  // The specifier is a variable so that bundlers do not try to resolve the optional peer.
  importNodeBackend: () => {
    const specifier = "@tensorflow/tfjs-node";
    return import(specifier);
  },
  wasmPaths: wasmBinaryDir,
  env: () => process.env,
  cores: () => (typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length),
  runtime: () => ({ runtime: `node ${process.versions.node}`, platform: `${process.platform}-${process.arch}` }),
};
