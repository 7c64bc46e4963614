import { describe, expect, it } from 'vitest';
import { conformalQuantile, ConformalIntervals, coverage } from '@/ml/conformal';
import { createRandom } from '@/ml/random';

/** Backtest-like residuals whose spread grows with the horizon. */
function sample(n: number, seed: number) {
  const rng = createRandom(seed);
  const actual = new Float64Array(n);
  const predicted = new Float64Array(n);
  const horizons = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const h = 1 + rng.int(90);
    horizons[i] = h;
    predicted[i] = 100 + 10 * rng.normal();
    actual[i] = predicted[i] + (1 + h / 10) * rng.normal();
  }
  return { actual, predicted, horizons };
}

describe('conformal intervals', () => {
  it('uses the ceil((n+1) level)-th smallest score', () => {
    const s = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(conformalQuantile(s, 0.8)).toBe(9);
    expect(conformalQuantile(s, 0.95)).toBe(Infinity);
    expect(() => conformalQuantile(s, 1)).toThrow(RangeError);
  });

  it('covers near the nominal 80% and 95% on new data, wider for longer horizons', () => {
    const cal = sample(6000, 1);
    const test = sample(6000, 2);
    const c = new ConformalIntervals().fit(cal.actual, cal.predicted, cal.horizons);
    const [i80, i95] = c.intervals(test.predicted, test.horizons);
    const cov80 = coverage(test.actual, i80.lower, i80.upper);
    const cov95 = coverage(test.actual, i95.lower, i95.upper);
    expect(cov80).toBeGreaterThan(0.77);
    expect(cov80).toBeLessThan(0.83);
    expect(cov95).toBeGreaterThan(0.93);
    expect(cov95).toBeLessThan(0.97);
    expect(c.halfWidth(60, 0.8)).toBeGreaterThan(c.halfWidth(3, 0.8));
    // Per band too.
    for (const [from, to] of [
      [1, 7],
      [29, 90],
    ]) {
      const rows = Array.from(test.horizons.keys()).filter((i) => test.horizons[i] >= from && test.horizons[i] <= to);
      const cov = coverage(
        rows.map((i) => test.actual[i]),
        rows.map((i) => i80.lower[i]),
        rows.map((i) => i80.upper[i]),
      );
      expect(Math.abs(cov - 0.8)).toBeLessThan(0.05);
    }
  });

  it('a band with a handful of residuals borrows its neighbour\'s instead of taking their largest (no spike at its first horizon)', () => {
    // A store total backtested 30 days ahead: 3 windows x 28 residuals in the 1-28 day bands, and
    // 3 x 2 in 29-90, two of them outliers. Alone, the thin band's 80% width would be the 6th
    // smallest of its 6 residuals: the largest outlier.
    const actual: number[] = [];
    const predicted: number[] = [];
    const horizons: number[] = [];
    const rng = createRandom(5);
    for (let w = 0; w < 3; w++) {
      for (let h = 1; h <= 30; h++) {
        predicted.push(100);
        actual.push(100 + (h >= 29 && w < 2 ? 60 : 10 * rng.normal()));
        horizons.push(h);
      }
    }
    const thin = new ConformalIntervals({ minBandResiduals: 1 }).fit(actual, predicted, horizons);
    const pooled = new ConformalIntervals().fit(actual, predicted, horizons);
    // The thin band takes the nearest horizons first (28, 27, ...), a horizon at a time, up to 30.
    expect(pooled.residualCounts).toEqual([30, 63, 30]);
    expect(thin.halfWidth(29, 0.8)).toBe(60);
    expect(pooled.halfWidth(29, 0.8)).toBeLessThan(30);
    expect(pooled.halfWidth(29, 0.8)).toBeGreaterThanOrEqual(pooled.halfWidth(20, 0.8));
    // A band with enough residuals (8-28 days: 63) keeps its own quantiles.
    expect(pooled.halfWidth(20, 0.8)).toBe(thin.halfWidth(20, 0.8));
    expect(pooled.halfWidth(20, 0.95)).toBe(thin.halfWidth(20, 0.95));
  });

  it('falls back to pooled residuals for a thin band, round-trips, rejects bad options', () => {
    const cal = sample(300, 3);
    cal.horizons.fill(2);
    cal.horizons[0] = 40;
    const c = new ConformalIntervals().fit(cal.actual, cal.predicted, cal.horizons);
    // The empty 8-28 band and the one-residual 29-90 band take the residuals of horizon 2.
    expect(c.residualCounts).toEqual([299, 299, 300]);
    expect(Number.isFinite(c.halfWidth(40, 0.95))).toBe(true);
    const back = ConformalIntervals.fromJSON(JSON.parse(JSON.stringify(c)));
    expect(back.halfWidth(10, 0.8)).toBe(c.halfWidth(10, 0.8));
    expect(() => new ConformalIntervals({ levels: [1.2] })).toThrow(RangeError);
    expect(() => new ConformalIntervals({ minBandResiduals: 0 })).toThrow(RangeError);
    expect(() => new ConformalIntervals({ bands: [{ from: 2, to: 5 }] })).toThrow(/contiguous/);
    expect(() => c.halfWidth(0, 0.8)).toThrow(RangeError);
    expect(() => coverage([1], [0, 0], [2])).toThrow(RangeError);
  });
});
