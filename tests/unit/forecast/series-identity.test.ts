import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant, getTenantOrThrow } from '@/lib/tenants';
import { ingestDataset } from '@/lib/datasets/ingest';
import { readManifest } from '@/lib/datasets/store';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { trainAndRegister } from '@/lib/training/register';
import { getSelectionForecast, predict } from '@/lib/forecast/service';
import { importGeneric } from '@/lib/ingest/generic';
import { importRetail } from '@/lib/ingest/retail';
import { formatDay } from '@/ml/data/dates';
import { dateRange, seriesCount, seriesLabel, type DailyTable } from '@/ml/data/table';
import { FeaturePipeline } from '@/ml/features/pipeline';
import { ForecastInputError } from '@/ml/forecasting/errors';
import { Forecaster } from '@/ml/forecasting/forecaster';
import { levelGroups } from '@/ml/forecasting/levels';
import type { FeatureMatrix } from '@/ml/matrix';
import { tinyRetail, withFile } from '../data/helpers';

const FIRST_DAY = Date.UTC(2023, 0, 2) / 86_400_000;
const MAPPING = { date: 'date', target: 'sales', keys: { store: 'store', item: 'item' } };

/** A daily CSV of `series` (store, item, level), 200 days each, with a weekly pattern around each level. */
function salesCsv(series: readonly [string, string, number][]): string {
  const lines = ['date,store,item,sales'];
  for (let d = 0; d < 200; d++) for (const [store, item, level] of series) lines.push(`${formatDay(FIRST_DAY + d)},${store},${item},${level + ((d * 3) % 7)}`);
  return `${lines.join('\n')}\n`;
}

describe('a key value holding | or = is refused at import, by file, line and column', () => {
  const tenant = 'keys-shop';
  const series: [string, string, number][] = [
    ['north', 'tea', 40],
    ['north', 'tea|item=milk', 90],
    ['south=1', 'tea', 15],
  ];

  beforeAll(async () => {
    process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-series-identity-'));
    await createTenant({ id: tenant, name: 'Keys Shop', tier: 'enterprise' });
  });

  it('a generic file: every such cell is an error with its line and column, and nothing is stored', async () => {
    const out = await ingestDataset(await getTenantOrThrow(tenant), { format: 'generic', file: { name: 'sales.csv', bytes: salesCsv(series) }, mapping: MAPPING }, SYSTEM_ACTOR);
    expect(out.status).toBe('invalid');
    // Lines: 1 header, then per day the three series in order, so day 0 is lines 2-4.
    expect(out.report.errors[0]).toMatchObject({ file: 'sales.csv', line: 3, column: 'item', reason: expect.stringMatching(/may not contain \| or =.*"tea\|item=milk"/) });
    expect(out.report.errors[1]).toMatchObject({ file: 'sales.csv', line: 4, column: 'store', reason: expect.stringMatching(/may not contain \| or =.*"south=1"/) });
    expect(out.report.errorCount).toBe(400);
    expect(await readManifest(tenant)).toBeUndefined();
  });

  it('the retail files too (store_id, item_id)', () => {
    const files = tinyRetail();
    const sales = files.find((f) => f.name === 'sales.csv');
    if (!sales) throw new Error('no sales.csv');
    const text = typeof sales.bytes === 'string' ? sales.bytes : new TextDecoder().decode(sales.bytes);
    const lines = text.split('\n');
    const header = lines[0].split(',');
    const storeCol = header.indexOf('store_id');
    const cells = lines[1].split(',');
    cells[storeCol] = `${cells[storeCol]}|x`;
    lines[1] = cells.join(',');
    const r = importRetail(withFile(files, 'sales.csv', lines.join('\n')));
    expect(r.table).toBeNull();
    expect(r.report.errors).toContainEqual(expect.objectContaining({ file: 'sales.csv', line: 2, column: 'store_id', reason: expect.stringMatching(/may not contain \| or =/) }));
  });

  it('the same file with the values replaced imports, trains, and forecasts and predicts that series', async () => {
    const fixed = series.map(([store, item, level]): [string, string, number] => [store.replaceAll('=', '-'), item.replaceAll('|', '/').replaceAll('=', '-'), level]);
    const out = await ingestDataset(await getTenantOrThrow(tenant), { format: 'generic', file: { name: 'sales.csv', bytes: salesCsv(fixed) }, mapping: MAPPING }, SYSTEM_ACTOR);
    expect(out.report.errors).toEqual([]);
    expect(out.status).toBe('imported');
    await trainAndRegister(tenant, { algorithms: ['ridge'], seed: 1 }, SYSTEM_ACTOR);
    const f = await getSelectionForecast(tenant, { store: 'north', item: 'tea/item-milk', horizon: 7 });
    expect(f?.selection).toMatchObject({ store: 'north', item: 'tea/item-milk', series: 1 });
    expect(f?.points).toHaveLength(7);
    // Around its own level (90 + 0..6), not the other north series' 40.
    for (const p of f?.points ?? []) expect(p.forecast).toBeGreaterThan(70);
    const last = out.dateRange?.last as string;
    const p = await predict(tenant, [{ keys: { store: 'north', item: 'tea/item-milk' }, date: last }, { keys: { store: 'north', item: 'tea' }, date: last }]);
    expect(p?.predictions.map((x) => x.series)).toEqual(['store=north|item=tea/item-milk', 'store=north|item=tea']);
    expect(p?.predictions[0].prediction).toBeGreaterThan(70);
    expect(p?.predictions[1].prediction).toBeLessThan(60);
  }, 60_000);
});

