import * as tf from "@tensorflow/tfjs";
import { SparsekitError } from "../validation/index.js";
import { assertEnumOption, assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";
import { patchWasmBackend } from "./patchWasmBackend.js";
import { quietCpuBanner } from "./quietCpuBanner.js";
import { backendPlatform, isBrowser, platformEnv } from "./backendPlatform.js";

/** What sparsekit needs from the tfjs-backend-wasm module object (injectable for tests). */
export interface WasmModuleLike {
  setWasmPaths(prefixOrFileMap: string, usePlatformFetch?: boolean): void;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** The backends sparsekit can run on, fastest first ("node" only in Node, "webgl" only in a browser). */
export const BACKEND_NAMES = ["node", "webgl", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendRequest = "auto" | BackendName;
export const BACKEND_REQUESTS: readonly BackendRequest[] = ["auto", ...BACKEND_NAMES];

/** Name under which each backend registers itself with tfjs. */
export const TFJS_BACKEND_NAME: Record<BackendName, string> = { node: "tensorflow", webgl: "webgl", wasm: "wasm", cpu: "cpu" };

/** The order "auto" tries: Node: tfjs-node, wasm, cpu; browser: webgl, wasm, cpu. */
export function autoBackendOrder(browser = isBrowser()): BackendName[] {
  return browser ? ["webgl", "wasm", "cpu"] : ["node", "wasm", "cpu"];
}

export const NODE_PACKAGE = "@tensorflow/tfjs-node";
export const WASM_PACKAGE = "@tensorflow/tfjs-backend-wasm";
export const BACKEND_ENV_VAR = "SPARSEKIT_BACKEND";

export interface InitBackendOptions {
  /**
   * "auto" (default). In Node: tfjs-node if installed, else wasm, else the pure-JS cpu backend;
   * in a browser: webgl, else wasm, else cpu.
   */
  backend?: BackendRequest;
  /**
   * Where the wasm backend fetches its `.wasm` binaries (folder or URL prefix ending in "/").
   * Default in Node (through sparsekit/node): the installed package's folder; in a browser:
   * tfjs's default (next to the script), so a bundled page usually passes its asset URL here.
   */
  wasmPaths?: string;
  /**
   * Thread count for the wasm backend's XNNPACK pool (integer >= 1). tfjs 4.22 disables wasm
   * threads in Node, so the pool has 1 thread whatever is asked; the result's `notes` say so.
   * Ignored by the cpu backend (single-threaded JS) and tfjs-node (TensorFlow's own pool).
   */
  threads?: number;
}

export interface InitBackendResult {
  /** The backend now active. */
  backend: BackendName;
  /** What was asked for, and where the request came from. */
  requested: BackendRequest;
  source: "option" | "env" | "default";
  /** Backends tried before this one in "auto" mode, with why each was skipped. */
  skipped: { backend: BackendName; reason: string }[];
  /** Human-readable remarks (e.g. a thread request that could not be honoured). */
  notes: string[];
}

/** How initBackend loads optional packages; injectable so tests can fake their presence. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

export interface BackendDeps {
  importModule: ModuleImporter;
  env: Record<string, string | undefined>;
}

/** Literal imports, so bundlers include the wasm backend; tfjs-node comes from the platform (Node only). */
function importBackendModule(specifier: string): Promise<unknown> {
  if (specifier === WASM_PACKAGE) return import("@tensorflow/tfjs-backend-wasm");
  const importNode = backendPlatform().importNodeBackend;
  if (specifier === NODE_PACKAGE && importNode) return importNode();
  return Promise.reject(new Error(specifier === NODE_PACKAGE ? 'tfjs-node is only available in Node through "sparsekit/node"' : `unknown backend package ${specifier}`));
}

export const defaultBackendDeps: BackendDeps = {
  importModule: importBackendModule,
  get env() {
    return platformEnv();
  },
};

const WHERE = "initBackend";

function describeError(e: unknown): string {
  if (e instanceof Error) return e.message.split("\n")[0] ?? e.message;
  if (e && typeof e === "object" && "message" in e) return String((e as { message: unknown }).message);
  return String(e);
}

function resolveRequest(options: InitBackendOptions, env: BackendDeps["env"]): Pick<InitBackendResult, "requested" | "source"> {
  if (options.backend !== undefined) {
    assertEnumOption(options.backend, WHERE, "backend", BACKEND_REQUESTS);
    return { requested: options.backend, source: "option" };
  }
  const raw = env[BACKEND_ENV_VAR];
  if (raw !== undefined && raw.trim() !== "") {
    const value = raw.trim().toLowerCase();
    if (!(BACKEND_REQUESTS as readonly string[]).includes(value)) {
      throw new SparsekitError(
        `${WHERE}: environment variable ${BACKEND_ENV_VAR} must be one of ${BACKEND_REQUESTS.map((b) => `"${b}"`).join(", ")}, got "${raw}".`,
      );
    }
    return { requested: value as BackendRequest, source: "env" };
  }
  return { requested: "auto", source: "default" };
}

async function setTfBackend(name: BackendName): Promise<void> {
  const tfName = TFJS_BACKEND_NAME[name];
  if (!tf.engine().registryFactory[tfName]) {
    throw new Error(`the package loaded but registered no '${tfName}' backend with this copy of tfjs`);
  }
  // tf.setBackend resolves false (after logging) when the backend's initialisation fails.
  if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend("${tfName}") failed to initialise it`);
  await tf.ready();
}

function isWasmModule(mod: unknown): mod is WasmModuleLike {
  const m = mod as Partial<WasmModuleLike> | null;
  return !!m && typeof m.setWasmPaths === "function" && typeof m.setThreadsCount === "function";
}

let loadedWasmModule: WasmModuleLike | undefined;

/** The tfjs-backend-wasm module initBackend loaded, if any (for backendInfo). */
export function loadedWasm(): WasmModuleLike | undefined {
  return loadedWasmModule;
}

const configuredWasm = new WeakSet<object>();

async function activate(name: BackendName, options: InitBackendOptions, deps: BackendDeps, notes: string[]): Promise<void> {
  const threads = options.threads;
  if (name === "node") {
    await deps.importModule(NODE_PACKAGE);
    await setTfBackend("node");
    if (threads !== undefined) notes.push("threads is ignored by tfjs-node (TensorFlow sizes its own thread pool).");
    return;
  }
  if (name === "wasm") {
    const mod = await deps.importModule(WASM_PACKAGE);
    if (!isWasmModule(mod)) throw new Error(`${WASM_PACKAGE} does not export setWasmPaths/setThreadsCount`);
    // Must happen before the first tf.setBackend("wasm"); tfjs ignores it afterwards.
    const paths = options.wasmPaths ?? backendPlatform().wasmPaths?.();
    if (paths !== undefined && !configuredWasm.has(mod)) {
      mod.setWasmPaths(paths);
      configuredWasm.add(mod);
    }
    if (threads !== undefined) mod.setThreadsCount(threads);
    patchWasmBackend();
    await setTfBackend("wasm");
    loadedWasmModule = mod;
    const actual = mod.getThreadsCount();
    if (threads !== undefined && actual !== threads) {
      notes.push(
        `wasm runs ${actual} thread(s), not the ${threads} requested: tfjs 4.22 disables wasm multithreading in Node.`,
      );
    }
    return;
  }
  if (name === "webgl") {
    if (!isBrowser()) throw new Error("WebGL needs a browser (in Node use wasm or cpu)");
    await setTfBackend("webgl");
    return;
  }
  await setTfBackend("cpu");
  if (threads !== undefined && threads !== 1) notes.push("threads is ignored by the cpu backend (single-threaded JavaScript).");
}

function explicitFailure(name: BackendName, reason: string): SparsekitError {
  if (name === "node") {
    return new SparsekitError(
      `${WHERE}: backend "node" needs the optional package ${NODE_PACKAGE}, which could not be loaded (${reason}). ` +
        `Install it with \`npm install ${NODE_PACKAGE}@4.22.0\` (needs a platform with TensorFlow C binaries), ` +
        `or use backend "auto", "wasm" or "cpu".`,
    );
  }
  return new SparsekitError(`${WHERE}: backend "${name}" could not be initialised (${reason}). Try backend "auto" or "cpu".`);
}

/**
 * Selects and activates the tfjs backend for sparsekit.
 *
 * Order of precedence: `options.backend`, then the SPARSEKIT_BACKEND environment variable, then
 * "auto". In Node "auto" tries `@tensorflow/tfjs-node` (optional peer dependency, loaded through
 * `sparsekit/node`; a failed import falls through silently), then `@tensorflow/tfjs-backend-wasm`
 * (binaries located from the installed package, sparsekit's kernel fixes applied — see
 * patchWasmBackend), then the pure-JS cpu backend; in a browser webgl, wasm, cpu. An explicit backend that cannot start throws a SparsekitError (for
 * "node": how to install it). Safe to call again to switch backends.
 *
 * @param options `{ backend?: "auto" | "node" | "webgl" | "wasm" | "cpu", threads?: integer >= 1, wasmPaths?: string }`
 * @param deps injectable module importer and environment (tests); defaults to the real ones.
 */
export async function initBackend(
  options: InitBackendOptions = {},
  deps: BackendDeps = defaultBackendDeps,
): Promise<InitBackendResult> {
  assertKnownOptions(options, WHERE, ["backend", "threads", "wasmPaths"]);
  if (options.wasmPaths !== undefined && (typeof options.wasmPaths !== "string" || options.wasmPaths === "")) {
    throw new SparsekitError(`${WHERE}: option 'wasmPaths' must be a non-empty folder or URL prefix, got ${JSON.stringify(options.wasmPaths)}.`);
  }
  if (options.threads !== undefined) {
    assertNumberOption(options.threads, WHERE, "threads", { integer: true, min: 1, max: 256 });
  }
  const { requested, source } = resolveRequest(options, deps.env);
  quietCpuBanner();

  const candidates: readonly BackendName[] = requested === "auto" ? autoBackendOrder() : [requested];
  const skipped: InitBackendResult["skipped"] = [];
  for (const name of candidates) {
    const notes: string[] = [];
    try {
      await activate(name, options, deps, notes);
      return { backend: name, requested, source, skipped, notes };
    } catch (e) {
      if (e instanceof SparsekitError) throw e;
      if (requested !== "auto") throw explicitFailure(name, describeError(e));
      skipped.push({ backend: name, reason: describeError(e) });
    }
  }
  throw new SparsekitError(
    `${WHERE}: no backend could be initialised: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ")}.`,
  );
}
