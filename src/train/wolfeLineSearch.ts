import { SparsekitError } from "../validation/SparsekitError.js";
import { assertKnownOptions, assertNumberOption } from "../validation/optionChecks.js";

/**
 * One evaluation of the line function phi(t) = f(x + t d): its value, its slope
 * phi'(t) = grad f(x + t d) . d, and whatever the caller wants back for the accepted step
 * (the minimiser keeps the full gradient there, so the accepted point is never re-evaluated).
 */
export interface LineSearchPoint<T> {
  value: number;
  slope: number;
  data: T;
}

export interface WolfeLineSearchOptions {
  /** Sufficient-decrease (Armijo) constant, 0 < c1 < c2. Default 1e-4. */
  c1?: number;
  /** Curvature constant, c1 < c2 < 1. Default 0.9 (the usual choice for quasi-Newton methods). */
  c2?: number;
  /** Most evaluations of phi this search may spend. Default 25 (as minFunc). */
  maxSteps?: number;
  /**
   * Absolute rounding noise eps of phi, >= 0. Default 0: exact strong Wolfe. When eps > 0, a value
   * within phi(0) + eps is not compared with other values (differences that small are rounding,
   * e.g. of a float32 loss); there the search decides by slopes, accepting Hager & Zhang's
   * approximate Wolfe conditions phi'(t) <= (1 - 2 c1) |phi'(0)| (which is the Armijo condition
   * for a quadratic) with |phi'(t)| <= c2 |phi'(0)|, and interpolating by the secant of phi'.
   */
  valueNoise?: number;
}

/**
 * - "wolfe": the step satisfies both strong Wolfe conditions (with valueNoise > 0, possibly in
 *   their approximate form, see WolfeLineSearchOptions.valueNoise);
 * - "decrease": the budget ran out, but the step returned satisfies sufficient decrease and has
 *   the lowest value seen (a usable step, as minFunc accepts it);
 * - "failed": no evaluated step improved on phi(0); `step` is 0 and `point` is null.
 */
export type LineSearchStatus = "wolfe" | "decrease" | "failed";

export interface WolfeLineSearchResult<T> {
  step: number;
  point: LineSearchPoint<T> | null;
  evaluations: number;
  status: LineSearchStatus;
}

const WHERE = "wolfeLineSearch";
const KNOWN = ["c1", "c2", "maxSteps", "valueNoise"] as const;

interface Trial<T> {
  t: number;
  value: number;
  slope: number;
  point: LineSearchPoint<T> | null; // null only for t = 0 (the caller already has that point)
}

