import { assertBooleanOption, assertKnownOptions } from "../validation/optionChecks.js";
import { SparsekitError } from "../validation/SparsekitError.js";

export interface HungarianAssignmentOptions {
  /** Maximise the total instead of minimising it (default false). */
  maximize?: boolean;
}

export interface HungarianAssignment {
  /** rowToCol[i] = column assigned to row i, or -1 when there are more rows than columns and row i is left out. */
  rowToCol: Int32Array;
  /** colToRow[j] = row assigned to column j, or -1. */
  colToRow: Int32Array;
  /** Sum of cost[i][rowToCol[i]] over the assigned rows (the optimum). */
  total: number;
}

const WHERE = "hungarianAssignment";

function readMatrix(cost: unknown): { a: Float64Array; rows: number; cols: number } {
  if (!Array.isArray(cost) || cost.length === 0) {
    throw new SparsekitError(`${WHERE}: argument 'cost' must be a non-empty matrix (array of rows), got ${Array.isArray(cost) ? "an empty array" : cost === null ? "null" : typeof cost}.`);
  }
  const rows = cost.length;
  const first = cost[0] as unknown;
  if (!Array.isArray(first) && !ArrayBuffer.isView(first)) {
    throw new SparsekitError(`${WHERE}: argument 'cost' must be an array of rows (number[][]), got cost[0] = ${String(first)}.`);
  }
  const cols = (first as ArrayLike<number>).length;
  if (cols === 0) throw new SparsekitError(`${WHERE}: argument 'cost' must have at least one column, got cost[0] of length 0.`);
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = cost[i] as ArrayLike<number>;
    if ((!Array.isArray(row) && !ArrayBuffer.isView(row)) || row.length !== cols) {
      throw new SparsekitError(`${WHERE}: argument 'cost' must be rectangular (${cols} columns per row), got row ${i} of length ${(row as { length?: number })?.length ?? "?"}.`);
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new SparsekitError(`${WHERE}: argument 'cost' must hold finite numbers, got ${String(v)} at [${i}][${j}].`);
      }
      a[i * cols + j] = v;
    }
  }
  return { a, rows, cols };
}

/**
 * Optimal one-to-one assignment of rows to columns (Kuhn–Munkres / Hungarian algorithm, the
 * O(n^2 m) shortest-augmenting-path form with potentials, n = min(rows, cols)): minimises (or, with
 * `maximize`, maximises) `sum_i cost[i][rowToCol[i]]` over matchings that use each row and column
 * at most once and assign min(rows, cols) pairs. Rectangular matrices are allowed: with more rows
 * than columns some rows stay unassigned (-1), and vice versa. Used by `hungarianAccuracy` to
 * match clusters to classes (SPEC §5.6).
 *
 * @param cost rows x cols matrix of finite numbers (number[][] or typed-array rows).
 */
export function hungarianAssignment(cost: readonly (ArrayLike<number>)[], options: HungarianAssignmentOptions = {}): HungarianAssignment {
  assertKnownOptions(options, WHERE, ["maximize"]);
  const maximize = options.maximize ?? false;
  assertBooleanOption(maximize, WHERE, "maximize");
  const { a, rows, cols } = readMatrix(cost);
  const transpose = rows > cols;
  const n = transpose ? cols : rows;
  const m = transpose ? rows : cols;
  const sign = maximize ? -1 : 1;
  const at = (i: number, j: number) => sign * (transpose ? a[j * cols + i] : a[i * cols + j]);

  // 1-based arrays; column 0 is the virtual start of each augmenting path.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j] = row matched to column j (0 = none)
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }

  const rowToCol = new Int32Array(rows).fill(-1);
  const colToRow = new Int32Array(cols).fill(-1);
  let total = 0;
  for (let j = 1; j <= m; j++) {
    if (p[j] === 0) continue;
    const r = transpose ? j - 1 : p[j] - 1;
    const c = transpose ? p[j] - 1 : j - 1;
    rowToCol[r] = c;
    colToRow[c] = r;
    total += a[r * cols + c];
  }
  return { rowToCol, colToRow, total };
}
