import { describe, expect, it } from "vitest";
import { atomMapTiles } from "../../src/report/atomMaps.js";

describe("atomMapTiles", () => {
  const atoms = [
    { x: 1.5, y: 1.5, orientation: 0, frequency: 0.25 },
    { x: 6, y: 6, orientation: 90, frequency: 0.4 },
  ];
  it("draws positive weights red and negative blue, at the atoms' places", () => {
    const { position } = atomMapTiles(atoms, [1, -1], { patchHeight: 8, patchWidth: 8, size: 32 });
    const rgb = (t: Float32Array, x: number, y: number) => Array.from(t.slice((y * 32 + x) * 3, (y * 32 + x) * 3 + 3));
    // atom 0: horizontal bar through (8, 8) in tile pixels
    const red = rgb(position, 8, 8);
    expect(red[0]!).toBeGreaterThan(red[2]!);
    const blue = rgb(position, 26, 26);
    expect(blue[2]!).toBeGreaterThan(blue[0]!);
    expect(position).toHaveLength(32 * 32 * 3);
  });
  it("skips weak atoms and checks its arguments", () => {
    const { position } = atomMapTiles(atoms, [1, 0.1], { patchHeight: 8, patchWidth: 8, size: 32 });
    const at = (26 * 32 + 26) * 3;
    expect(position[at]).toBe(1);
    expect(() => atomMapTiles(atoms, [1], { patchHeight: 8, patchWidth: 8 })).toThrow(/one value per atom/);
  });
});
