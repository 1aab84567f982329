import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dirnamePosix, joinPosix, normalizePosix, resolvePosix } from "../../src/io/posixPath.js";

describe("posixPath", () => {
  it("matches node:path.posix on examples", () => {
    for (const p of ["/a/b/../c", "a/./b//c/", "../x", "", "a/.."]) expect(normalizePosix(p)).toBe(path.posix.normalize(p).replace(/\/$/, "") || ".");
    expect(normalizePosix("/..")).toBe("/");
    expect(joinPosix("/runs", "a", "../b")).toBe("/runs/b");
    expect(dirnamePosix("/runs/a/model.json")).toBe("/runs/a");
    expect(dirnamePosix("model.json")).toBe(".");
    expect(dirnamePosix("/x")).toBe("/");
    expect(resolvePosix("/root", "a", "/abs", "b")).toBe("/abs/b");
    expect(resolvePosix("rel")).toBe("/rel");
  });

  it("agrees with node:path.posix.resolve from '/' (property)", () => {
    const seg = fc.constantFrom("a", "b", "..", ".", "", "c/d", "/e");
    fc.assert(fc.property(fc.array(seg, { maxLength: 6 }), (parts) => {
      expect(resolvePosix(...parts)).toBe(path.posix.resolve("/", ...parts));
    }));
  });
});
