import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { imageGrid } from "../../src/report/imageGrid.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";
import { decodePng, rgbAt } from "./pngTestUtils.js";

/** Four 3x3 grey images with distinct values in [0, 1]. */
const images = [0, 1, 2, 3].map((k) => Float32Array.from({ length: 9 }, (_, p) => (k * 9 + p) / 35));

describe("imageGrid", () => {
  it("lays out a 2x2 grid of 3x3 images with 1 px padding, pixel for pixel", () => {
    const img = decodePng(imageGrid(images, { rows: 2, cols: 2, padding: 1, normalize: "none", padColor: [255, 0, 255] }));
    expect([img.width, img.height]).toEqual([9, 9]);
    for (let y = 0; y < 9; y++) {
      for (let x = 0; x < 9; x++) {
        const onPad = x % 4 === 0 || y % 4 === 0;
        if (onPad) {
          expect(rgbAt(img, x, y)).toEqual([255, 0, 255]);
          continue;
        }
        const tile = Math.floor((y - 1) / 4) * 2 + Math.floor((x - 1) / 4);
        const p = ((y - 1) % 4) * 3 + ((x - 1) % 4);
        const g = Math.round(255 * images[tile][p]);
        expect(rgbAt(img, x, y)).toEqual([g, g, g]);
      }
    }
    expect(rgbAt(img, 1, 1)).toEqual([0, 0, 0]);
    expect(rgbAt(img, 7, 7)).toEqual([255, 255, 255]);
    expect(img.data.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
  });
  it("reads [n, h, w] and [n, h*w] tensors the same as arrays, without disposing them", () => {
    const flat = new Float32Array(36);
    images.forEach((im, i) => flat.set(im, i * 9));
    const fromArrays = imageGrid(images, { normalize: "none" });
    const t3 = tf.tensor3d(flat, [4, 3, 3]);
    const t2 = tf.tensor2d(flat, [4, 9]);
    expect(Buffer.from(imageGrid(t3, { normalize: "none" })).equals(Buffer.from(fromArrays))).toBe(true);
    expect(Buffer.from(imageGrid(t2, { normalize: "none" })).equals(Buffer.from(fromArrays))).toBe(true);
    expect(t3.isDisposed || t2.isDisposed).toBe(false);
    tf.dispose([t3, t2]);
  });
  it("shows signed filters symmetric around 0 per image: 0 is mid-grey", () => {
    const filters = [Float32Array.from([-2, 0, 1, 2]), Float32Array.from([0.5, -0.25, 0, 0])];
    const img = decodePng(imageGrid(filters, { rows: 1, cols: 2, padding: 0 }));
    expect([img.width, img.height]).toEqual([4, 2]);
    // filter 0: v -> 0.5 + 0.5 v / 2
    expect([0, 1, 0, 1].map((x, i) => rgbAt(img, x, i < 2 ? 0 : 1)[0])).toEqual([0, 128, 191, 255]);
    // filter 1: max|v| = 0.5
    expect([rgbAt(img, 2, 0)[0], rgbAt(img, 3, 0)[0], rgbAt(img, 2, 1)[0]]).toEqual([255, 64, 128]);
  });
  it("stretches min-max globally when asked, and scales by whole pixels", () => {
    const pos = [Float32Array.from([1, 2, 3, 4]), Float32Array.from([5, 5, 5, 5])];
    const img = decodePng(imageGrid(pos, { rows: 1, cols: 2, padding: 0, normalize: "global", scale: 2 }));
    expect([img.width, img.height]).toEqual([8, 4]);
    expect([rgbAt(img, 0, 0)[0], rgbAt(img, 1, 1)[0], rgbAt(img, 2, 0)[0], rgbAt(img, 4, 3)[0]]).toEqual([0, 0, 64, 255]);
    const perImage = decodePng(imageGrid(pos, { rows: 1, cols: 2, padding: 0 }));
    expect(rgbAt(perImage, 2, 0)[0]).toBe(128); // a constant image has no contrast: mid-grey
  });
  it("renders RGB images and fills unused cells with the padding colour", () => {
    const red = Float32Array.from([1, 0, 0]);
    const img = decodePng(imageGrid([red, red, red], { channels: 3, height: 1, width: 1, rows: 2, cols: 2, padding: 1, normalize: "none" }));
    expect(rgbAt(img, 1, 1)).toEqual([255, 0, 0]);
    expect(rgbAt(img, 3, 3)).toEqual([255, 255, 255]);
  });
  it("rejects bad shapes, non-finite pixels and bad options", () => {
    expect(() => imageGrid([new Float32Array(8)])).toThrow(/square images unless options height and width are given/);
    expect(() => imageGrid([new Float32Array(9), new Float32Array(4)])).toThrow(/images\[1\]' must be an array of 9 values/);
    expect(() => imageGrid([Float32Array.from([0, NaN, 0, 0])])).toThrow(/must be finite, got NaN in image 0 at flat index 1/);
    expect(() => imageGrid(images, { rows: 1, cols: 2 })).toThrow(/1 x 2 = 2 cells cannot hold 4 images/);
    expect(() => imageGrid(images, { normalize: "minmax" as never })).toThrow(/option 'normalize' must be one of/);
    expect(() => imageGrid(images, { scale: 1.5 })).toThrow(/option 'scale'/);
    expect(() => imageGrid(images, { normalize: "none", symmetric: true })).toThrow(/symmetric' cannot be true with normalize "none"/);
    const t = tf.zeros([2, 4, 4, 1]);
    expect(() => imageGrid(t, { height: 5 })).toThrow(/option 'height' is 5 but argument 'images' has shape \[2, 4, 4, 1\]/);
    t.dispose();
    expect(() => imageGrid("x" as never)).toThrow(SparsekitError);
  });
});
