import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { loader as vegaLoader, parse, View, type LoggerInterface, type Spec as VegaSpec } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { SparsekitError } from "../validation/SparsekitError.js";

/** Vega-Lite's warnings (e.g. dropped null points) go to console.warn, prefixed; errors throw. */
function makeLogger(where: string, errors: string[]): LoggerInterface {
  let level = 2;
  const text = (args: unknown[]): string => args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
  const logger: LoggerInterface = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]) {
      errors.push(text(args));
      return logger;
    },
    warn(...args: unknown[]) {
      // Vega only warns when a data/image load fails; for a report that is an error.
      if (args[0] === "Loading failed") errors.push(text(args));
      else if (level >= 2) console.warn(`sparsekit ${where}: vega: ${text(args)}`);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/**
 * Compiles a Vega-Lite spec to a Vega spec (synchronous, so a bad spec fails where it is added).
 * Throws SparsekitError if the spec is not an object or Vega-Lite rejects it.
 */
export function compileVegaLite(spec: TopLevelSpec, where = "compileVegaLite"): VegaSpec {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new SparsekitError(`${where}: argument 'spec' must be a Vega-Lite spec object, got ${spec === null ? "null" : typeof spec}.`);
  }
  const errors: string[] = [];
  let compiled: VegaSpec;
  try {
    compiled = compile(spec, { logger: makeLogger(where, errors) }).spec;
  } catch (e) {
    throw new SparsekitError(`${where}: argument 'spec' is not a valid Vega-Lite spec: ${(e as Error).message}`);
  }
  if (errors.length) throw new SparsekitError(`${where}: argument 'spec' is not a valid Vega-Lite spec: ${errors.join("; ")}`);
  return compiled;
}

/** A loader that refuses every URL: reports render only inline data, never touching network or disk. */
function offlineLoader() {
  const base = vegaLoader();
  const refuse = (uri: string): never => {
    throw new Error(`specs must carry inline data ({ values: [...] }); refusing to load "${uri}"`);
  };
  return {
    ...base,
    load: async (uri: string) => refuse(uri),
    sanitize: async (uri: string) => refuse(uri),
    http: async (uri: string) => refuse(uri),
    file: async (uri: string) => refuse(uri),
  };
}

/** Names of Vega data sets (top level or inside group marks) that would be loaded from a URL. */
function urlDataSets(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) urlDataSets(n, found);
  else if (node !== null && typeof node === "object") {
    const obj = node as Record<string, unknown>;
    if (Array.isArray(obj.data)) {
      for (const d of obj.data) if (d && typeof d === "object" && "url" in d) found.push(JSON.stringify((d as { url: unknown }).url));
    }
    if (Array.isArray(obj.marks)) urlDataSets(obj.marks, found);
  }
  return found;
}

/**
 * Renders a Vega-Lite spec to a standalone SVG string in Node: Vega-Lite compile -> Vega View with
 * renderer "none" -> view.toSVG(). No browser or canvas is needed (text widths are estimated).
 * Data must be inline (`data: { values }`); URLs are refused. Plots of SPEC.md §5 reports.
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec, where = "renderVegaLiteSvg"): Promise<string> {
  const vegaSpec = compileVegaLite(spec, where);
  const urls = urlDataSets(vegaSpec);
  if (urls.length) {
    throw new SparsekitError(`${where}: argument 'spec' must carry inline data ({ values: [...] }), got data from URL ${urls.join(", ")}.`);
  }
  // Vega logs data-loading failures and renders an empty chart; collect them and fail instead.
  const errors: string[] = [];
  const view = new View(parse(vegaSpec), { renderer: "none", loader: offlineLoader(), logger: makeLogger(where, errors) });
  try {
    const svg = await view.toSVG();
    if (errors.length) throw new SparsekitError(`${where}: rendering the spec failed: ${errors.join("; ")}`);
    return svg;
  } catch (e) {
    if (e instanceof SparsekitError) throw e;
    throw new SparsekitError(`${where}: rendering the spec failed: ${(e as Error).message}`);
  } finally {
    view.finalize();
  }
}

/** Renders `spec` (see renderVegaLiteSvg) and writes it to `file`, creating folders. Returns `file`. */
export async function writeVegaLiteSvg(spec: TopLevelSpec, file: string): Promise<string> {
  const svg = await renderVegaLiteSvg(spec, "writeVegaLiteSvg");
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, svg, "utf8");
  return file;
}
