import { describe, expect, it } from "vitest";
import { backendPlatform } from "../src/backend/backendPlatform.js";
import { getStorage, setStorage } from "../src/io/storage.js";
import { installNodePlatform } from "../src/nodePlatform.js";

describe("installNodePlatform", () => {
  it("installs file storage and the Node backend answers, idempotently", () => {
    setStorage(undefined);
    installNodePlatform();
    installNodePlatform();
    expect(getStorage("t").name).toBe("file system");
    expect(typeof backendPlatform().wasmPaths).toBe("function");
  });
});