/** A model that forecasts yesterday's value plus one: each series' forecast shows its own history. */
const lagPlusOne = {
  predict(X: FeatureMatrix): Float64Array {
    const c = X.names.indexOf('lag_1');
    return Float64Array.from({ length: X.rows }, (_, r) => X.values[c * X.rows + r] + 1);
  },
};

describe('a series is its index, not its label', () => {
  // Data stored before the importer refused | and =: two series whose labels read the same,
  // store=a|item=b|item=c, once as (store "a|item=b", item "c") and once as (store "a", item "b|item=c").
  const imported = importGeneric({ name: 'sales.csv', bytes: salesCsv([['s1', 'i1', 10], ['s2', 'i2', 500]]) }, MAPPING);
  if (!imported.table) throw new Error(JSON.stringify(imported.report.errors));
  const base = imported.table;
  const rename = (vocab: readonly string[], to: Record<string, string>) => vocab.map((v) => to[v] ?? v);
  const table: DailyTable = {
    ...base,
    keyVocab: [rename(base.keyVocab[0], { s1: 'a|item=b', s2: 'a' }), rename(base.keyVocab[1], { i1: 'c', i2: 'b|item=c' })],
  };
  const first = { store: 'a|item=b', item: 'c' };
  const second = { store: 'a', item: 'b|item=c' };
  const { last } = dateRange(table);
  const pipeline = new FeaturePipeline().fit(table, { trainEnd: last });
  const forecaster = new Forecaster({ pipeline, predictor: lagPlusOne, intervals: {}, clampAtZero: true, maxHorizon: 14 }, table);

  it('two series whose labels read the same stay two series: by key values, in forecasts, predictions and level groups', () => {
    expect(seriesLabel(table, 0)).toBe(seriesLabel(table, 1));
    const a = forecaster.seriesIndexOf(first);
    const b = forecaster.seriesIndexOf(second);
    expect([a, b].sort()).toEqual([0, 1]);
    expect(forecaster.seriesIndexOf({ store: 'a', item: 'c' })).toBe(-1);
    expect(forecaster.seriesIndexOf({ store: 'a' })).toBe(-1);
    const lastOf = (s: number) => table.target[table.seriesStart[s + 1] - 1];
    const fa = forecaster.forecast({ level: 'series', series: a, horizon: 3 });
    const fb = forecaster.forecast({ level: 'series', series: b, horizon: 3 });
    expect(fa.mean).toEqual([1, 2, 3].map((k) => lastOf(a) + k));
    expect(fb.mean).toEqual([1, 2, 3].map((k) => lastOf(b) + k));
    const [pa, pb] = forecaster.predictRows([
      { series: a, date: formatDay(last + 2) },
      { series: b, date: formatDay(last + 2) },
    ]);
    expect([pa.prediction, pb.prediction]).toEqual([lastOf(a) + 2, lastOf(b) + 2]);
    expect(pa.series).toBe('store=a|item=b|item=c');
    const groups = levelGroups(table, 'series');
    expect(groups.map((g) => g.members)).toEqual([[0], [1]]);
    expect(forecaster.forecast({ level: 'total', horizon: 1 }).mean[0]).toBe(lastOf(0) + lastOf(1) + 2);
    expect(seriesCount(table)).toBe(2);
  });

  it('requests it cannot answer throw ForecastInputError naming the row and field', () => {
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (e instanceof ForecastInputError) return { row: e.row, field: e.field, isRangeError: e instanceof RangeError };
        throw e;
      }
      throw new Error('expected a ForecastInputError');
    };
    const ok = { series: 0, date: formatDay(last) };
    expect(bad(() => forecaster.predictRows([ok, { series: 7, date: formatDay(last) }]))).toEqual({ row: 1, field: 'series', isRangeError: true });
    expect(bad(() => forecaster.predictRows([ok, ok, { series: 0, date: formatDay(last + 30) }]))).toEqual({ row: 2, field: 'date', isRangeError: true });
    expect(bad(() => forecaster.predictRows([{ ...ok, features: { nope: 1 } }]))).toEqual({ row: 0, field: 'features.nope', isRangeError: true });
    expect(bad(() => forecaster.forecast({ level: 'series', series: -1, horizon: 1 }))).toEqual({ row: null, field: 'series', isRangeError: true });
    expect(bad(() => forecaster.forecast({ level: 'total', horizon: 15 }))).toEqual({ row: null, field: 'horizon', isRangeError: true });
  });
});
