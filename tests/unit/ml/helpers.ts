import { createMatrix, type FeatureMatrix } from '@/ml/matrix';
import { createRandom } from '@/ml/random';

/** A seeded table of standard normal features with y = 3 x0 - 2 x1 + sin(2 x2) + noise. */
export function syntheticRegression(
  rows: number,
  cols: number,
  seed = 1,
  noise = 0.3,
  missingRate = 0,
): { X: FeatureMatrix; y: Float64Array } {
  const rng = createRandom(seed);
  const X = createMatrix(rows, Array.from({ length: cols }, (_, i) => `x${i}`));
  const v = X.values;
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const x2 = cols > 2 ? v[2 * rows + r] : 0;
    y[r] = 3 * v[r] - 2 * v[rows + r] + Math.sin(2 * x2) + noise * rng.normal();
  }
  if (missingRate > 0) for (let i = 0; i < v.length; i++) if (rng.next() < missingRate) v[i] = Number.NaN;
  return { X, y };
}

export function rSquared(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < actual.length; i++) mean += actual[i] / actual.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < actual.length; i++) {
    ssRes += (actual[i] - predicted[i]) ** 2;
    ssTot += (actual[i] - mean) ** 2;
  }
  return 1 - ssRes / ssTot;
}

/** A deep copy of a matrix and target, to check inputs are not mutated. */
export function snapshot(X: FeatureMatrix, y?: Float64Array): { values: Float64Array; y?: Float64Array } {
  return { values: X.values.slice(), y: y?.slice() };
}

/** Mostly-zero columns (flags, one-hot, zero-inflated amounts) beside one dense column, with NaN. */
export function sparseTable(rows: number, seed: number): { X: FeatureMatrix; y: Float64Array } {
  const { X: dense, y: noise } = syntheticRegression(rows, 2, seed, 0.3, 0.05);
  const X = createMatrix(rows, ['dense', 'flag', 'onehot_a', 'onehot_b', 'amount']);
  const v = X.values;
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const flag = r % 5 === 0 ? 1 : 0;
    const cat = r % 7;
    const amount = r % 4 === 0 ? (r % 13) + 0.5 : 0;
    v[r] = dense.values[r];
    v[rows + r] = flag;
    v[2 * rows + r] = cat === 1 ? 1 : 0;
    v[3 * rows + r] = cat === 2 ? 1 : 0;
    v[4 * rows + r] = r % 17 === 0 ? Number.NaN : amount;
    y[r] = 2 * flag - 3 * (cat === 1 ? 1 : 0) + 0.4 * amount + noise[r] * 0.2;
  }
  return { X, y };
}
