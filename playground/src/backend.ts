import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./core.js";
import type { BackendChoice } from "./settings.js";

export interface BackendStatus {
  /** The tfjs backend now active: "webgl", "wasm" or "cpu". */
  name: string;
  /** Backends tried first and why they were skipped. */
  skipped: string[];
  /** e.g. the GPU renderer string of WebGL, when the browser tells it. */
  detail: string;
}

/** WebGL renderer name (e.g. "SwiftShader" in headless Chromium), if the browser exposes it. */
function webglRenderer(): string {
  try {
    const gl = document.createElement("canvas").getContext("webgl2");
    if (!gl) return "";
    const ext = gl.getExtension("WEBGL_debug_renderer_info");
    return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } catch {
    return "";
  }
}

/**
 * Starts sparsekit's backend choice (initBackend: webgl → wasm → cpu for "auto", with the wasm
 * kernel fixes); a named backend that cannot start falls back to "auto". The wasm binaries are
 * served with the site under `wasm/` (relative to the page).
 */
export async function chooseBackend(choice: BackendChoice): Promise<BackendStatus> {
  const wasmPaths = new URL("wasm/", document.baseURI).href;
  const skipped: string[] = [];
  let result;
  try {
    result = await initBackend({ backend: choice, wasmPaths });
  } catch (e) {
    if (choice === "auto") throw e;
    skipped.push(`${choice}: ${(e as Error).message}`);
    result = await initBackend({ backend: "auto", wasmPaths });
  }
  skipped.push(...result.skipped.map((s) => `${s.backend}: ${s.reason}`));
  const name = tf.getBackend();
  return { name, skipped: [...skipped, ...result.notes], detail: name === "webgl" ? webglRenderer() : "" };
}
