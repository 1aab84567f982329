import { describe, expect, it } from "vitest";
import { runSweepWorker } from "../../src/sweep/worker.js";

describe("runSweepWorker", () => {
  it("needs the local executor's IPC channel (it is exercised end to end in localExecutor.test.ts)", async () => {
    const send = process.send;
    process.send = undefined;
    try {
      await expect(runSweepWorker("/nonexistent", () => undefined)).rejects.toThrow(/IPC channel/);
    } finally {
      process.send = send;
    }
  });
});
