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
