import { setBackendPlatform } from "./backend/backendPlatform.js";
import { nodeBackendPlatform } from "./backend/nodeBackendPlatform.js";
import { registerFileUrlRouter } from "./io/fileUrlRouter.js";
import { nodeStorage } from "./io/nodeStorage.js";
import { setStorage } from "./io/storage.js";
import { setProgressPlatform } from "./train/progress.js";
import { cliProgressBar } from "./train/progressBar.js";

/**
 * Gives the platform-neutral core its Node services: the file system for directory paths
 * (checkpoints, model directories) and "file://" URLs, tfjs-node / wasm binaries / environment
 * for initBackend, and progress bars on stderr. Importing "sparsekit/node" calls it; idempotent.
 */
export function installNodePlatform(): void {
  setStorage(nodeStorage);
  registerFileUrlRouter();
  setBackendPlatform(nodeBackendPlatform);
  setProgressPlatform({ defaultStream: () => process.stderr, bar: cliProgressBar });
}
