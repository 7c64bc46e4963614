import { describe, expect, it } from 'vitest';
import { movingAverageFitted, movingAverageForecast, MovingAverageRegressor } from '@/ml/baselines/moving-average';
import { seasonalNaiveFitted, seasonalNaiveForecast, SeasonalNaiveRegressor } from '@/ml/baselines/seasonal-naive';
import { createMatrix } from '@/ml/matrix';

describe('seasonal naive', () => {
  const twoWeeks = [1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17];

  it('repeats the same weekday of last week (season 7)', () => {
    expect(Array.from(seasonalNaiveForecast(twoWeeks, 7, 10))).toEqual([11, 12, 13, 14, 15, 16, 17, 11, 12, 13]);
  });

  it('uses the previous period with season 1 and last year with season 52', () => {
    expect(Array.from(seasonalNaiveForecast([3, 4, 5], 1, 2))).toEqual([5, 5]);
    const weekly = Array.from({ length: 104 }, (_, i) => i);
    expect(seasonalNaiveForecast(weekly, 52, 1)[0]).toBe(52);
  });

  it('falls back one more season over a missing value, NaN when there is none', () => {
    const s = [...twoWeeks];
    s[8] = Number.NaN;
    expect(seasonalNaiveForecast(s, 7, 2)[1]).toBe(2);
    expect(Number.isNaN(seasonalNaiveForecast([1, 2], 7, 1)[0])).toBe(true);
  });

  it('gives in-sample fitted values one season back', () => {
    const f = seasonalNaiveFitted(twoWeeks, 7);
    expect(Number.isNaN(f[6])).toBe(true);
    expect(f[7]).toBe(1);
    expect(f[13]).toBe(7);
  });

  it('as a regressor reads the lag column, NaN -> training mean, and round-trips', () => {
    const X = createMatrix(3, ['lag_7', 'x'], Float64Array.of(5, Number.NaN, 7, 0, 0, 0));
    const m = new SeasonalNaiveRegressor().fit(X, Float64Array.of(1, 2, 3));
    expect(Array.from(m.predict(X))).toEqual([5, 2, 7]);
    expect(Array.from(SeasonalNaiveRegressor.fromJSON(JSON.parse(JSON.stringify(m))).predict(X))).toEqual([5, 2, 7]);
    expect(() => new SeasonalNaiveRegressor({ lagFeature: 'lag_52' }).fit(X, Float64Array.of(1, 2, 3))).toThrow(/lag_52/);
    expect(() => new SeasonalNaiveRegressor({ lagFeature: '' })).toThrow(RangeError);
  });

  it('rejects a bad season length', () => {
    expect(() => seasonalNaiveForecast([1], 0, 1)).toThrow(RangeError);
  });
});

describe('moving average', () => {
  it('averages the last window of observed values', () => {
    expect(Array.from(movingAverageForecast([1, 2, 3, 4, Number.NaN, 6], 3, 2))).toEqual([13 / 3, 13 / 3]);
    const f = movingAverageFitted([2, 4, 6, 8], 2);
    expect(Array.from(f.slice(1))).toEqual([2, 3, 5]);
  });

  it('as a regressor reads the rolling-mean column', () => {
    const X = createMatrix(2, ['roll_mean_7'], Float64Array.of(Number.NaN, 4));
    const m = new MovingAverageRegressor().fit(X, Float64Array.of(10, 20));
    expect(Array.from(m.predict(X))).toEqual([15, 4]);
    expect(() => MovingAverageRegressor.fromJSON({ ...m.toJSON(), kind: 'SeasonalNaive' })).toThrow(/kind/);
  });
});
