import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot, packageVersion } from "../../src/io/packageRoot.js";

describe("packageRoot", () => {
  it("finds the sparsekit package folder and reads its version", () => {
    const root = packageRoot();
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; version: string };
    expect(pkg.name).toBe("sparsekit");
    expect(packageVersion()).toBe(pkg.version);
  });
});
