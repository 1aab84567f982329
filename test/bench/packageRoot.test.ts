import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot, referenceScriptPath } from "../../src/bench/packageRoot.js";

describe("packageRoot", () => {
  it("finds the sparsekit package folder and the shipped reference script", () => {
    const root = packageRoot();
    expect(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).name).toBe("sparsekit");
    expect(referenceScriptPath()).toBe(path.join(root, "bench", "reference", "sae_step.py"));
    expect(existsSync(referenceScriptPath())).toBe(true);
  });
});
