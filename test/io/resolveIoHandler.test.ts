import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { resolveIoHandler } from "../../src/io/resolveIoHandler.js";

describe("resolveIoHandler", () => {
  it("passes handlers through, routes URLs through tfjs and plain paths to a directory handler", () => {
    const handler = tf.io.fromMemory({ modelTopology: {} });
    expect(resolveIoHandler(handler, "load", "t")).toBe(handler);
    expect(typeof resolveIoHandler("some/dir", "save", "t").save).toBe("function");
    expect(typeof resolveIoHandler("file:///tmp/x", "save", "t").save).toBe("function");
  });

  it("names the problem for bad targets", () => {
    expect(() => resolveIoHandler(42, "save", "M.save")).toThrow(/M.save: argument 'target' must be a directory path, a tfjs URL/);
    expect(() => resolveIoHandler("", "save", "M.save")).toThrow(/argument 'target'/);
    expect(() => resolveIoHandler("gopher://x", "load", "M.load")).toThrow(/M.load: no tfjs IO handler can load "gopher:\/\/x"/);
  });
});
