/**
 * One adjustable setting of a playground model: a number on a slider (linear or logarithmic) or a
 * choice from a list. `live` settings take effect at the next training step; the others rebuild
 * the model (a reset). Pure data: shared by the page, the URL codec and the config export.
 */
export type ParamSpec = NumberParam | ChoiceParam;

interface ParamBase {
  /** Key in the URL and in the settings object, e.g. "rho". */
  id: string;
  /** Label on the page, e.g. "ρ (target rate)". */
  label: string;
  /** One line shown under the control. */
  help: string;
  /** Takes effect at the next step (true) or on reset (false). */
  live: boolean;
}

export interface NumberParam extends ParamBase {
  kind: "number";
  min: number;
  max: number;
  default: number;
  /** "log": the slider moves in log10 steps (weights spanning decades). */
  scale: "linear" | "log";
  /** Linear scale: slider step; log scale: ignored (values are rounded to 3 significant digits). */
  step?: number;
  integer?: boolean;
}

export interface ChoiceParam extends ParamBase {
  kind: "choice";
  options: readonly { value: string; label: string }[];
  default: string;
}

export type ParamValue = number | string;
export type ParamValues = Record<string, ParamValue>;

/** Rounds to 3 significant digits (what a log slider shows and what goes into the URL). */
export function roundSignificant(v: number, digits = 3): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  return Number(v.toPrecision(digits));
}

/** Clamps and rounds a number to what the parameter accepts. */
export function clampNumber(p: NumberParam, v: number): number {
  if (!Number.isFinite(v)) return p.default;
  let x = Math.min(p.max, Math.max(p.min, v));
  if (p.integer) x = Math.round(x);
  else if (p.scale === "log") x = roundSignificant(x);
  else if (p.step) x = roundSignificant(Math.round(x / p.step) * p.step, 6);
  return x;
}

/** Slider position (0..1000) of a value, and back. */
export const SLIDER_STEPS = 1000;

export function toSlider(p: NumberParam, v: number): number {
  const t = p.scale === "log" ? Math.log(v / p.min) / Math.log(p.max / p.min) : (v - p.min) / (p.max - p.min);
  return Math.round(Math.min(1, Math.max(0, t)) * SLIDER_STEPS);
}

export function fromSlider(p: NumberParam, position: number): number {
  const t = position / SLIDER_STEPS;
  const v = p.scale === "log" ? p.min * Math.pow(p.max / p.min, t) : p.min + t * (p.max - p.min);
  return clampNumber(p, v);
}

/** Reads a value of this parameter from a string (URL), or undefined when it is not valid. */
export function parseParam(p: ParamSpec, raw: string): ParamValue | undefined {
  if (p.kind === "choice") return p.options.some((o) => o.value === raw) ? raw : undefined;
  const v = Number(raw);
  return raw.trim() !== "" && Number.isFinite(v) ? clampNumber(p, v) : undefined;
}

/** Display text of a value: compact exponent form for small/large numbers. */
export function formatValue(v: ParamValue): string {
  if (typeof v === "string") return v;
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(1).replace("e-", "e−") : String(roundSignificant(v));
}
