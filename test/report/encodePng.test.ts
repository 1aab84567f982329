import { describe, expect, it } from "vitest";
import { encodePng } from "../../src/report/encodePng.js";
import { decodePng } from "./pngTestUtils.js";

describe("encodePng", () => {
  it("writes a PNG that decodes back to the same opaque pixels", () => {
    const data = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 255, 1, 2, 3, 255, 250, 251, 252, 255]);
    const bytes = encodePng({ width: 3, height: 2, data });
    expect(Array.from(bytes.slice(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const back = decodePng(bytes);
    expect([back.width, back.height]).toEqual([3, 2]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });
});
