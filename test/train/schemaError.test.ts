import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseWith } from "../../src/train/schemaError.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

describe("parseWith", () => {
  const schema = z.array(z.strictObject({ a: z.number().min(0), b: z.string() }));

  it("returns the parsed value", () => {
    expect(parseWith(schema, [{ a: 1, b: "x" }], "f", "arg")).toEqual([{ a: 1, b: "x" }]);
  });

  it("throws a SparsekitError naming the function, the argument and every failing path", () => {
    let err: unknown;
    try {
      parseWith(schema, [{ a: -1, b: "x" }, { a: 2 }], "fitSparse", "penalties");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SparsekitError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^fitSparse: argument 'penalties' is invalid: /);
    expect(msg).toMatch(/\[0\]\.a: .*>=0/);
    expect(msg).toMatch(/\[1\]\.b: /);
    expect(() => parseWith(schema, "nope", "f", "arg")).toThrow(/f: argument 'arg' is invalid: .*expected array/);
  });
});
