import { describe, expect, it } from 'vitest';
import { generateRetailDemo } from '@/ml/data/generator';
import { importRetail } from '@/lib/ingest/retail';
import { FeaturePipeline, FORBIDDEN_COLUMNS } from '@/ml/features/pipeline';
import { parseIsoDay } from '@/ml/data/dates';
import { rowOf, type DailyTable } from '@/ml/data/table';
import type { FeatureMatrix } from '@/ml/matrix';

function demoTable(): DailyTable {
  const d = generateRetailDemo({ scale: 0.05, days: 420, seed: 3 });
  const r = importRetail(Object.entries(d.files).map(([name, bytes]) => ({ name, bytes })));
  if (!r.table) throw new Error(JSON.stringify(r.report.errors));
  return r.table;
}

const get = (X: FeatureMatrix, row: number, col: number): number => X.values[col * X.rows + row];

describe('FeaturePipeline on the demo', () => {
  const table = demoTable();
  const trainEnd = parseIsoDay('2022-12-31');
  const pipe = new FeaturePipeline().fit(table, { trainEnd });
  const bulk = pipe.transform(table);

  it('has the docs/data.md features and never a forbidden one', () => {
    const names = bulk.X.names;
    for (const n of ['dow', 'dom', 'week', 'month', 'quarter', 'year', 'weekend', 'holiday', 'days_to_holiday', 'days_from_holiday',
      'lag_1', 'lag_7', 'lag_14', 'lag_28', 'lag_364', 'roll_mean_7', 'roll_std_28', 'roll_min_14', 'roll_max_28', 'expanding_mean',
      'price', 'price_rel_28', 'promo_depth', 'promo', 'promo_day', 'markdown', 'online_share_7', 'listed', 'area', 'item_target_enc', 'series_age']) {
      expect(names).toContain(n);
    }
    expect(names.some((n) => n.startsWith('format='))).toBe(true);
    for (const f of FORBIDDEN_COLUMNS) expect(names.some((n) => n.includes(f))).toBe(false);
    expect(names).not.toContain('quantity');
    expect(bulk.X.rows).toBe(table.rows);
  });

  it('computes lags by calendar days within the series and rolling stats from earlier days only', () => {
    const c = (n: string): number => bulk.X.names.indexOf(n);
    const s = 3;
    const lo = table.seriesStart[s];
    const r = lo + 40;
    expect(get(bulk.X, r, c('lag_1'))).toBe(table.target[r - 1]);
    expect(get(bulk.X, r, c('lag_28'))).toBe(table.target[r - 28]);
    expect(Number.isNaN(get(bulk.X, lo + 3, c('lag_7')))).toBe(true); // before the series began
    const prev7 = Array.from(table.target.subarray(r - 7, r));
    expect(get(bulk.X, r, c('roll_mean_7'))).toBeCloseTo(prev7.reduce((a, b) => a + b, 0) / 7, 12);
    expect(get(bulk.X, r, c('roll_max_7'))).toBe(Math.max(...prev7));
    const before = Array.from(table.target.subarray(lo, r));
    expect(get(bulk.X, r, c('expanding_mean'))).toBeCloseTo(before.reduce((a, b) => a + b, 0) / before.length, 10);
    // Holiday: 9 May.
    const may9 = rowOf(table, s, parseIsoDay('2022-05-09'));
    if (may9 >= 0) {
      expect(get(bulk.X, may9, c('holiday'))).toBe(1);
      expect(get(bulk.X, may9 - 1, c('days_to_holiday'))).toBe(1);
    }
  });

  it('leakage: changing the target on day t and after leaves every feature of day t unchanged', () => {
    for (const tIso of ['2022-11-15', '2023-02-10']) {
      const t = parseIsoDay(tIso);
      const target = Float64Array.from(table.target, (v, r) => (table.day[r] >= t ? v * 7 + 13 + (r % 5) : v));
      const changed: DailyTable = { ...table, target };
      const after = pipe.transform(changed);
      let rowsChecked = 0;
      for (let r = 0; r < table.rows; r++) {
        if (table.day[r] !== t) continue;
        rowsChecked++;
        for (let col = 0; col < bulk.X.cols; col++) {
          expect(Object.is(get(after.X, r, col), get(bulk.X, r, col)), `${bulk.X.names[col]} on ${tIso}`).toBe(true);
        }
      }
      expect(rowsChecked).toBeGreaterThan(5);
      // The test has teeth: the day after, lag_1 does change.
      const lag1 = bulk.X.names.indexOf('lag_1');
      let differs = 0;
      for (let r = 0; r < table.rows; r++) if (table.day[r] === t + 1 && !Object.is(get(after.X, r, lag1), get(bulk.X, r, lag1))) differs++;
      expect(differs).toBeGreaterThan(0);
    }
  });

  it('leakage with a refit: for a day t after the training window, refitting on the changed target leaves every feature of t unchanged', () => {
    // The encodings and scaling are fitted on days <= trainEnd only, so a target changed from a
    // hold-out day t on cannot reach the features of t even through a new fit.
    const t = parseIsoDay('2023-01-25');
    expect(t).toBeGreaterThan(trainEnd);
    const target = Float64Array.from(table.target, (v, r) => (table.day[r] >= t ? v * 5 + 3 : v));
    const changed: DailyTable = { ...table, target };
    const refit = new FeaturePipeline().fit(changed, { trainEnd });
    const after = refit.transform(changed);
    expect(after.X.names).toEqual(bulk.X.names);
    let rowsChecked = 0;
    for (let r = 0; r < table.rows; r++) {
      if (table.day[r] !== t) continue;
      rowsChecked++;
      for (let col = 0; col < bulk.X.cols; col++) expect(Object.is(get(after.X, r, col), get(bulk.X, r, col)), bulk.X.names[col]).toBe(true);
    }
    expect(rowsChecked).toBeGreaterThan(5);
    const scaled = FeaturePipeline.fromJSON(JSON.parse(JSON.stringify(pipe))).fitScaling(bulk);
    const scaledRefit = FeaturePipeline.fromJSON(JSON.parse(JSON.stringify(refit))).fitScaling(after);
    expect(JSON.stringify(scaledRefit)).toBe(JSON.stringify(scaled));
  });

  it('never reads same-day revenue, nor online sales of the day or later', () => {
    const t = parseIsoDay('2022-12-01');
    const numeric = {
      ...table.numeric,
      sum_total: table.numeric.sum_total.map((v) => v * 3 + 1),
      online_qty: Float64Array.from(table.numeric.online_qty, (v, r) => (table.day[r] >= t ? v + 50 : v)),
    };
    const after = pipe.transform({ ...table, numeric });
    for (let r = 0; r < table.rows; r++) {
      if (table.day[r] !== t) continue;
      for (let col = 0; col < bulk.X.cols; col++) expect(Object.is(get(after.X, r, col), get(bulk.X, r, col)), bulk.X.names[col]).toBe(true);
    }
  });

  it('does not modify its input', () => {
    const copy = Float64Array.from(table.target);
    pipe.transform(table);
    pipe.transformOrigin(table, '2023-01-20', { horizon: 3 });
    expect(Array.from(table.target)).toEqual(Array.from(copy));
  });

  it('served features for an origin equal the bulk features of that day, bit for bit', () => {
    const origin = parseIsoDay('2023-01-20');
    const served = pipe.transformOrigin(table, origin, { horizon: 1 });
    let compared = 0;
    for (let i = 0; i < served.X.rows; i++) {
      const r = rowOf(table, served.rowSeries[i], served.rowDate[i]);
      if (r < 0) continue;
      compared++;
      expect(served.rowDate[i]).toBe(origin + 1);
      for (let col = 0; col < bulk.X.cols; col++) {
        expect(Object.is(get(served.X, i, col), get(bulk.X, r, col)), `${bulk.X.names[col]} series ${served.rowSeries[i]}`).toBe(true);
      }
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('features of chosen rows equal the bulk features of those rows, bit for bit, in the order asked', () => {
    // Rows spread over every series, out of order and with repeats, first rows of series included.
    const picks: number[] = [];
    for (let s = table.seriesStart.length - 2; s >= 0; s -= 3) {
      const lo = table.seriesStart[s];
      const hi = table.seriesStart[s + 1];
      if (hi > lo) picks.push(hi - 1, lo, lo + ((hi - lo) >> 1), hi - 1);
    }
    const chosen = pipe.transformRows(table, picks);
    expect(chosen.X.rows).toBe(picks.length);
    picks.forEach((r, j) => {
      expect(chosen.rowDate[j]).toBe(table.day[r]);
      expect(Object.is(chosen.y[j], table.target[r])).toBe(true);
      for (let col = 0; col < bulk.X.cols; col++) {
        expect(Object.is(get(chosen.X, j, col), get(bulk.X, r, col)), `${bulk.X.names[col]} row ${r}`).toBe(true);
      }
    });
    expect(pipe.transformRows(table, []).X.rows).toBe(0);
    expect(() => pipe.transformRows(table, [table.rows])).toThrow(RangeError);
    expect(() => pipe.transformRows(table, [1.5])).toThrow(RangeError);
  });

  it('recursive serving: with the true targets passed as overrides, later horizons match bulk too', () => {
    const origin = parseIsoDay('2023-01-20');
    const h = 5;
    const series: number[] = [];
    for (let s = 0; s < table.seriesStart.length - 1 && series.length < 4; s++) {
      if (rowOf(table, s, origin - 30) >= 0 && rowOf(table, s, origin + h) >= 0) series.push(s);
    }
    expect(series.length).toBe(4);
    const overrides = new Map(series.map((s) => [s, Array.from({ length: h }, (_, k) => table.target[rowOf(table, s, origin + k + 1)])]));
    const served = pipe.transformOrigin(table, origin, { horizon: h, series, overrides });
    const online = bulk.X.names.indexOf('online_share_7'); // online sales after the origin are unknown at serving time
    for (let i = 0; i < served.X.rows; i++) {
      const r = rowOf(table, served.rowSeries[i], served.rowDate[i]);
      for (let col = 0; col < bulk.X.cols; col++) {
        if (col === online) continue;
        expect(Object.is(get(served.X, i, col), get(bulk.X, r, col)), `${bulk.X.names[col]} row ${i}`).toBe(true);
      }
    }
    // Without overrides the lags after the origin are unknown.
    const blind = pipe.transformOrigin(table, origin, { horizon: h, series });
    expect(Number.isNaN(get(blind.X, 2, bulk.X.names.indexOf('lag_1')))).toBe(true);
  });

  it('serves periods beyond the table, carrying the price forward', () => {
    const last = table.day[table.seriesStart[1] - 1];
    const served = pipe.transformOrigin(table, last, { horizon: 3, series: [0] });
    const price = bulk.X.names.indexOf('price');
    expect(get(served.X, 2, price)).toBe(table.numeric.price[table.seriesStart[1] - 1]);
    expect(Number.isNaN(get(served.X, 2, bulk.X.names.indexOf('lag_1')))).toBe(true);
  });

  it('round-trips through JSON with identical features', () => {
    const json = JSON.parse(JSON.stringify(pipe));
    expect(json.kind).toBe('foresight.feature-pipeline');
    expect(json.schemaVersion).toBe(1);
    const again = FeaturePipeline.fromJSON(json).transform(table);
    expect(again.X.names).toEqual(bulk.X.names);
    expect(Buffer.from(again.X.values.buffer).equals(Buffer.from(bulk.X.values.buffer))).toBe(true);
    expect(() => FeaturePipeline.fromJSON({ ...json, schemaVersion: 2 })).toThrow();
    expect(() => FeaturePipeline.fromJSON({ ...json, kind: 'model' })).toThrow();
  });

  it('fits the target encoding on the training window only', () => {
    const col = bulk.X.names.indexOf('item_target_enc');
    const target = Float64Array.from(table.target, (v, r) => (table.day[r] > trainEnd ? v + 1000 : v));
    const p2 = new FeaturePipeline().fit({ ...table, target }, { trainEnd });
    const f2 = p2.transform(table);
    for (let r = 0; r < table.rows; r += 97) expect(get(f2.X, r, col)).toBe(get(bulk.X, r, col));
  });

  it('fits scaling statistics on the training rows, saved with the pipeline', () => {
    const p2 = FeaturePipeline.fromJSON(JSON.parse(JSON.stringify(pipe))).fitScaling(bulk);
    const Z = p2.standardize(bulk.X);
    const price = bulk.X.names.indexOf('price');
    let n = 0;
    let sum = 0;
    let sq = 0;
    for (let r = 0; r < bulk.X.rows; r++) {
      if (bulk.rowDate[r] > trainEnd) continue;
      const v = Z.values[price * Z.rows + r];
      n++;
      sum += v;
      sq += v * v;
    }
    expect(sum / n).toBeCloseTo(0, 9);
    expect(Math.sqrt((sq - (sum * sum) / n) / (n - 1))).toBeCloseTo(1, 9);
    expect(Z.values).not.toBe(bulk.X.values);
    const again = FeaturePipeline.fromJSON(JSON.parse(JSON.stringify(p2))).standardize(bulk.X);
    expect(Buffer.from(again.values.buffer).equals(Buffer.from(Z.values.buffer))).toBe(true);
    expect(() => pipe.standardize(bulk.X)).toThrow(/fitScaling/);
  });

  it('refuses to transform before fit, and bad options', () => {
    expect(() => new FeaturePipeline().transform(table)).toThrow(/fit/);
    expect(() => new FeaturePipeline({ lags: [0] })).toThrow(RangeError);
    expect(() => new FeaturePipeline().fit(table, { trainEnd: 'yesterday' })).toThrow(RangeError);
  });
});
