import { describe, expect, it } from 'vitest';
import { dailyErrors, isDecayed, summariseDecay, type LivePairs } from '@/ml/monitoring/decay';

/** Two series over days 100..(100 + n - 1): actuals, a forecast off by `bias`, and naive off by 2. */
function pairs(n: number, bias: (day: number) => number): LivePairs {
  const day: number[] = [];
  const actual: number[] = [];
  const predicted: number[] = [];
  const naive: number[] = [];
  for (let d = 100; d < 100 + n; d++) {
    for (const level of [4, 10]) {
      day.push(d);
      actual.push(level);
      predicted.push(level + bias(d));
      naive.push(level + 2);
    }
  }
  return { day, actual, predicted, naive };
}

/** Reference: WAPE over the pairs whose day is in [from, to], the plain way. */
function wapeBetween(p: LivePairs, from: number, to: number, which: 'predicted' | 'naive'): number {
  let err = 0;
  let tot = 0;
  for (let i = 0; i < p.day.length; i++) {
    if (p.day[i] < from || p.day[i] > to || !Number.isFinite(p.actual[i])) continue;
    const f = Number.isFinite(p[which][i]) ? p[which][i] : 0;
    err += Math.abs(f - p.actual[i]);
    tot += Math.abs(p.actual[i]);
  }
  return err / tot;
}

describe('live error and decay', () => {
  it('sums errors per day; a missing actual is skipped, a missing forecast counts as 0', () => {
    const daily = dailyErrors({ day: [5, 5, 6, 6, 5], actual: [10, 4, 3, NaN, 0], predicted: [8, NaN, 3, 1, 1], naive: [10, 4, 6, 9, 0] });
    expect(daily.map((d) => d.day)).toEqual([5, 6]);
    expect(daily[0]).toMatchObject({ pairs: 3, actual: 14, predicted: 9, absError: 2 + 4 + 1, naiveAbsError: 0 });
    expect(daily[0].wape).toBeCloseTo(7 / 14, 12);
    expect(daily[1]).toMatchObject({ pairs: 1, absError: 0, naiveAbsError: 3, wape: 0, naiveWape: 1 });
    expect(dailyErrors({ day: [1], actual: [0], predicted: [1], naive: [0] })[0].wape).toBeNull();
    expect(() => dailyErrors({ day: [1, 2], actual: [1], predicted: [1], naive: [1] })).toThrow(RangeError);
  });

  it('windows end at the last day, the oldest is cut and not full, and agree with the plain computation', () => {
    const p = pairs(33, (d) => (d >= 120 ? 3 : 1));
    const s = summariseDecay(p, { windowDays: 14, step: 1, referenceWape: 0.2, tolerance: 0.05 });
    expect(s.windows.map((w) => [w.from, w.to, w.days, w.full])).toEqual([
      [119, 132, 14, true],
      [105, 118, 14, true],
      [100, 104, 5, false],
    ]);
    for (const w of s.windows) {
      expect(w.wape).toBeCloseTo(wapeBetween(p, w.from, w.to, 'predicted'), 12);
      expect(w.naiveWape).toBeCloseTo(wapeBetween(p, w.from, w.to, 'naive'), 12);
    }
    // Trailing 14-day WAPE per day, null until 14 days are in.
    s.daily.forEach((d, i) => {
      if (i < 13) expect(d.rollingWape).toBeNull();
      else expect(d.rollingWape).toBeCloseTo(wapeBetween(p, d.day - 13, d.day, 'predicted'), 12);
    });
    expect(s.threshold).toBeCloseTo(0.21, 12);
    // Newest window: 13 days off by 3 and one off by 1 on a level sum of 14: WAPE about 0.41.
    expect(s.current?.decayed).toBe(true);
    expect(s.status).toBe('decayed');
    expect(s.windows[1].decayed).toBe(false); // off by 1 on 14: 0.143, under 0.21
    expect(s.windows[2].decayed).toBe(false); // not full: never judged
  });

  it('decay is strictly beyond the tolerance, relative to the reference', () => {
    expect(isDecayed(0.21, 0.2, 0.05)).toBe(false);
    expect(isDecayed(0.2101, 0.2, 0.05)).toBe(true);
    expect(isDecayed(0.5, null, 0.05)).toBe(false);
    expect(isDecayed(null, 0.2, 0.05)).toBe(false);
    const healthy = summariseDecay(pairs(14, () => 1), { windowDays: 14, step: 1, referenceWape: 1 / 7, tolerance: 0.05 });
    expect(healthy.status).toBe('healthy');
    expect(healthy.current?.ratio).toBeCloseTo(1, 12);
  });

  it('says "collecting" before a full window, "no-reference" without a reference, "no-data" without pairs', () => {
    expect(summariseDecay(pairs(10, () => 5), { windowDays: 14, step: 1, referenceWape: 0.1, tolerance: 0.05 }).status).toBe('collecting');
    expect(summariseDecay(pairs(20, () => 5), { windowDays: 14, step: 1, referenceWape: null, tolerance: 0.05 }).status).toBe('no-reference');
    const empty = summariseDecay({ day: [], actual: [], predicted: [], naive: [] }, { windowDays: 14, step: 1, referenceWape: 0.1, tolerance: 0.05 });
    expect(empty).toMatchObject({ status: 'no-data', current: null, windows: [] });
  });

  it('weekly data: a 14-day window is two weeks', () => {
    const p: LivePairs = { day: [7, 14, 21, 28, 35], actual: [10, 10, 10, 10, 10], predicted: [10, 10, 10, 14, 16], naive: [10, 10, 10, 10, 10] };
    const s = summariseDecay(p, { windowDays: 14, step: 7, referenceWape: 0.2, tolerance: 0.05 });
    expect(s.windows.map((w) => [w.from, w.to, w.days])).toEqual([
      [28, 35, 2],
      [14, 21, 2],
      [7, 7, 1],
    ]);
    expect(s.current?.wape).toBeCloseTo(0.5, 12);
    expect(s.status).toBe('decayed');
  });

  it('refuses bad options and leaves its input unchanged', () => {
    const p = pairs(5, () => 1);
    const copy = JSON.stringify(p);
    summariseDecay(p, { windowDays: 7, step: 1, referenceWape: 0.1, tolerance: 0 });
    expect(JSON.stringify(p)).toBe(copy);
    expect(() => summariseDecay(p, { windowDays: 3, step: 7, referenceWape: 0.1, tolerance: 0.05 })).toThrow(RangeError);
    expect(() => summariseDecay(p, { windowDays: 14, step: 2, referenceWape: 0.1, tolerance: 0.05 })).toThrow(RangeError);
    expect(() => summariseDecay(p, { windowDays: 14, step: 1, referenceWape: 0.1, tolerance: -1 })).toThrow(RangeError);
  });
});
