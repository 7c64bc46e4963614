/**
 * The feature table every model in `ml/` consumes.
 *
 * Layout: column-major (`values[col * rows + row]`), because the hot loops of the tree engine
 * (binning, histogram building) walk one feature over all rows. Missing values are NaN.
 */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly values: Float64Array;
  readonly names: readonly string[];
}

/** @throws RangeError when the sizes disagree. */
export function createMatrix(rows: number, names: readonly string[], values?: Float64Array): FeatureMatrix {
  const cols = names.length;
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  const v = values ?? new Float64Array(rows * cols);
  if (v.length !== rows * cols) throw new RangeError(`values has length ${v.length}, expected ${rows} x ${cols}`);
  return { rows, cols, values: v, names: [...names] };
}

/** Builds a matrix from row arrays (convenient for tests and small inputs). */
export function matrixFromRows(rows: readonly (readonly number[])[], names?: readonly string[]): FeatureMatrix {
  const n = rows.length;
  const cols = n > 0 ? rows[0].length : (names?.length ?? 0);
  const colNames = names ?? Array.from({ length: cols }, (_, i) => `x${i}`);
  const m = createMatrix(n, colNames);
  const v = m.values as Float64Array;
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    if (row.length !== cols) throw new RangeError(`row ${r} has ${row.length} values, expected ${cols}`);
    for (let c = 0; c < cols; c++) v[c * n + r] = row[c];
  }
  return m;
}

/** One column as a view (no copy). */
export function column(m: FeatureMatrix, col: number): Float64Array {
  return m.values.subarray(col * m.rows, (col + 1) * m.rows);
}

/** A new matrix holding the given rows, in the given order. */
export function selectRows(m: FeatureMatrix, rowIndex: ArrayLike<number>): FeatureMatrix {
  const n = rowIndex.length;
  const out = new Float64Array(n * m.cols);
  for (let c = 0; c < m.cols; c++) {
    const base = c * m.rows;
    const outBase = c * n;
    for (let i = 0; i < n; i++) out[outBase + i] = m.values[base + rowIndex[i]];
  }
  return { rows: n, cols: m.cols, values: out, names: m.names };
}
