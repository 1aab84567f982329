import { describe, expect, it } from "vitest";
import { runCliForTest } from "../runCliForTest.js";

describe("sparsekit info", () => {
  it("prints backend, threads and versions as JSON", async () => {
    const r = await runCliForTest(["--backend", "cpu", "info", "--json"]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out);
    expect(info.backend).toBe("cpu");
    expect(info.threads).toBe(1);
    expect(info.tfjsVersion).toBe("4.22.0");
    expect(info.runtime).toBe(`node ${process.versions.node}`);
    expect(typeof info.sparsekit).toBe("string");
  });
  it("prints a readable table by default on the wasm backend", async () => {
    const r = await runCliForTest(["--backend", "wasm", "info"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^backend\s+wasm$/m);
    expect(r.out).toMatch(/^threads\s+\d+$/m);
  });
});
