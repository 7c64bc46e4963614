import { describe, expect, it } from 'vitest';
import { chronologicalHoldout, crossValidate, epochDay, isoDate, rollingOriginFolds } from '@/ml/evaluation';
import { RidgeRegressor } from '@/ml/linear/ridge';
import { createMatrix } from '@/ml/matrix';
import { createRandom } from '@/ml/random';

/** 3 series x 120 days, rows shuffled so that row order says nothing about time. */
function shuffledDates(): string[] {
  const start = epochDay('2024-01-01');
  const dates: string[] = [];
  for (let d = 0; d < 120; d++) for (let s = 0; s < 3; s++) dates.push(isoDate(start + d));
  const rng = createRandom(9);
  for (let i = dates.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [dates[i], dates[j]] = [dates[j], dates[i]];
  }
  return dates;
}

describe('chronological splits', () => {
  const dates = shuffledDates();

  it('holds out the last 30 days by default and never trains on a later date', () => {
    const s = chronologicalHoldout(dates);
    expect(s.test.length).toBe(30 * 3);
    expect(s.train.length).toBe(90 * 3);
    const lastTrain = Math.max(...Array.from(s.train, (i) => epochDay(dates[i])));
    const firstTest = Math.min(...Array.from(s.test, (i) => epochDay(dates[i])));
    expect(lastTrain).toBeLessThan(firstTest);
    expect(s.origin).toBe(isoDate(lastTrain));
    expect(s.testEnd).toBe('2024-04-29');
  });

  it('takes a configurable hold-out (e.g. 8 weeks of weekly data)', () => {
    const weekly = Array.from({ length: 40 }, (_, i) => isoDate(epochDay('2012-01-06') + 7 * i));
    const s = chronologicalHoldout(weekly, { holdoutDays: 56 });
    expect(s.test.length).toBe(8);
    expect(() => chronologicalHoldout(weekly, { holdoutDays: 0 })).toThrow(RangeError);
    expect(() => chronologicalHoldout(weekly, { holdoutDays: 400 })).toThrow(RangeError);
  });

  it('builds expanding rolling-origin folds, each test window after its training window', () => {
    const folds = rollingOriginFolds(dates, { folds: 3, horizonDays: 14 });
    expect(folds).toHaveLength(3);
    let prevOrigin = '';
    for (const f of folds) {
      const lastTrain = Math.max(...Array.from(f.train, (i) => epochDay(dates[i])));
      const test = Array.from(f.test, (i) => epochDay(dates[i]));
      expect(Math.min(...test)).toBeGreaterThan(lastTrain);
      expect(f.test.length).toBe(14 * 3);
      expect(f.origin > prevOrigin).toBe(true);
      prevOrigin = f.origin;
    }
    expect(folds[2].testEnd).toBe('2024-04-29');
    expect(() => rollingOriginFolds(dates, { folds: 10, horizonDays: 30, minTrainDays: 60 })).toThrow(RangeError);
  });

  it('cross-validates a model over the folds', () => {
    const n = dates.length;
    const X = createMatrix(n, ['t']);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X.values[i] = epochDay(dates[i]);
      y[i] = 2 * X.values[i];
    }
    const cv = crossValidate(() => new RidgeRegressor({ alpha: 1e-9 }), X, y, rollingOriginFolds(dates, { folds: 2, horizonDays: 10 }));
    expect(cv.folds).toHaveLength(2);
    expect(cv.wape).toBeLessThan(1e-6);
  });
});
