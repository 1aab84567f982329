import { UsageError } from "./UsageError.js";

/** A rectangular nested array of finite numbers, flattened, with its shape. */
export interface NumericArray {
  values: number[];
  shape: number[];
}

/**
 * Flattens a JSON value such as [[0.1, 0.2], [0.3, 0.4]] and checks that it is rectangular and
 * numeric, so a user's typo is reported by position instead of as a tfjs shape error.
 */
export function parseNumericArray(value: unknown, what: string): NumericArray {
  if (!Array.isArray(value)) throw new UsageError(`${what} must be a JSON array of numbers (e.g. [[0.1, 0.2], [0.3, 0.4]])`);
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const values: number[] = [];
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== "number") throw new UsageError(`${what}${path} must be a number, got ${JSON.stringify(node)}`);
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      const got = Array.isArray(node) ? `length ${node.length}` : JSON.stringify(node);
      throw new UsageError(`${what}${path} must be an array of length ${shape[depth]} (rows must all have the same length), got ${got}`);
    }
    node.forEach((child, i) => walk(child, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, "");
  return { values, shape };
}

/** Inverse of parseNumericArray: nests a flat array back into the given shape. */
export function nestArray(values: ArrayLike<number>, shape: readonly number[]): unknown {
  if (shape.length === 0) return values[0];
  const build = (offset: number, depth: number): unknown => {
    const n = shape[depth];
    if (depth === shape.length - 1) return Array.from({ length: n }, (_, i) => values[offset + i]);
    const stride = shape.slice(depth + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => build(offset + i * stride, depth + 1));
  };
  return build(0, 0);
}
