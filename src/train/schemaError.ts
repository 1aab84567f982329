import type { z } from "zod";
import { SparsekitError } from "../validation/SparsekitError.js";

/**
 * Parses `value` with a zod schema; on failure throws a SparsekitError naming the function, the
 * argument and every failing field ("fitSparse: argument 'penalties' is invalid: [0].weight:
 * Too small: expected number to be >=0").
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string, arg: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const p = issue.path
      .map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`))
      .join("")
      .replace(/^\./, "");
    return p ? `${p}: ${issue.message}` : issue.message;
  });
  throw new SparsekitError(`${where}: argument '${arg}' is invalid: ${issues.join("; ")}.`);
}
