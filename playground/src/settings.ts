import { isModelId, modelSpec, type ModelId } from "./catalog.js";
import { parseParam, type ParamValues } from "./params.js";

export const BACKEND_CHOICES = ["auto", "webgl", "wasm", "cpu"] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Everything that defines a playground run; the URL holds exactly this. */
export interface Settings {
  model: ModelId;
  /** Values of the model's parameters (every parameter of the model, no others). */
  values: ParamValues;
  /** Seed of the initial weights and of the batch order. */
  seed: number;
  backend: BackendChoice;
}

export const DEFAULT_MODEL: ModelId = "sae-patches";

/** The model's defaults. */
export function defaultValues(model: ModelId): ParamValues {
  return Object.fromEntries(modelSpec(model).params.map((p) => [p.id, p.default]));
}

export function defaultSettings(model: ModelId = DEFAULT_MODEL): Settings {
  return { model, values: defaultValues(model), seed: 0, backend: "auto" };
}

/**
 * Reads settings from URL parameters (query and/or hash, `key=value&...`); unknown keys and
 * invalid values fall back to the defaults (a hand-edited link never breaks the page).
 */
export function settingsFromParams(params: URLSearchParams): Settings {
  const m = params.get("model") ?? "";
  const s = defaultSettings(isModelId(m) ? m : DEFAULT_MODEL);
  for (const p of modelSpec(s.model).params) {
    const raw = params.get(p.id);
    if (raw === null) continue;
    const v = parseParam(p, raw);
    if (v !== undefined) s.values[p.id] = v;
  }
  const seed = Number(params.get("seed"));
  if (params.has("seed") && Number.isSafeInteger(seed) && seed >= 0) s.seed = seed;
  const b = params.get("backend") ?? "";
  if ((BACKEND_CHOICES as readonly string[]).includes(b)) s.backend = b as BackendChoice;
  return s;
}

/** The URL parameters of a setting (model first, then its parameters in catalog order). */
export function settingsToParams(s: Settings): URLSearchParams {
  const out = new URLSearchParams();
  out.set("model", s.model);
  for (const p of modelSpec(s.model).params) out.set(p.id, String(s.values[p.id] ?? p.default));
  out.set("seed", String(s.seed));
  if (s.backend !== "auto") out.set("backend", s.backend);
  return out;
}

/** Settings of a page URL: the query string, overridden by `#key=value&...` in the hash. */
export function settingsFromUrl(url: string): Settings {
  const u = new URL(url);
  const merged = new URLSearchParams(u.search);
  const hash = u.hash.replace(/^#/, "");
  if (hash.includes("=")) for (const [k, v] of new URLSearchParams(hash)) merged.set(k, v);
  return settingsFromParams(merged);
}

/** Number value of a parameter (throws if the parameter is a choice: a catalog bug). */
export function numberValue(values: ParamValues, id: string): number {
  const v = values[id];
  if (typeof v !== "number") throw new Error(`playground: parameter '${id}' is not a number (${String(v)})`);
  return v;
}

export function choiceValue(values: ParamValues, id: string): string {
  const v = values[id];
  if (typeof v !== "string") throw new Error(`playground: parameter '${id}' is not a choice (${String(v)})`);
  return v;
}
