import { describe, expect, it } from "vitest";
import { safeFileStem } from "../../src/report/safeFileStem.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";

describe("safeFileStem", () => {
  it("keeps lower-case ASCII letters, digits and single hyphens", () => {
    expect(safeFileStem("Loss curves (log-y)")).toBe("loss-curves-log-y");
    expect(safeFileStem("../../etc/passwd")).toBe("etc-passwd");
    expect(safeFileStem("Égalité — λ=1e-4")).toBe("egalite-1e-4");
  });
  it("limits the length without a trailing hyphen", () => {
    const s = safeFileStem(`${"a".repeat(47)} b c`);
    expect(s.length).toBeLessThanOrEqual(48);
    expect(s.endsWith("-")).toBe(false);
  });
  it("rejects names with nothing usable", () => {
    expect(() => safeFileStem("???", "addPlot")).toThrow(/addPlot: argument 'name' must contain at least one ASCII letter/);
    expect(() => safeFileStem("")).toThrow(SparsekitError);
  });
});
