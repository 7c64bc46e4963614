import { describe, expect, it } from 'vitest';
import { importRetail } from '@/lib/ingest/retail';
import { formatDay, parseIsoDay } from '@/ml/data/dates';
import { FeaturePipeline } from '@/ml/features/pipeline';
import { extendTable, mergeTables, rowOf, seriesLabel, type DailyTable } from '@/ml/data/table';
import { fastNumber, numberCell } from '@/lib/schemas/ingest';
import { generateRetailDemo } from '@/ml/data/generator';
import { tinyRetail } from './helpers';

function tiny(): DailyTable {
  const r = importRetail(tinyRetail());
  if (!r.table) throw new Error(JSON.stringify(r.report.errors));
  return r.table;
}

/** Values of one column for one series, in date order. */
function seriesValues(t: DailyTable, label: string, col: Float64Array): number[] {
  const n = t.seriesStart.length - 1;
  for (let s = 0; s < n; s++) if (seriesLabel(t, s) === label) return Array.from(col.subarray(t.seriesStart[s], t.seriesStart[s + 1]));
  throw new Error(`no series ${label}`);
}

describe('mergeRetail on the hand-written set', () => {
  const t = tiny();

  it('builds one dense daily series per store and item, ordered by store then item', () => {
    expect([0, 1, 2].map((s) => seriesLabel(t, s))).toEqual(['store=1|item=a1', 'store=1|item=b2', 'store=2|item=a1']);
    expect(Array.from(t.seriesStart)).toEqual([0, 10, 20, 28]);
    expect(formatDay(t.day[20])).toBe('2024-01-03'); // store 2 lists a1 on 3 January
    expect(formatDay(t.day[27])).toBe('2024-01-10');
  });

  it('sums offline sales per item, store and day; a day without sales sold 0; returns are negative', () => {
    expect(seriesValues(t, 'store=1|item=a1', t.target)).toEqual([6, 3, 0, 0, -1, 0, 0, 0, 0, 4]);
    expect(seriesValues(t, 'store=1|item=b2', t.target)).toEqual([2, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(seriesValues(t, 'store=2|item=a1', t.target)).toEqual([0, 7, 0, 0, 0, 2, 0, 0]);
  });

  it('joins the price as of the date: a price holds until the next; back-filled before the first', () => {
    expect(seriesValues(t, 'store=1|item=a1', t.numeric.price)).toEqual([100, 100, 100, 100, 100, 110, 110, 110, 110, 110]);
    expect(seriesValues(t, 'store=2|item=a1', t.numeric.price)).toEqual([95, 95, 95, 95, 95, 95, 95, 95]);
  });

  it('marks promotions with depth = 1 - promo price / price before, and the day of the promotion', () => {
    expect(seriesValues(t, 'store=1|item=a1', t.numeric.promo)).toEqual([0, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    const depth = seriesValues(t, 'store=1|item=a1', t.numeric.promo_depth);
    expect(depth[1]).toBeCloseTo(0.2, 12);
    expect(depth[2]).toBeCloseTo(0.2, 12);
    expect(depth[0]).toBe(0);
    expect(seriesValues(t, 'store=1|item=a1', t.numeric.promo_day)).toEqual([0, 1, 2, 0, 0, 0, 0, 0, 0, 0]);
    // The promotion dated 2030 is outside the data: no effect on b2.
    expect(seriesValues(t, 'store=1|item=b2', t.numeric.promo).every((v) => v === 0)).toBe(true);
  });

  it('aggregates markdowns (quantity-weighted price) and the online channel per item, store and day', () => {
    expect(seriesValues(t, 'store=1|item=b2', t.numeric.markdown_qty)).toEqual([0, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
    expect(seriesValues(t, 'store=1|item=b2', t.numeric.markdown_price)[2]).toBeCloseTo(30, 12);
    expect(Number.isNaN(seriesValues(t, 'store=1|item=b2', t.numeric.markdown_price)[0])).toBe(true);
    expect(seriesValues(t, 'store=1|item=a1', t.numeric.online_qty)).toEqual([0, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('flags the assortment from actual_matrix', () => {
    expect(seriesValues(t, 'store=1|item=b2', t.numeric.listed)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(seriesValues(t, 'store=1|item=a1', t.numeric.listed).every((v) => v === 1)).toBe(true);
  });

  it('joins store and catalog attributes, missing as NaN / -1', () => {
    const city = t.categorical.city;
    expect(city.vocab[city.codes[0]]).toBe('Москва');
    expect(city.vocab[city.codes[25]]).toBe('Казань');
    expect(t.numeric.area[0]).toBe(8000);
    expect(Number.isNaN(t.numeric.area[25])).toBe(true);
    expect(t.numeric.fatness[0]).toBe(3.2);
    expect(Number.isNaN(t.numeric.fatness[10])).toBe(true);
    expect(t.categorical.class_name.vocab[t.categorical.class_name.codes[10]]).toBe('Крупы');
    expect(seriesValues(t, 'store=1|item=a1', t.numeric.sum_total)[1]).toBe(240);
  });
});

describe('mergeTables: re-import and newer days', () => {
  it('merging a re-import of the same files changes nothing', () => {
    const a = tiny();
    const r = mergeTables(a, tiny());
    expect(r.appendedRows).toBe(0);
    expect(r.table).toBe(a);
  });

  it('appends newer days and keeps the old ones', () => {
    const old = generateRetailDemo({ scale: 0.05, days: 200 });
    const newer = generateRetailDemo({ scale: 0.05, days: 230 });
    const toFiles = (f: Record<string, string>) => Object.entries(f).map(([name, bytes]) => ({ name, bytes }));
    const a = importRetail(toFiles(old.files));
    const b = importRetail(toFiles(newer.files));
    if (!a.table || !b.table) throw new Error('import failed');
    expect(a.fingerprint).not.toBe(b.fingerprint);
    const m = mergeTables(a.table, b.table);
    expect(m.appendedRows).toBeGreaterThan(0);
    expect(m.table.rows).toBe(a.table.rows + m.appendedRows);
    // Every day of the newer import is in the merged table with the same quantity.
    const t = m.table;
    const bt = b.table;
    let checked = 0;
    for (let s = 0; s < bt.seriesStart.length - 1; s++) {
      const label = seriesLabel(bt, s);
      let ms = -1;
      for (let k = 0; k < t.seriesStart.length - 1; k++) if (seriesLabel(t, k) === label) ms = k;
      for (let r = bt.seriesStart[s]; r < bt.seriesStart[s + 1]; r += 7) {
        const mr = rowOf(t, ms, bt.day[r]);
        if (mr < 0) continue; // a series that started earlier in the old import keeps its old first day
        expect(t.target[mr]).toBe(bt.target[r]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(mergeTables(m.table, b.table).appendedRows).toBe(0);
  });
});

describe('number cells: the fast path agrees with the zod schema', () => {
  it('accepts and rejects exactly what zod does, with the same value', () => {
    const cells = ['0', '12', '-3', '1.5', '-0.25', '.5', '-.5', '1.', '007', '', '-', '.', '-.', '1.2.3', '1e5', ' 7', '7 ', '+1', 'abc', '=1+2', '1,5', 'NaN', 'Infinity', '0x10', '١٢'];
    for (const c of cells) {
      const z = numberCell.safeParse(c);
      const f = fastNumber(c);
      if (!Number.isNaN(f)) {
        expect(z.success, c).toBe(true);
        expect(z.data, c).toBe(f);
      }
      // Cells the fast path declines go to zod; only plain digit strings must be caught by the fast path.
      if (/^-?(\d+\.?\d*|\.\d+)$/.test(c)) expect(Number.isNaN(f), c).toBe(false);
    }
  });
});

describe('extendTable: future periods for serving, with planned promotions', () => {
  it('keeps promotions dated after the data as planned events', () => {
    const r = importRetail(tinyRetail());
    expect(r.plannedPromotions).toEqual([{ series: 1, day: parseIsoDay('2030-01-01'), values: { promo: 1, promo_depth: expect.closeTo(0.2, 12), promo_day: 1 } }]);
  });

  it('carries prices and attributes forward, zeroes events, leaves the target unknown, applies planned events', () => {
    const t = tiny();
    const until = parseIsoDay('2024-01-15');
    const ext = extendTable(t, until, [{ series: 0, day: parseIsoDay('2024-01-12'), values: { promo: 1, promo_depth: 0.3, promo_day: 1 } }]);
    expect(ext.rows).toBe(t.rows + 15);
    expect(Array.from(t.seriesStart)).toEqual([0, 10, 20, 28]); // the input is not modified
    const a = seriesValues(ext, 'store=1|item=a1', ext.numeric.price);
    expect(a.slice(9)).toEqual([110, 110, 110, 110, 110, 110]);
    expect(seriesValues(ext, 'store=1|item=a1', ext.numeric.promo).slice(10)).toEqual([0, 1, 0, 0, 0]);
    expect(seriesValues(ext, 'store=1|item=a1', ext.target).slice(10).every(Number.isNaN)).toBe(true);
    expect(seriesValues(ext, 'store=1|item=a1', ext.target).slice(0, 10)).toEqual([6, 3, 0, 0, -1, 0, 0, 0, 0, 4]);
    expect(ext.categorical.city.codes[ext.seriesStart[1] - 1]).toBe(t.categorical.city.codes[0]);
    expect(() => extendTable(t, until, [{ series: 0, day: parseIsoDay('2024-01-05'), values: { promo: 1 } }])).toThrow(RangeError);
    expect(() => extendTable(t, until, [{ series: 0, day: parseIsoDay('2024-01-12'), values: { nope: 1 } }])).toThrow(RangeError);
  });

  it('feeds serving features: the planned promotion and the held price reach the horizon', () => {
    const t = tiny();
    const pipe = new FeaturePipeline({ lags: [1, 7], windows: [3] }).fit(t, { trainEnd: '2024-01-10' });
    const ext = extendTable(t, parseIsoDay('2024-01-15'), [{ series: 0, day: parseIsoDay('2024-01-12'), values: { promo: 1, promo_depth: 0.3, promo_day: 1 } }]);
    const served = pipe.transformOrigin(ext, '2024-01-10', { horizon: 5, series: [0] });
    const col = (n: string): number[] => Array.from({ length: 5 }, (_, i) => served.X.values[served.X.names.indexOf(n) * served.X.rows + i]);
    expect(col('promo')).toEqual([0, 1, 0, 0, 0]);
    expect(col('promo_depth')[1]).toBe(0.3);
    expect(col('price')).toEqual([110, 110, 110, 110, 110]);
    expect(col('lag_1')[0]).toBe(4);
    expect(Number.isNaN(col('lag_1')[1])).toBe(true);
  });
});
