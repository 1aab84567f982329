import { describe, expect, it } from "vitest";
import * as verify from "../../src/verify/index.js";

describe("verify barrel", () => {
  it("exports the gradient checker by name", () => {
    expect(typeof verify.checkGradient).toBe("function");
    expect(typeof verify.finiteDifferenceGradient).toBe("function");
  });
});
