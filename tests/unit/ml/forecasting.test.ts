import { describe, expect, it } from 'vitest';
import { importRetail } from '@/lib/ingest/retail';
import { generateRetailDemo } from '@/ml/data/generator';
import { dateRange, seriesKeyValues, type DailyTable } from '@/ml/data/table';
import { FeaturePipeline } from '@/ml/features/pipeline';
import { aggregateForecast, recursiveForecast } from '@/ml/forecasting';
import type { FeatureMatrix } from '@/ml/matrix';

function demoTable(): DailyTable {
  const d = generateRetailDemo({ scale: 0.05, days: 120, seed: 3 });
  const r = importRetail(Object.entries(d.files).map(([name, bytes]) => ({ name, bytes })));
  if (!r.table) throw new Error(JSON.stringify(r.report.errors));
  return r.table;
}

/** A model that forecasts yesterday's value plus one: makes the recursion visible. */
const lagPlusOne = {
  predict(X: FeatureMatrix): Float64Array {
    const c = X.names.indexOf('lag_1');
    return Float64Array.from({ length: X.rows }, (_, r) => X.values[c * X.rows + r] + 1);
  },
};

describe('recursive forecasting', () => {
  const table = demoTable();
  const { last } = dateRange(table);
  const origin = last - 10;
  const pipeline = new FeaturePipeline().fit(table, { trainEnd: origin });

  it('feeds each step its own earlier forecasts as lags, never the actuals', () => {
    const series = [0, 1, 2];
    const f = recursiveForecast(lagPlusOne, pipeline, table, origin, { horizon: 5, series });
    expect(Array.from(f.days)).toEqual([1, 2, 3, 4, 5].map((k) => origin + k));
    series.forEach((s, i) => {
      const lo = table.seriesStart[s];
      const hi = table.seriesStart[s + 1];
      let lastActual = Number.NaN;
      for (let r = lo; r < hi; r++) if (table.day[r] === origin) lastActual = table.target[r];
      for (let k = 1; k <= 5; k++) expect(f.values[i * 5 + k - 1]).toBeCloseTo(lastActual + k, 9);
    });
  });

  it('aggregates bottom-up so groups sum to their series', () => {
    const f = recursiveForecast(lagPlusOne, pipeline, table, origin, { horizon: 3, series: [0, 1, 2, 3] });
    const byStore = aggregateForecast(f, (s) => seriesKeyValues(table, s).store ?? 'all');
    const total = aggregateForecast(f, () => 'total').get('total') as Float64Array;
    for (let k = 0; k < 3; k++) {
      let sum = 0;
      for (const v of byStore.values()) sum += v[k];
      expect(sum).toBeCloseTo(total[k], 9);
    }
    expect(() => recursiveForecast(lagPlusOne, pipeline, table, origin, { horizon: 0 })).toThrow(RangeError);
  });
});
