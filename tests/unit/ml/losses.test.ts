import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOOSTING_LOSSES, BOOSTING_LOSS_NAMES, PoissonLoss, SquaredLoss } from '@/ml/trees/losses';
import { GradientBoostingRegressor } from '@/ml/trees/gradient-boosting';
import { matrixFromRows } from '@/ml/matrix';

describe('boosting losses', () => {
  const raw = Float64Array.of(0.5, -1, 2, 0);
  const y = Float64Array.of(1, 0, 5, 3);

  it('squared error: g = F - y, h untouched (constant 1), identity link, RMSE', () => {
    const grad = new Float64Array(4);
    const hess = new Float64Array(4).fill(1);
    SquaredLoss.gradHess(raw, y, grad, hess);
    expect(Array.from(grad)).toEqual([-0.5, -1, -3, -3]);
    expect(Array.from(hess)).toEqual([1, 1, 1, 1]);
    expect(SquaredLoss.constantHessian).toBe(true);
    expect(SquaredLoss.inverseLink(-2.5)).toBe(-2.5);
    const copy = raw.slice();
    SquaredLoss.inverseLinkInPlace(copy);
    expect(Array.from(copy)).toEqual(Array.from(raw));
    expect(SquaredLoss.validationLoss(raw, y)).toBeCloseTo(Math.sqrt((0.25 + 1 + 9 + 9) / 4), 14);
    expect(SquaredLoss.init(y, null)).toBe(2.25);
    expect(SquaredLoss.init(y, -4)).toBe(-4);
    expect(SquaredLoss.defaultMaxDeltaStep).toBe(0);
  });

  it('Poisson on the log link: g = e^F - y, h = e^F, mean deviance, log of the mean to start', () => {
    const grad = new Float64Array(4);
    const hess = new Float64Array(4);
    PoissonLoss.gradHess(raw, y, grad, hess);
    raw.forEach((f, i) => {
      expect(grad[i]).toBe(Math.exp(f) - y[i]);
      expect(hess[i]).toBe(Math.exp(f));
    });
    expect(PoissonLoss.constantHessian).toBe(false);
    expect(PoissonLoss.inverseLink(Math.log(7))).toBeCloseTo(7, 12);
    const deviance = raw.reduce((s, f, i) => s + 2 * ((y[i] > 0 ? y[i] * Math.log(y[i] / Math.exp(f)) : 0) - (y[i] - Math.exp(f))), 0) / 4;
    expect(PoissonLoss.validationLoss(raw, y)).toBeCloseTo(deviance, 14);
    expect(PoissonLoss.init(y, null)).toBe(Math.log(2.25));
    expect(PoissonLoss.init(y, 3)).toBe(Math.log(3));
    expect(PoissonLoss.defaultMaxDeltaStep).toBe(0.7);
    expect(() => PoissonLoss.init(Float64Array.of(1, -1), null)).toThrow(/y\[1\] is -1; poisson loss needs non-negative targets/);
    expect(() => PoissonLoss.init(Float64Array.of(0, 0), null)).toThrow(/positive mean target/);
    expect(() => PoissonLoss.checkBaseScore(0)).toThrow(/baseScore must be > 0 for poisson loss, got 0/);
  });

  it('are named by the loss option, which accepts exactly their names', () => {
    expect(BOOSTING_LOSS_NAMES).toEqual(['squared', 'poisson']);
    for (const name of BOOSTING_LOSS_NAMES) {
      expect(BOOSTING_LOSSES[name].name).toBe(name);
      expect(new GradientBoostingRegressor({ loss: name }).options.loss).toBe(name);
    }
    expect(() => new GradientBoostingRegressor({ loss: 'tweedie' as 'squared' })).toThrow(/option loss must be one of squared, poisson, got tweedie/);
  });

  it('models saved before losses were objects load and predict exactly as they did', () => {
    // Written by the engine of dd1ae70 (the loss a string switched on in the booster).
    const saved = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/models/gbm-v1.json'), 'utf8')) as Record<string, { model: unknown; probe: (number | null)[][]; predictions: number[] }>;
    expect(Object.keys(saved)).toEqual(['squared', 'poisson']);
    for (const [loss, { model, probe, predictions }] of Object.entries(saved)) {
      const m = GradientBoostingRegressor.fromJSON(model);
      expect(m.options.loss).toBe(loss);
      const X = matrixFromRows(probe.map((row) => row.map((v) => v ?? Number.NaN)));
      expect(Array.from(m.predict(X))).toEqual(predictions);
      probe.forEach((row, i) => expect(m.predictRow(row.map((v) => v ?? Number.NaN))).toBe(predictions[i]));
      expect(JSON.parse(JSON.stringify(m))).toEqual(model);
    }
  });
});
