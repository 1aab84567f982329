import * as tf from "@tensorflow/tfjs";
import { describe, expect, it, vi } from "vitest";
import { quietCpuBanner } from "../../src/backend/quietCpuBanner.js";

describe("quietCpuBanner", () => {
  it("stops the cpu backend's install-tfjs-node banner and nothing else", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      quietCpuBanner();
      await tf.setBackend("cpu");
      tf.tensor([1, 2, 3]).dispose(); // the first write is what prints the banner
      expect(warn.mock.calls.flat().join(" ")).not.toMatch(/running TensorFlow\.js in Node\.js/);
      // other tfjs warnings still reach the console
      tf.backend_util.warn("a real warning");
      expect(warn).toHaveBeenCalledWith("a real warning");
    } finally {
      warn.mockRestore();
    }
  });
});
