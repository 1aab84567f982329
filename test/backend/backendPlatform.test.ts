import { afterEach, describe, expect, it } from "vitest";
import { backendPlatform, isBrowser, platformCores, platformEnv, platformRuntime, setBackendPlatform } from "../../src/backend/backendPlatform.js";
import { nodeBackendPlatform } from "../../src/backend/nodeBackendPlatform.js";

describe("backend platform", () => {
  afterEach(() => setBackendPlatform(nodeBackendPlatform));

  it("answers with neutral defaults when nothing is installed", () => {
    setBackendPlatform({});
    expect(isBrowser()).toBe(false);
    expect(platformEnv()).toEqual({});
    expect(platformCores()).toBeGreaterThanOrEqual(1);
    expect(typeof platformRuntime().runtime).toBe("string");
  });

  it("uses the installed platform's answers", () => {
    setBackendPlatform({ cores: () => 7, env: () => ({ A: "1" }), runtime: () => ({ runtime: "r", platform: "p" }) });
    expect(platformCores()).toBe(7);
    expect(platformEnv()).toEqual({ A: "1" });
    expect(platformRuntime()).toEqual({ runtime: "r", platform: "p" });
    expect(backendPlatform().importNodeBackend).toBeUndefined();
  });
});
