import { describe, expect, it } from 'vitest';
import { RidgeRegressor } from '@/ml/linear/ridge';
import { createMatrix } from '@/ml/matrix';
import { createRandom } from '@/ml/random';
import { snapshot } from './helpers';

function linearData(n: number, seed: number) {
  const rng = createRandom(seed);
  const X = createMatrix(n, ['x1', 'x2', 'const', 'noise']);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X.values[i] = 10 + 5 * rng.normal();
    X.values[n + i] = -3 + 0.5 * rng.normal();
    X.values[2 * n + i] = 7;
    X.values[3 * n + i] = rng.normal();
    y[i] = 4 + 3 * X.values[i] - 2 * X.values[n + i] + 0.1 * rng.normal();
  }
  return { X, y };
}

describe('RidgeRegressor', () => {
  it('recovers y = 4 + 3 x1 - 2 x2 + noise (coefficients on the original scale)', () => {
    const { X, y } = linearData(2000, 1);
    const m = new RidgeRegressor({ alpha: 1e-3 }).fit(X, y);
    const { intercept, coefficients } = m.coefficients;
    expect(coefficients[0]).toBeCloseTo(3, 2);
    expect(coefficients[1]).toBeCloseTo(-2, 1);
    expect(coefficients[2]).toBe(0);
    expect(Math.abs(coefficients[3])).toBeLessThan(0.02);
    expect(intercept).toBeCloseTo(4, 0);
  });

  it('shrinks coefficients as alpha grows', () => {
    const { X, y } = linearData(300, 2);
    const small = new RidgeRegressor({ alpha: 0.01 }).fit(X, y).coefficients.coefficients[0];
    const big = new RidgeRegressor({ alpha: 1e4 }).fit(X, y).coefficients.coefficients[0];
    expect(Math.abs(big)).toBeLessThan(Math.abs(small));
  });

  it('imputes NaN with the training mean, in fit and predict', () => {
    const { X, y } = linearData(500, 3);
    X.values[5] = Number.NaN;
    const m = new RidgeRegressor().fit(X, y);
    const p = m.predict(X);
    expect(Number.isFinite(p[5])).toBe(true);
    const q = createMatrix(1, X.names, Float64Array.of(Number.NaN, Number.NaN, 7, Number.NaN));
    let yMean = 0;
    for (const v of y) yMean += v / y.length;
    expect(m.predict(q)[0]).toBeCloseTo(yMean, 8);
  });

  it('round-trips through JSON with identical predictions, same seed same JSON, inputs untouched', () => {
    const { X, y } = linearData(200, 4);
    const before = snapshot(X, y);
    const m = new RidgeRegressor({ alpha: 2 }).fit(X, y);
    const back = RidgeRegressor.fromJSON(JSON.parse(JSON.stringify(m)));
    expect(Array.from(back.predict(X))).toEqual(Array.from(m.predict(X)));
    expect(JSON.stringify(new RidgeRegressor({ alpha: 2 }).fit(X, y))).toBe(JSON.stringify(m));
    expect(X.values).toEqual(before.values);
    expect(y).toEqual(before.y);
    expect(() => RidgeRegressor.fromJSON({ ...m.toJSON(), schemaVersion: 2 })).toThrow(/schemaVersion/);
  });

  it('rejects bad options', () => {
    expect(() => new RidgeRegressor({ alpha: -1 })).toThrow(RangeError);
    expect(() => new RidgeRegressor({ alpha: Number.NaN })).toThrow(/alpha/);
  });
});
