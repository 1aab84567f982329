import * as tf from "@tensorflow/tfjs";
import { directoryHandler } from "./modelDirectory.js";
import { hasStorage } from "./storage.js";

export const FILE_URL_SCHEME = "file://";

/**
 * tfjs IO router for `file://<dir>` URLs over the installed storage, so `model.save("file://out")`
 * and `tf.loadLayersModel("file://out")` work in Node without tfjs-node (the plain tfjs package
 * has no file handler). A trailing "/model.json" is accepted and stripped.
 */
export function fileUrlRouter(url: string | string[]): tf.io.IOHandler | null {
  if (Array.isArray(url) || typeof url !== "string" || !url.startsWith(FILE_URL_SCHEME) || !hasStorage()) return null;
  let dir = url.slice(FILE_URL_SCHEME.length);
  if (dir.endsWith("/model.json")) dir = dir.slice(0, -"/model.json".length);
  return directoryHandler(dir);
}

let registered = false;

/** Registers {@link fileUrlRouter} for saving and loading (once per process). */
export function registerFileUrlRouter(): void {
  if (registered) return;
  registered = true;
  tf.io.registerSaveRouter(fileUrlRouter as (url: string | string[]) => tf.io.IOHandler);
  tf.io.registerLoadRouter(fileUrlRouter as (url: string | string[]) => tf.io.IOHandler);
}
