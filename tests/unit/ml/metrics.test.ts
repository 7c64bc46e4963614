import { describe, expect, it } from 'vitest';
import { bias, forecastValueAdded, mae, mape, metricsBySegment, r2, regressionMetrics, rmse, smape, wape } from '@/ml/metrics';

// Hand-computed: errors p - a = [2, -2, 0, 4]; |a| sum = 10 + 20 + 0 + 10 = 40.
const actual = [10, 20, 0, 10];
const predicted = [12, 18, 0, 14];

describe('metrics on a hand-computed example', () => {
  it('MAE, RMSE, WAPE, bias', () => {
    expect(mae(actual, predicted)).toBe(2);
    expect(rmse(actual, predicted)).toBeCloseTo(Math.sqrt((4 + 4 + 0 + 16) / 4), 12);
    expect(wape(actual, predicted)).toBeCloseTo(8 / 40, 12);
    expect(bias(actual, predicted)).toBe(1);
  });

  it('R²: 1 - SS_res / SS_tot', () => {
    // mean 10; SS_tot = 0 + 100 + 100 + 0 = 200; SS_res = 24.
    expect(r2(actual, predicted)).toBeCloseTo(1 - 24 / 200, 12);
    expect(Number.isNaN(r2([1, 1], [1, 2]))).toBe(true);
  });

  it('sMAPE counts a 0/0 pair as perfect', () => {
    const expected = ((2 * 2) / 22 + (2 * 2) / 38 + 0 + (2 * 4) / 24) / 4;
    expect(smape(actual, predicted)).toBeCloseTo(expected, 12);
  });

  it('MAPE only on non-zero actuals, and says how many', () => {
    const m = mape(actual, predicted);
    expect(m.value).toBeCloseTo((0.2 + 0.1 + 0.4) / 3, 12);
    expect(m.rows).toBe(3);
    expect(m.zeroActuals).toBe(1);
  });

  it('all at once, per segment, and value added over a baseline', () => {
    const all = regressionMetrics(actual, predicted);
    expect(all.n).toBe(4);
    expect(all.mapeRows).toBe(3);
    expect(all.biasRatio).toBeCloseTo(4 / 40, 12);
    const seg = metricsBySegment(actual, predicted, ['a', 'b', 'a', 'b']);
    expect([...seg.keys()]).toEqual(['a', 'b']);
    expect(seg.get('a')?.wape).toBeCloseTo(2 / 10, 12);
    expect(seg.get('b')?.mae).toBe(3);
    expect(forecastValueAdded(0.15, 0.2)).toBeCloseTo(0.25, 12);
    expect(Number.isNaN(forecastValueAdded(0.1, 0))).toBe(true);
  });

  it('has a stated policy for empty and bad input', () => {
    expect(Number.isNaN(mae([], []))).toBe(true);
    expect(Number.isNaN(wape([0, 0], [1, 1]))).toBe(true);
    expect(() => mae([1], [1, 2])).toThrow(RangeError);
    expect(() => wape([1, Number.NaN], [1, 2])).toThrow(RangeError);
  });
});
