import { describe, expect, it } from "vitest";
import { runCliForTest } from "../runCliForTest.js";

describe("sparsekit bench", () => {
  it("times the SAE step and says plainly when the PyTorch reference cannot run", async () => {
    const r = await runCliForTest([
      "--backend", "wasm", "bench", "--steps", "1", "--rounds", "1", "--warmup", "0", "--batch-size", "4",
      "--python", "/nonexistent/python3",
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/sparsekit wasm \(\d+ threads?\)\s+[\d.]+ ms/);
    expect(r.out).toMatch(/PyTorch reference skipped: .*nonexistent/);
  });
  it("prints the report as JSON", async () => {
    const r = await runCliForTest(["--backend", "cpu", "bench", "--steps", "1", "--rounds", "1", "--warmup", "0", "--batch-size", "2", "--no-reference", "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.config.batchSize).toBe(2);
    expect(report.sparsekit[0].backendName).toBe("cpu");
    expect(report.sparsekit[0].msPerStep).toBeGreaterThan(0);
    expect(report.pytorch.status).toBe("skipped");
  });
  it("rejects a bad step count with exit 2", async () => {
    const r = await runCliForTest(["bench", "--steps", "0"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--steps must be an integer >= 1/);
  });
});