/** Checks c1, c2 (0 < c1 < c2 < 1) and maxSteps, filling defaults; `where` names the caller. */
export function resolveWolfeOptions(
  options: WolfeLineSearchOptions | undefined,
  where: string,
  prefix = "",
): Required<Omit<WolfeLineSearchOptions, "valueNoise">> {
  assertKnownOptions(options, where, KNOWN);
  const c1 = options?.c1 ?? 1e-4;
  const c2 = options?.c2 ?? 0.9;
  const maxSteps = options?.maxSteps ?? 25;
  assertNumberOption(c1, where, `${prefix}c1`, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  assertNumberOption(c2, where, `${prefix}c2`, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  if (c1 >= c2) {
    throw new SparsekitError(
      `${where}: options '${prefix}c1' and '${prefix}c2' must satisfy 0 < c1 < c2 < 1, got c1 = ${c1}, c2 = ${c2}.`,
    );
  }
  assertNumberOption(maxSteps, where, `${prefix}maxSteps`, { min: 1, integer: true });
  return { c1, c2, maxSteps };
}

/**
 * Minimiser of the cubic through (t1, f1, g1) and (t2, f2, g2) (Nocedal & Wright eq. 3.59),
 * clamped to [lo, hi]; `fallback` when the cubic has no finite minimiser.
 */
export function cubicMinimizer(
  t1: number,
  f1: number,
  g1: number,
  t2: number,
  f2: number,
  g2: number,
  lo: number,
  hi: number,
  fallback: number,
): number {
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (t1 - t2);
  const disc = d1 * d1 - g1 * g2;
  if (!(disc >= 0)) return fallback;
  const d2 = Math.sign(t2 - t1) * Math.sqrt(disc);
  const t = t2 - ((t2 - t1) * (g2 + d2 - d1)) / (g2 - g1 + 2 * d2);
  if (!Number.isFinite(t)) return fallback;
  return Math.min(Math.max(t, lo), hi);
}

/**
 * Minimiser of the quadratic whose derivative is the secant through (t1, g1) and (t2, g2),
 * clamped to [lo, hi]; `fallback` when the slopes do not increase (no minimiser).
 */
function secantMinimizer(t1: number, g1: number, t2: number, g2: number, lo: number, hi: number, fallback: number): number {
  const t = t1 - (g1 * (t2 - t1)) / (g2 - g1);
  if (!((g2 - g1) / (t2 - t1) > 0) || !Number.isFinite(t)) return fallback;
  return Math.min(Math.max(t, lo), hi);
}

function finite<T>(p: LineSearchPoint<T>): boolean {
  return Number.isFinite(p.value) && Number.isFinite(p.slope);
}

/**
 * Strong-Wolfe line search (Nocedal & Wright 2006, Alg. 3.5 bracketing + Alg. 3.6 zoom, with
 * cubic interpolation and the safeguards of Schmidt's minFunc `WolfeLineSearch`, which the
 * classic UFLDL sparse autoencoder used; SPEC.md §1.2).
 *
 * Finds t > 0 with
 *   phi(t) <= phi(0) + c1 t phi'(0)         (sufficient decrease)
 *   |phi'(t)| <= c2 |phi'(0)|                (strong curvature).
 * Bracketing extrapolates by cubic interpolation within [t + 0.01 (t - t_prev), 10 t]; zoom
 * interpolates inside the bracket and falls back to a point 10% inside it when the cubic makes
 * too little progress. A non-finite phi(t) or phi'(t) is treated as "too far": the search
 * backtracks (halves towards the last finite step) and never extrapolates past it again.
 * With `valueNoise` > 0, values that close to phi(0) are judged by slopes (Hager & Zhang 2005,
 * approximate Wolfe conditions), so a float32 loss near a minimum does not stall the search.
 *
 * @param phi evaluates the line function at t (each call counts against `maxSteps`).
 * @param start phi(0) and phi'(0); phi'(0) must be < 0 (a descent direction).
 * @param initialStep first trial step, > 0 (1 for quasi-Newton directions).
 * @returns the step, its point (with the caller's data), evaluations spent and a status.
 */
export function wolfeLineSearch<T>(
  phi: (t: number) => LineSearchPoint<T>,
  start: { value: number; slope: number },
  initialStep: number,
  options?: WolfeLineSearchOptions,
): WolfeLineSearchResult<T> {
  if (typeof phi !== "function") {
    throw new SparsekitError(`${WHERE}: argument 'phi' must be a function t => { value, slope, data }, got ${typeof phi}.`);
  }
  const { c1, c2, maxSteps } = resolveWolfeOptions(options, WHERE);
  const eps = options?.valueNoise ?? 0;
  assertNumberOption(eps, WHERE, "valueNoise", { min: 0 });
  const f0 = start?.value;
  const g0 = start?.slope;
  if (typeof f0 !== "number" || !Number.isFinite(f0)) {
    throw new SparsekitError(`${WHERE}: argument 'start.value' must be a finite number, got ${String(f0)}.`);
  }
  if (typeof g0 !== "number" || !Number.isFinite(g0) || g0 >= 0) {
    throw new SparsekitError(
      `${WHERE}: argument 'start.slope' must be a finite negative number (a descent direction), got ${String(g0)}.`,
    );
  }
  if (typeof initialStep !== "number" || !Number.isFinite(initialStep) || initialStep <= 0) {
    throw new SparsekitError(`${WHERE}: argument 'initialStep' must be a finite number > 0, got ${String(initialStep)}.`);
  }

  let evaluations = 0;
  // Values within the noise band above phi(0) carry no usable differences: decide by slopes there.
  const noisy = (v: number): boolean => eps > 0 && v <= f0 + eps;
  const decrease = (t: number, v: number, s: number): boolean =>
    v <= f0 + c1 * t * g0 || (noisy(v) && s <= -(1 - 2 * c1) * g0);
  const higher = (v: number, ref: number): boolean => v >= ref && !(noisy(v) && noisy(ref));
  const interpolate = (p: Trial<T>, q: Trial<T>, lo: number, hi: number, fallback: number): number =>
    noisy(p.value) && noisy(q.value)
      ? secantMinimizer(p.t, p.slope, q.t, q.slope, lo, hi, fallback)
      : cubicMinimizer(p.t, p.value, p.slope, q.t, q.value, q.slope, lo, hi, fallback);
  const curvature = (s: number): boolean => Math.abs(s) <= -c2 * g0;
  const done = (trial: Trial<T>, status: LineSearchStatus): WolfeLineSearchResult<T> =>
    trial.point === null || trial.t <= 0
      ? { step: 0, point: null, evaluations, status: "failed" }
      : { step: trial.t, point: trial.point, evaluations, status };

  // ---- Bracketing (Alg. 3.5) ----
  let prev: Trial<T> = { t: 0, value: f0, slope: g0, point: null };
  let tBad = Infinity; // smallest step known to give a non-finite value
  let t = initialStep;
  let finiteTrials = 0;
  let lo: Trial<T> | null = null;
  let hi: Trial<T> | null = null;
  while (evaluations < maxSteps) {
    const p = phi(t);
    evaluations++;
    if (!finite(p)) {
      tBad = Math.min(tBad, t);
      t = prev.t + 0.5 * (t - prev.t);
      if (!(t > prev.t) || t - prev.t <= 1e-16 * Math.max(1, prev.t)) break;
      continue;
    }
    finiteTrials++;
    const cur: Trial<T> = { t, value: p.value, slope: p.slope, point: p };
    if (!decrease(t, p.value, p.slope) || (finiteTrials > 1 && higher(p.value, prev.value))) {
      lo = prev;
      hi = cur;
      break;
    }
    if (curvature(p.slope)) return done(cur, "wolfe");
    if (p.slope >= 0) {
      lo = cur;
      hi = prev;
      break;
    }
    // Extrapolate: the minimum lies beyond t.
    const minStep = t + 0.01 * (t - prev.t);
    const maxStep = Number.isFinite(tBad) ? t + 0.5 * (tBad - t) : 10 * t;
    const next = interpolate(prev, cur, minStep, maxStep, maxStep);
    prev = cur;
    t = next;
  }
  if (lo === null || hi === null) {
    // Budget spent while still extrapolating (or backtracking): prev is the best Armijo point.
    return done(prev, "decrease");
  }

  // ---- Zoom (Alg. 3.6): invariant lo satisfies Armijo, has the lowest value, and
  // lo.slope * (hi.t - lo.t) < 0, so a Wolfe point lies between lo and hi. ----
  let insufficientProgress = false;
  while (evaluations < maxSteps) {
    const a = Math.min(lo.t, hi.t);
    const b = Math.max(lo.t, hi.t);
    const width = b - a;
    if (width <= 1e-14 * Math.max(1, b)) break; // bracket has collapsed to rounding level
    // Noise-level values made this bracket (slopes have one sign across it, so phi' cannot
    // locate a Wolfe point inside) and values can no longer tell its points apart: keep lo.
    if (eps > 0 && lo.t > 0 && lo.slope * hi.slope > 0 && width * Math.abs(lo.slope) <= eps) break;
    let tz =
      Number.isFinite(hi.value) && Number.isFinite(hi.slope)
        ? interpolate(lo, hi, a, b, a + 0.5 * width)
        : a + 0.5 * width;
    // minFunc's safeguard: keep trials away from the bracket ends.
    if (Math.min(b - tz, tz - a) / width < 0.1) {
      if (insufficientProgress || tz >= b || tz <= a) {
        tz = Math.abs(tz - b) < Math.abs(tz - a) ? b - 0.1 * width : a + 0.1 * width;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    const p = phi(tz);
    evaluations++;
    const cur: Trial<T> = { t: tz, value: p.value, slope: p.slope, point: p };
    if (!finite(p) || !decrease(tz, p.value, p.slope) || higher(p.value, lo.value)) {
      hi = cur;
    } else {
      if (curvature(p.slope)) return done(cur, "wolfe");
      if (p.slope * (hi.t - lo.t) >= 0) hi = lo;
      lo = cur;
    }
  }
  return done(lo, "decrease");
}
