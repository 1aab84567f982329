import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { decodeJpegGrey, LUMA_WEIGHTS } from "../../src/data/decodeJpegGrey.js";

/** A 16x16 RGBA image: left half pure red, right half pure blue, encoded at top quality. */
function twoColourJpeg(): Uint8Array {
  const w = 16;
  const h = 16;
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const at = (y * w + x) * 4;
      if (x < 8) data[at] = 255;
      else data[at + 2] = 255;
      data[at + 3] = 255;
    }
  }
  return jpeg.encode({ width: w, height: h, data }, 100).data;
}

describe("decodeJpegGrey", () => {
  it("decodes to luminance in [0, 1] with BT.601 weights", () => {
    const img = decodeJpegGrey(twoColourJpeg(), "test");
    expect(img.width).toBe(16);
    expect(img.height).toBe(16);
    expect(img.name).toBe("test");
    // Away from the colour edge (JPEG ringing), grey = weight of the pure channel.
    expect(img.data[8 * 16 + 2]).toBeCloseTo(LUMA_WEIGHTS[0], 1);
    expect(img.data[8 * 16 + 13]).toBeCloseTo(LUMA_WEIGHTS[2], 1);
    expect(Math.min(...img.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...img.data)).toBeLessThanOrEqual(1);
  });

  it("rejects bytes that are not a JPEG, and broken JPEGs", () => {
    expect(() => decodeJpegGrey(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), "x.png")).toThrow(
      /decodeJpegGrey: argument 'bytes' of "x.png" must be a JPEG file \(starting with ff d8\), got 4 byte\(s\) starting with 89 50/,
    );
    const broken = twoColourJpeg().subarray(0, 30);
    expect(() => decodeJpegGrey(broken, "cut.jpg")).toThrow(/cannot decode JPEG "cut.jpg"/);
  });
});
