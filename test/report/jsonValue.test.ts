import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeNonFinite, encodeNonFinite, toPlainValue, type PlainValue } from "../../src/report/jsonValue.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

/** JSON text round trip as report.json does it. */
function roundTrip(v: PlainValue): unknown {
  const enc = encodeNonFinite(v);
  return decodeNonFinite(JSON.parse(JSON.stringify(enc.value)) as PlainValue, enc.pointers);
}

describe("toPlainValue", () => {
  it("copies plain data, typed arrays and dates, dropping undefined object keys", () => {
    const src = { a: 1, b: [1, "x", null, true], c: { d: new Float32Array([0.5, -2]) }, e: undefined, t: new Date(0) };
    const out = toPlainValue(src, "f", "x");
    expect(out).toEqual({ a: 1, b: [1, "x", null, true], c: { d: [0.5, -2] }, t: "1970-01-01T00:00:00.000Z" });
    src.b.push(5);
    expect((out as { b: unknown[] }).b).toHaveLength(4);
  });
  it("keeps NaN and infinities as numbers and turns -0 into 0", () => {
    expect(toPlainValue([NaN, Infinity, -Infinity, -0], "f", "x")).toEqual([NaN, Infinity, -Infinity, 0]);
    expect(Object.is((toPlainValue([-0], "f", "x") as number[])[0], 0)).toBe(true);
  });
  it("rejects what JSON cannot hold, naming the path", () => {
    const t = tf.tensor([1, 2]);
    expect(() => toPlainValue({ w: t }, "setMetrics", "metrics")).toThrow(/setMetrics: argument 'metrics'.*at \/w got a tf\.Tensor/);
    t.dispose();
    expect(() => toPlainValue({ a: [1, undefined] }, "f", "x")).toThrow(/at \/a\/1 got undefined/);
    expect(() => toPlainValue({ n: 10n }, "f", "x")).toThrow(/bigint/);
    expect(() => toPlainValue({ m: new Map() }, "f", "x")).toThrow(/Map/);
    expect(() => toPlainValue(() => 1, "f", "x")).toThrow(SparsekitError);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => toPlainValue(cyc, "f", "x")).toThrow(/circular/);
  });
  it("allows shared (non-circular) references", () => {
    const shared = { v: 1 };
    expect(toPlainValue({ a: shared, b: shared }, "f", "x")).toEqual({ a: { v: 1 }, b: { v: 1 } });
  });
});

describe("encodeNonFinite / decodeNonFinite", () => {
  it("writes tokens and RFC 6901 pointers, escaping ~ and /", () => {
    const enc = encodeNonFinite({ "a/b": [1, NaN], "c~d": { e: -Infinity }, f: Infinity, s: "NaN" });
    expect(enc.value).toEqual({ "a/b": [1, "NaN"], "c~d": { e: "-Infinity" }, f: "Infinity", s: "NaN" });
    expect(enc.pointers).toEqual(["/a~1b/1", "/c~0d/e", "/f"]);
  });
  it("round-trips through JSON text, leaving a genuine string 'NaN' alone", () => {
    const v: PlainValue = { loss: [0.5, NaN, Infinity], m: { x: -Infinity, s: "NaN" }, top: 3 };
    expect(roundTrip(v)).toEqual(v);
    expect((roundTrip(v) as { m: { s: unknown } }).m.s).toBe("NaN");
  });
  it("round-trips any JSON data with any doubles (property test)", () => {
    const withDoubles = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.double(),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie("value"), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(withDoubles, (raw) => {
        const plain = toPlainValue(raw, "test", "raw");
        expect(roundTrip(plain)).toEqual(plain);
      }),
      { numRuns: 300 },
    );
  });
  it("refuses pointers that do not hold a token", () => {
    expect(() => decodeNonFinite({ a: 1 }, ["/a"])).toThrow(/pointer "\/a" must hold one of/);
    expect(() => decodeNonFinite({ a: "NaN" }, ["/b"])).toThrow(SparsekitError);
    expect(() => decodeNonFinite({ a: "NaN" }, ["a"])).toThrow(/must start with "\/"/);
  });
});
