import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { detectDateFormat, detectFrequency, importGeneric, parseDateAs, parseJoinArg, parseMappingArg, previewCsv } from '@/lib/ingest/generic';
import { FeaturePipeline } from '@/ml/features/pipeline';
import { US_RETAIL_HOLIDAYS } from '@/ml/features/holidays';
import { dayFromCivil, formatDay } from '@/ml/data/dates';
import { rowOf, seriesCount } from '@/ml/data/table';

import { WALMART_CSV as WALMART } from '../../support/paths';
const walmart = () => ({ name: 'Walmart.csv', bytes: new Uint8Array(readFileSync(WALMART)) });
const walmartMapping = { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment'] };

describe('Walmart.csv through the generic importer', () => {
  const r = importGeneric(walmart(), walmartMapping);

  it('imports as weekly data with DD/MM/YYYY dates: 45 stores, 143 weeks, 6,435 rows', () => {
    expect(r.report.errors).toEqual([]);
    expect(r.detected.dateFormat).toBe('DD/MM/YYYY');
    expect(r.detected.frequency).toBe('weekly');
    expect(r.detected.series).toBe(45);
    expect(r.detected.periods).toBe(143);
    expect(r.table?.rows).toBe(6435);
    expect(r.table?.keyVocab[0].slice(0, 3)).toEqual(['1', '2', '3']);
    expect(r.dateRange).toEqual({ first: '2010-02-05', last: '2012-10-26' });
    const t = r.table;
    if (!t) throw new Error('no table');
    expect(t.target[0]).toBe(1643690.9);
    expect(t.numeric.Temperature[1]).toBe(38.51);
    expect(seriesCount(t)).toBe(45);
  });

  it('keeps the missing Holiday_Flag cells of the real file as missing (NaN)', () => {
    const flag = r.table?.numeric.Holiday_Flag as Float64Array;
    const missing = Array.from(flag).filter((v) => Number.isNaN(v)).length;
    expect(missing).toBeGreaterThan(0);
    expect(missing).toBeLessThan(flag.length);
  });

  it('previews the first rows with detected types', () => {
    const p = previewCsv(walmart(), { rows: 5 });
    expect(p.rows.length).toBe(5);
    expect(p.totalRows).toBe(6435);
    expect(p.types).toMatchObject({ Store: 'number', Date: 'date', Weekly_Sales: 'number', Temperature: 'number' });
    expect(p.dateFormats.Date.format).toBe('DD/MM/YYYY');
  });

  it('previews a big file from a sample, counting its rows from line breaks', () => {
    const lines = Array.from({ length: 25_000 }, (_, i) => `${i % 7},2020-01-${String((i % 28) + 1).padStart(2, '0')},${i}`);
    const p = previewCsv({ name: 'big.csv', bytes: `k,d,v\n${lines.join('\n')}\n` }, { rows: 3 });
    expect(p).toMatchObject({ totalRows: 25_000, totalRowsEstimated: true, types: { k: 'number', d: 'date', v: 'number' } });
    expect(p.rows).toHaveLength(3);
  });

  it('gets weekly features, and changing the target from week t leaves week t unchanged', () => {
    const t = r.table;
    if (!t) throw new Error('no table');
    const pipe = new FeaturePipeline({ holidays: US_RETAIL_HOLIDAYS }).fit(t, { trainEnd: '2012-06-30' });
    const a = pipe.transform(t);
    expect(a.X.names).toEqual(expect.arrayContaining(['lag_1', 'lag_2', 'lag_4', 'lag_52', 'roll_mean_4', 'Temperature', 'store_target_enc']));
    const week = dayFromCivil(2011, 11, 25);
    const target = Float64Array.from(t.target, (v, i) => (t.day[i] >= week ? v * 2 : v));
    const b = pipe.transform({ ...t, target });
    for (let i = 0; i < t.rows; i++) {
      if (t.day[i] !== week) continue;
      for (let c = 0; c < a.X.cols; c++) expect(Object.is(a.X.values[c * a.X.rows + i], b.X.values[c * b.X.rows + i]), a.X.names[c]).toBe(true);
    }
    // Thanksgiving week is a holiday week in the US calendar.
    const hol = a.X.names.indexOf('holiday');
    expect(a.X.values[hol * a.X.rows + rowOf(t, 0, week)]).toBe(1);
    expect(a.X.values[hol * a.X.rows + rowOf(t, 0, week + 7)]).toBe(0);
  });
});

describe('Walmart.csv: serving features', () => {
  it('served features for a weekly origin equal the bulk features of the next week, bit for bit', () => {
    const t = importGeneric(walmart(), walmartMapping).table;
    if (!t) throw new Error('no table');
    const pipe = new FeaturePipeline({ holidays: US_RETAIL_HOLIDAYS }).fit(t, { trainEnd: '2012-06-29' });
    const bulk = pipe.transform(t);
    const origin = dayFromCivil(2012, 8, 3);
    const served = pipe.transformOrigin(t, origin, { horizon: 1 });
    let compared = 0;
    for (let i = 0; i < served.X.rows; i++) {
      expect(served.rowDate[i]).toBe(origin + 7);
      const r = rowOf(t, served.rowSeries[i], served.rowDate[i]);
      expect(r).toBeGreaterThanOrEqual(0);
      compared++;
      for (let c = 0; c < bulk.X.cols; c++) {
        expect(Object.is(served.X.values[c * served.X.rows + i], bulk.X.values[c * bulk.X.rows + r]), `${bulk.X.names[c]} store ${served.rowSeries[i]}`).toBe(true);
      }
    }
    expect(compared).toBe(45);
  });
});

describe('date format and frequency detection', () => {
  it('parses each format and rejects impossible dates', () => {
    expect(formatDay(parseDateAs('2024-02-29', 'YYYY-MM-DD'))).toBe('2024-02-29');
    expect(formatDay(parseDateAs('05/02/2010', 'DD/MM/YYYY'))).toBe('2010-02-05');
    expect(formatDay(parseDateAs('05/02/2010', 'MM/DD/YYYY'))).toBe('2010-05-02');
    expect(formatDay(parseDateAs('31.12.2023', 'DD.MM.YYYY'))).toBe('2023-12-31');
    expect(Number.isNaN(parseDateAs('2023-02-29', 'YYYY-MM-DD'))).toBe(true);
    expect(Number.isNaN(parseDateAs('13/13/2020', 'DD/MM/YYYY'))).toBe(true);
  });

  it('a day above 12 decides between DD/MM and MM/DD', () => {
    expect(detectDateFormat(['01/02/2020', '25/02/2020'])).toMatchObject({ format: 'DD/MM/YYYY', ambiguous: false });
    expect(detectDateFormat(['01/02/2020', '02/25/2020'])).toMatchObject({ format: 'MM/DD/YYYY', ambiguous: false });
    expect(detectDateFormat(['2020-01-02'])).toMatchObject({ format: 'YYYY-MM-DD' });
    expect(detectDateFormat(['yesterday']).format).toBeNull();
  });

  it('when every day is 12 or less, the more regular spacing decides', () => {
    const daily = Array.from({ length: 12 }, (_, i) => `${String(i + 1).padStart(2, '0')}/01/2021`); // 1..12 January as DD/MM
    const d = detectDateFormat(daily);
    expect(d.candidates).toEqual(['DD/MM/YYYY', 'MM/DD/YYYY']);
    expect(d).toMatchObject({ format: 'DD/MM/YYYY', ambiguous: true });
    const m = detectDateFormat(Array.from({ length: 12 }, (_, i) => `01/${String(i + 1).padStart(2, '0')}/2021`));
    expect(m).toMatchObject({ format: 'MM/DD/YYYY', ambiguous: true });
  });

  it('detects daily and weekly frequency', () => {
    expect(detectFrequency([0, 1, 2, 3, 5])).toBe('daily');
    expect(detectFrequency([0, 7, 14, 28])).toBe('weekly');
    expect(detectFrequency([0, 30, 61])).toBeNull();
  });

  it('a chosen date format overrides detection', () => {
    const csv = 'date,y\n01/02/2020,1\n02/02/2020,2\n03/02/2020,3\n';
    const r = importGeneric({ name: 'x.csv', bytes: csv }, { date: 'date', target: 'y', dateFormat: 'MM/DD/YYYY', frequency: 'daily' });
    expect(r.report.errors).toEqual([]);
    expect(r.dateRange).toEqual({ first: '2020-01-02', last: '2020-03-02' });
    expect(r.table?.rows).toBe(61); // a daily grid over two months, gaps with a missing target
    expect(r.report.warnings.some((w) => w.reason.includes('missing periods'))).toBe(true);
  });
});

describe('generic import: keys, attributes and errors', () => {
  const sales = [
    'day,shop,sku,units,temp,kind',
    '2024-03-01,A,x,5,1.5,fresh',
    '2024-03-02,A,x,6,2,fresh',
    '2024-03-01,B,x,1,1.5,fresh',
    '2024-03-02,B,x,,2,fresh',
    '2024-03-01,A,y,2,1.5,dry',
    '2024-03-02,A,y,3,2,dry',
  ].join('\n');
  const mapping = { date: 'day', target: 'units', keys: { store: 'shop', item: 'sku' }, numeric: ['temp'], categorical: ['kind'] };

  it('builds one series per key tuple, with a missing target as NaN and attributes joined on a key', () => {
    const stores = { name: 'stores.csv', bytes: 'store_nbr,type,size\nA,hyper,9000\nB,super,2000\n' };
    const r = importGeneric({ name: 'sales.csv', bytes: sales }, mapping, { joins: [{ file: stores, key: 'store', column: 'store_nbr' }] });
    expect(r.report.errors).toEqual([]);
    const t = r.table;
    if (!t) throw new Error('no table');
    expect(t.keyNames).toEqual(['store', 'item']);
    expect(seriesCount(t)).toBe(3);
    expect(Array.from(t.target)).toEqual([5, 6, 2, 3, 1, NaN]);
    expect(Array.from(t.numeric.size)).toEqual([9000, 9000, 9000, 9000, 2000, 2000]);
    expect(t.categorical.type.vocab[t.categorical.type.codes[4]]).toBe('super');
    expect(t.categorical.kind.vocab[t.categorical.kind.codes[2]]).toBe('dry');
    expect(r.detected.frequency).toBe('daily');
  });

  it('a second row for the same series and date is an error naming both lines', () => {
    const r = importGeneric({ name: 'sales.csv', bytes: `${sales}\n2024-03-02,A,y,9,2,dry\n` }, mapping);
    expect(r.table).toBeNull();
    expect(r.report.errors[0]).toMatchObject({ file: 'sales.csv', line: 8, column: 'day' });
    expect(r.report.errors[0].reason).toContain('line 7');
  });

  it('bad dates, unmapped columns, a mapping to a missing column and bad file names', () => {
    const bad = importGeneric({ name: 'sales.csv', bytes: `${sales}\n2024-13-01,A,y,9,2,dry\n` }, mapping);
    expect(bad.table).toBeNull();
    expect(bad.report.errors[0].column).toBe('day');
    const missing = importGeneric({ name: 'sales.csv', bytes: sales }, { ...mapping, target: 'qty' });
    expect(missing.table).toBeNull();
    expect(missing.report.errors[0]).toMatchObject({ column: 'qty', line: 1 });
    const name = importGeneric({ name: '../../etc/sales.csv', bytes: sales }, mapping);
    expect(name.table).toBeNull();
    expect(name.report.errors[0].reason).toContain('refused');
    const twice = importGeneric({ name: 'sales.csv', bytes: sales }, { ...mapping, numeric: ['units'] });
    expect(twice.report.errors[0].reason).toContain('mapped twice');
  });
});

describe('CLI arguments', () => {
  it('parses --map and --join', () => {
    expect(parseMappingArg('date=Date,store=Store,target=Weekly_Sales,numeric=Temperature|CPI,numeric=Fuel_Price')).toEqual({
      date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Temperature', 'CPI', 'Fuel_Price'], categorical: [],
    });
    expect(parseMappingArg('date=d,target=y,dateFormat=MM/DD/YYYY,frequency=weekly')).toMatchObject({ dateFormat: 'MM/DD/YYYY', frequency: 'weekly' });
    expect(() => parseMappingArg('store=Store,target=y')).toThrow(/date/);
    expect(() => parseMappingArg('date=d,target=y,Bad Name=x')).toThrow(RangeError);
    expect(() => parseMappingArg('date=d,target')).toThrow(RangeError);
    expect(parseJoinArg('stores.csv:store=store_nbr')).toEqual({ file: 'stores.csv', key: 'store', column: 'store_nbr' });
    expect(() => parseJoinArg('stores.csv')).toThrow(RangeError);
  });
});
