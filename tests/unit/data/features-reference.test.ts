import { describe, expect, it } from 'vitest';
import { generateRetailDemo } from '@/ml/data/generator';
import { importRetail } from '@/lib/ingest/retail';
import { FeaturePipeline } from '@/ml/features/pipeline';
import { seriesLabel } from '@/ml/data/table';

/**
 * The reference the fast kernel must agree with: target history looked up by (series, date) in a
 * Map, windows built as plain arrays of earlier dates, statistics by textbook formulas.
 */
describe('bulk features agree with a plain reference implementation', () => {
  const demo = generateRetailDemo({ scale: 0.05, days: 420, seed: 5 });
  const t = importRetail(Object.entries(demo.files).map(([name, bytes]) => ({ name, bytes }))).table;
  if (!t) throw new Error('import failed');
  const f = new FeaturePipeline().fit(t, { trainEnd: '2022-12-31' }).transform(t);
  const byKey = new Map<string, number>();
  const labels: string[] = [];
  for (let s = 0; s < t.seriesStart.length - 1; s++) {
    labels.push(seriesLabel(t, s));
    for (let r = t.seriesStart[s]; r < t.seriesStart[s + 1]; r++) byKey.set(`${labels[s]}@${t.day[r]}`, t.target[r]);
  }
  const history = (s: number, day: number, w: number): number[] => {
    const out: number[] = [];
    for (let d = day - w; d < day; d++) {
      const v = byKey.get(`${labels[s]}@${d}`);
      if (v !== undefined && !Number.isNaN(v)) out.push(v);
    }
    return out;
  };
  const col = (name: string, r: number): number => f.X.values[f.X.names.indexOf(name) * f.X.rows + r];
  const close = (a: number, b: number): boolean => (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

  it('lags, rolling mean/std/min/max and the expanding mean, on every row', () => {
    let bad = 0;
    for (let r = 0; r < t.rows; r += 3) {
      const s = f.rowSeries[r];
      const day = t.day[r];
      for (const lag of [1, 7, 14, 28, 364]) {
        const ref = byKey.get(`${labels[s]}@${day - lag}`) ?? NaN;
        if (!close(col(`lag_${lag}`, r), ref)) bad++;
      }
      for (const w of [7, 14, 28]) {
        const h = history(s, day, w);
        const mean = h.length ? h.reduce((a, b) => a + b, 0) / h.length : NaN;
        const std = h.length > 1 ? Math.sqrt(h.reduce((a, b) => a + (b - mean) ** 2, 0) / (h.length - 1)) : NaN;
        const ref = [mean, std, h.length ? Math.min(...h) : NaN, h.length ? Math.max(...h) : NaN];
        const got = ['mean', 'std', 'min', 'max'].map((k) => col(`roll_${k}_${w}`, r));
        got.forEach((g, i) => {
          if (!close(g, ref[i])) bad++;
        });
      }
      const all = history(s, day, day - t.day[t.seriesStart[s]]);
      const exp = all.length ? all.reduce((a, b) => a + b, 0) / all.length : NaN;
      if (!close(col('expanding_mean', r), exp)) bad++;
    }
    expect(bad).toBe(0);
  });
});
