import { afterEach, describe, expect, it } from "vitest";
import { memoryStorage } from "../../src/io/memoryStorage.js";
import { nodeStorage } from "../../src/io/nodeStorage.js";
import { getStorage, hasStorage, setStorage } from "../../src/io/storage.js";

describe("storage", () => {
  afterEach(() => setStorage(nodeStorage));

  it("names the caller and the fix when none is installed", () => {
    setStorage(undefined);
    expect(hasStorage()).toBe(false);
    expect(() => getStorage("writeCheckpoint")).toThrow(/writeCheckpoint: no storage for file paths is installed\. In Node, import "sparsekit\/node"/);
  });

  it("returns the installed one", () => {
    const s = memoryStorage();
    setStorage(s);
    expect(getStorage("x")).toBe(s);
  });
});
