import * as esbuild from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Bundles the core entry (src/index.ts) for the browser as a web developer's bundler would
 * (esbuild, platform "browser"), optionally with an extra entry that imports it.
 */
export async function bundleCoreForBrowser(options: { entry?: string; format?: "esm" | "iife"; globalName?: string } = {}): Promise<esbuild.BuildResult & { metafile: esbuild.Metafile; outputFiles: esbuild.OutputFile[] }> {
  return esbuild.build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [options.entry ?? "src/index.ts"],
    bundle: true,
    platform: "browser",
    format: options.format ?? "esm",
    ...(options.globalName ? { globalName: options.globalName } : {}),
    write: false,
    metafile: true,
    logLevel: "silent",
    target: "es2022",
  });
}
