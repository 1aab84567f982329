import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hungarianAssignment } from "../../src/metrics/hungarianAssignment.js";

/** Best total over all injective maps from the smaller side to the larger (brute force). */
function bruteForce(cost: number[][], maximize: boolean): number {
  const rows = cost.length;
  const cols = cost[0].length;
  const small = Math.min(rows, cols);
  const large = Math.max(rows, cols);
  const at = (i: number, j: number) => (rows <= cols ? cost[i][j] : cost[j][i]);
  let best = maximize ? -Infinity : Infinity;
  const used = new Array<boolean>(large).fill(false);
  const rec = (i: number, acc: number) => {
    if (i === small) {
      best = maximize ? Math.max(best, acc) : Math.min(best, acc);
      return;
    }
    for (let j = 0; j < large; j++) {
      if (used[j]) continue;
      used[j] = true;
      rec(i + 1, acc + at(i, j));
      used[j] = false;
    }
  };
  rec(0, 0);
  return best;
}

const matrix = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }))
  .chain(([r, c]) => fc.array(fc.array(fc.integer({ min: -20, max: 50 }), { minLength: c, maxLength: c }), { minLength: r, maxLength: r }));

describe("hungarianAssignment", () => {
  it("solves a hand-made 3x3 case", () => {
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    const r = hungarianAssignment(cost);
    expect(r.total).toBe(5); // 1 + 2 + 2
    expect(Array.from(r.rowToCol)).toEqual([1, 0, 2]);
    expect(Array.from(r.colToRow)).toEqual([1, 0, 2]);
    const m = hungarianAssignment(cost, { maximize: true });
    expect(m.total).toBe(11); // 4 + 5 + 2
  });
  it("leaves surplus rows or columns unassigned", () => {
    const tall = hungarianAssignment([[1], [0], [3]]);
    expect(Array.from(tall.rowToCol)).toEqual([-1, 0, -1]);
    expect(tall.total).toBe(0);
    const wide = hungarianAssignment([[5, 1, 3, 0.5]], { maximize: true });
    expect(Array.from(wide.rowToCol)).toEqual([0]);
    expect(Array.from(wide.colToRow)).toEqual([0, -1, -1, -1]);
  });
  it("is optimal and a valid matching on random small matrices (vs brute force)", () => {
    fc.assert(
      fc.property(matrix, fc.boolean(), (cost, maximize) => {
        const r = hungarianAssignment(cost, { maximize });
        expect(r.total).toBe(bruteForce(cost, maximize));
        const assigned = Array.from(r.rowToCol).filter((c) => c >= 0);
        expect(assigned.length).toBe(Math.min(cost.length, cost[0].length));
        expect(new Set(assigned).size).toBe(assigned.length);
        let total = 0;
        r.rowToCol.forEach((c, i) => {
          if (c >= 0) {
            expect(r.colToRow[c]).toBe(i);
            total += cost[i][c];
          }
        });
        expect(total).toBe(r.total);
      }),
      { numRuns: 300 },
    );
  });
  it("rejects malformed matrices", () => {
    expect(() => hungarianAssignment([])).toThrow(/hungarianAssignment: argument 'cost' must be a non-empty matrix/);
    expect(() => hungarianAssignment([[1, 2], [3]])).toThrow(/rectangular/);
    expect(() => hungarianAssignment([[1, NaN]])).toThrow(/finite numbers, got NaN at \[0\]\[1\]/);
    expect(() => hungarianAssignment([[1]], { maximise: true } as never)).toThrow(/unknown option 'maximise'/);
  });
});
