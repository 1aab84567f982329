import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/SparsekitError.js";
import { directoryHandler } from "./modelDirectory.js";

/** "scheme://…": a tfjs URL (indexeddb://, downloads://, file://, http://), not a plain path. */
export function isTfjsUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
}

/**
 * Where a model goes or comes from: a tfjs IO handler, a tfjs URL ("indexeddb://name",
 * "localstorage://name", "downloads://name", "http(s)://…/model.json", "file://dir" in Node),
 * or a plain directory path (over the installed storage; see setStorage).
 */
export function resolveIoHandler(target: unknown, mode: "save" | "load", where: string): tf.io.IOHandler {
  if (target !== null && typeof target === "object" && (typeof (target as tf.io.IOHandler).save === "function" || typeof (target as tf.io.IOHandler).load === "function")) {
    return target as tf.io.IOHandler;
  }
  if (typeof target !== "string" || target === "") {
    throw new SparsekitError(`${where}: argument 'target' must be a directory path, a tfjs URL (e.g. "indexeddb://name") or a tf.io.IOHandler, got ${target === null ? "null" : typeof target}.`);
  }
  if (!isTfjsUrl(target)) return directoryHandler(target);
  const handlers = mode === "save" ? tf.io.getSaveHandlers(target) : tf.io.getLoadHandlers(target);
  if (handlers.length === 0) {
    const scheme = target.slice(0, target.indexOf("://") + 3);
    const hint = scheme === "file://" ? ' (in Node, import "sparsekit/node" to register file://)' : "";
    throw new SparsekitError(`${where}: no tfjs IO handler can ${mode} "${target}"${hint}.`);
  }
  if (handlers.length > 1) throw new SparsekitError(`${where}: more than one tfjs IO handler claims "${target}".`);
  return handlers[0];
}
