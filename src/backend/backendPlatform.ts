import * as tf from "@tensorflow/tfjs";

/**
 * What the backend layer needs from the platform and cannot get in a platform-neutral way.
 * `sparsekit/node` installs the Node answers (tfjs-node import, wasm binary folder, process.env,
 * core count); in a browser nothing is installed and the defaults below apply.
 */
export interface BackendPlatform {
  /** Loads `@tensorflow/tfjs-node` (registers the "tensorflow" backend); undefined: no such backend here. */
  importNodeBackend?: () => Promise<unknown>;
  /** Folder (with trailing separator) or URL prefix of the tfjs-backend-wasm `.wasm` binaries. */
  wasmPaths?: () => string;
  /** Environment variables (SPARSEKIT_BACKEND). */
  env?: () => Record<string, string | undefined>;
  /** Logical cores. */
  cores?: () => number;
  /** Runtime description for reports, e.g. { runtime: "node 20.20.2", platform: "linux-x64" }. */
  runtime?: () => { runtime: string; platform: string };
}

let platform: BackendPlatform = {};

export function setBackendPlatform(p: BackendPlatform): void {
  platform = { ...p };
}

export function backendPlatform(): BackendPlatform {
  return platform;
}

/** True in a web page or worker (tfjs's own IS_BROWSER flag). */
export function isBrowser(): boolean {
  return tf.env().getBool("IS_BROWSER");
}

export function platformCores(): number {
  if (platform.cores) return platform.cores();
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

export function platformRuntime(): { runtime: string; platform: string } {
  if (platform.runtime) return platform.runtime();
  const nav = (globalThis as { navigator?: { userAgent?: string; platform?: string } }).navigator;
  return { runtime: nav?.userAgent ?? "unknown", platform: nav?.platform ?? "unknown" };
}

export function platformEnv(): Record<string, string | undefined> {
  return platform.env ? platform.env() : {};
}
