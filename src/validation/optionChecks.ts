import { SparsekitError } from "./SparsekitError.js";

function describe(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : String(v);
}

/** Rejects option keys the function does not know (catches typos such as `{ roh: 0.05 }`). */
export function assertKnownOptions(opts: object | undefined, where: string, known: readonly string[]): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== "object") {
    throw new SparsekitError(`${where}: options must be an object, got ${describe(opts)}.`);
  }
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) {
      throw new SparsekitError(
        `${where}: unknown option '${key}'; known options: ${known.length ? known.join(", ") : "(none)"}.`,
      );
    }
  }
}

export function assertNumberOption(
  value: unknown,
  where: string,
  name: string,
  check: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean; integer?: boolean } = {},
): asserts value is number {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!check.integer || Number.isInteger(value)) &&
    (check.min === undefined || (check.exclusiveMin ? value > check.min : value >= check.min)) &&
    (check.max === undefined || (check.exclusiveMax ? value < check.max : value <= check.max));
  if (!ok) {
    const parts: string[] = [check.integer ? "an integer" : "a finite number"];
    if (check.min !== undefined) parts.push(`${check.exclusiveMin ? ">" : ">="} ${check.min}`);
    if (check.max !== undefined) parts.push(`${check.exclusiveMax ? "<" : "<="} ${check.max}`);
    throw new SparsekitError(`${where}: option '${name}' must be ${parts.join(", ")}, got ${describe(value)}.`);
  }
}

export function assertEnumOption<T extends string>(
  value: unknown,
  where: string,
  name: string,
  allowed: readonly T[],
): asserts value is T {
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new SparsekitError(
      `${where}: option '${name}' must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describe(value)}.`,
    );
  }
}

export function assertBooleanOption(value: unknown, where: string, name: string): asserts value is boolean {
  if (typeof value !== "boolean") {
    throw new SparsekitError(`${where}: option '${name}' must be true or false, got ${describe(value)}.`);
  }
}
