import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { createTenant, getTenantOrThrow } from '@/lib/tenants';
import { ingestDataset } from '@/lib/datasets/ingest';
import { loadTable } from '@/lib/datasets/store';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { trainAndRegister } from '@/lib/training/register';
import { promoteVersion } from '@/lib/registry/store';
import { forecastCache } from '@/lib/cache';
import { getSelectionForecast, getTopProducts, predict, warmForecasts } from '@/lib/forecast/service';
import { isAppError } from '@/lib/errors';
import { dateRange, seriesKeyValues } from '@/ml/data/table';
import { formatDay } from '@/ml/data/dates';
import { servingModel, servingState } from '@/lib/forecast/serving';

const TENANT = 'fcshop';
let stores: string[] = [];
let items: string[] = [];
let category = '';
let lastDay = '';

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return { code: e.code, message: e.message, details: e.details };
    throw e;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-forecast-'));
  await createTenant({ id: TENANT, name: 'Forecast Shop', tier: 'enterprise' });
  const demo = generateRetailDemo({ seed: 3, scale: 0.08, days: 420 });
  await ingestDataset(await getTenantOrThrow(TENANT), { format: 'retail', files: RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] })) }, SYSTEM_ACTOR);
  const loaded = await loadTable(TENANT);
  if (!loaded) throw new Error('no table');
  const t = loaded.table;
  stores = [...t.keyVocab[t.keyNames.indexOf('store')]];
  items = [...t.keyVocab[t.keyNames.indexOf('item')]];
  // The department with the most series, so that a store + department sums several series.
  const counts = new Map<string, number>();
  const dept = t.categorical.dept_name;
  for (let s = 0; s < t.seriesStart.length - 1; s++) {
    const name = dept.vocab[dept.codes[t.seriesStart[s + 1] - 1]];
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  category = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  lastDay = demo.groundTruth.endDate;
}, 120_000);

describe('forecast service', () => {
  it('has nothing to serve before a model is in production', async () => {
    expect(await getSelectionForecast(TENANT, { horizon: 7 })).toBeNull();
    expect(await getTopProducts(TENANT, { time_period: 'week', limit: 5 })).toBeNull();
    expect(await predict(TENANT, [])).toBeNull();
  });

  it('serves coherent, cached forecasts; a promotion changes the version served', async () => {
    const first = await trainAndRegister(TENANT, { algorithms: ['ridge'], seed: 1 }, SYSTEM_ACTOR);
    expect(first.version.stage).toBe('production');

    const total = await getSelectionForecast(TENANT, { horizon: 14 });
    if (!total) throw new Error('no forecast');
    expect(total.model_version).toBe(first.version.id);
    expect(total.horizon).toBe(14);
    expect(total.step).toBe(1);
    expect(total.points).toHaveLength(14);
    expect(total.points[0].date > lastDay).toBe(true);
    expect(total.intervals).toEqual({ calibrated_on: 'total', method: 'level' });
    for (const p of total.points) {
      expect(p.p95[0]).toBeLessThanOrEqual(p.p80[0]);
      expect(p.p80[0]).toBeLessThanOrEqual(p.forecast);
      expect(p.forecast).toBeLessThanOrEqual(p.p80[1]);
      expect(p.p80[1]).toBeLessThanOrEqual(p.p95[1]);
    }

    // Second call: a cache hit, the very same result.
    const hits = forecastCache().stats().hits;
    expect(await getSelectionForecast(TENANT, { horizon: 14 })).toBe(total);
    expect(forecastCache().stats().hits).toBe(hits + 1);

    // A store + category selection (no Forecaster level) is the sum of its series' forecasts,
    // and the stores sum to the total.
    const combo = await getSelectionForecast(TENANT, { store: stores[0], category, horizon: 14 });
    if (!combo) throw new Error('no forecast');
    expect(combo.intervals.method).toBe('scaled_from_level');
    expect(combo.selection.series).toBeGreaterThan(1);
    const loaded = await loadTable(TENANT);
    const t = loaded?.table;
    if (!t) throw new Error('no table');
    const origin = dateRange(t).last;
    const storeKey = t.keyNames.indexOf('store');
    const itemKey = t.keyNames.indexOf('item');
    const sum = new Array<number>(14).fill(0);
    let counted = 0;
    for (let s = 0; s < t.seriesStart.length - 1; s++) {
      const hi = t.seriesStart[s + 1] - 1;
      if (t.keyVocab[storeKey][t.seriesKeys[storeKey][s]] !== stores[0] || t.categorical.dept_name.vocab[t.categorical.dept_name.codes[hi]] !== category) continue;
      if (t.day[hi] !== origin) continue; // delisted before the origin: not in the aggregates
      const one = await getSelectionForecast(TENANT, { store: stores[0], item: t.keyVocab[itemKey][t.seriesKeys[itemKey][s]], horizon: 14 });
      if (!one) throw new Error('no forecast');
      expect(one.selection.series).toBe(1);
      expect(one.intervals.calibrated_on).toBe('series');
      one.points.forEach((p, k) => (sum[k] += p.forecast));
      counted++;
    }
    expect(counted).toBe(combo.selection.series);
    combo.points.forEach((p, k) => expect(p.forecast).toBeCloseTo(sum[k], 6));
    const storeSums = new Array<number>(14).fill(0);
    for (const store of stores) {
      const f = await getSelectionForecast(TENANT, { store, horizon: 14 });
      f?.points.forEach((p, k) => (storeSums[k] += p.forecast));
    }
    total.points.forEach((p, k) => expect(p.forecast).toBeCloseTo(storeSums[k], 6));

    // An item across all stores: the sum of its store series.
    const item = items[0];
    const across = await getSelectionForecast(TENANT, { item, horizon: 7 });
    const perStore = await Promise.all(stores.map((store) => getSelectionForecast(TENANT, { store, item, horizon: 7 }).catch(() => null)));
    const itemSum = new Array<number>(7).fill(0);
    for (const f of perStore) f?.points.forEach((p, k) => (itemSum[k] += p.forecast));
    across?.points.forEach((p, k) => expect(p.forecast).toBeCloseTo(itemSum[k], 6));

    // A prediction for a future day equals the recursive forecast of that series and day.
    const series = await getSelectionForecast(TENANT, { store: stores[0], item: perStore.find((f) => f)?.selection.item ?? item, horizon: 7 });
    const pred = await predict(TENANT, [{ keys: { store: stores[0], item: series?.selection.item ?? item }, date: series?.points[4].date ?? '' }]);
    expect(pred?.model_version).toBe(first.version.id);
    expect(pred?.predictions[0].horizon).toBe(5);
    expect(pred?.predictions[0].prediction).toBeCloseTo(series?.points[4].forecast ?? NaN, 6);
    // A what-if override changes it; an unknown feature, store or off-horizon day is refused by row.
    const ok = await predict(TENANT, [{ keys: { store: stores[0], item }, date: lastDay }]);
    expect(ok?.predictions[0].horizon).toBe(0);
    expect((await rejection(predict(TENANT, [{ keys: { store: stores[0], item }, date: lastDay }, { keys: { store: 'nope', item }, date: lastDay }]))).details).toEqual({ row: 1, field: 'store' });
    expect((await rejection(predict(TENANT, [{ keys: { store: stores[0], item }, date: '2999-01-01' }]))).details).toEqual({ row: 0, field: 'date' });
    expect((await rejection(predict(TENANT, [{ keys: { store: stores[0], item }, date: lastDay, features: { no_such: 1 } }]))).details).toEqual({ row: 0, field: 'features.no_such' });

    // A batch equals each row featurised alone (history: one step ahead from the true lags).
    const state = await servingState(TENANT);
    if (!state) throw new Error('no state');
    const model = await servingModel(state);
    const old = model.active.filter((s) => t.day[t.seriesStart[s]] < model.forecaster.origin - 30);
    const batchRows = [0, 1, 2, 3].flatMap((j) => [1, 3, 8].map((back) => ({ s: old[j * 3], day: model.forecaster.origin - back })));
    const batch = await predict(
      TENANT,
      batchRows.map(({ s, day }) => ({ keys: seriesKeyValues(t, s), date: formatDay(day) })),
    );
    batchRows.forEach(({ s, day }, i) => {
      const fs = model.forecaster.parts.pipeline.transformOrigin(t, day - 1, { horizon: 1, series: [s] });
      let ref = model.forecaster.parts.predictor.predict(fs.X)[0];
      if (model.forecaster.parts.clampAtZero && ref < 0) ref = 0;
      expect(batch?.predictions[i].prediction).toBeCloseTo(ref, 9);
      expect(batch?.predictions[i].horizon).toBe(day - model.forecaster.origin);
    });
    // A what-if on a future day is featurised with the override (the forecast's lags kept).
    const feature = model.forecaster.parts.pipeline.featureNames.includes('promo') ? 'promo' : model.forecaster.parts.pipeline.featureNames[0];
    const whatIf = await predict(TENANT, [
      { keys: { store: stores[0], item: series?.selection.item ?? item }, date: series?.points[4].date ?? '', features: {} },
      { keys: { store: stores[0], item: series?.selection.item ?? item }, date: series?.points[4].date ?? '', features: { [feature]: 1 } },
    ]);
    expect(whatIf?.predictions[0].prediction).toBeCloseTo(series?.points[4].forecast ?? NaN, 6);
    expect(Number.isFinite(whatIf?.predictions[1].prediction)).toBe(true);

    // Unknown selections are not_found naming the field.
    expect(await rejection(getSelectionForecast(TENANT, { store: 'nope', horizon: 7 }))).toMatchObject({ code: 'not_found', details: { field: 'store', value: 'nope' } });
    expect(await rejection(getSelectionForecast(TENANT, { category: 'nope', horizon: 7 }))).toMatchObject({ code: 'not_found', details: { field: 'category' } });

    // Top products: growth is the next period's forecast over the previous period's sales.
    const top = await getTopProducts(TENANT, { time_period: 'week', limit: 5 });
    if (!top) throw new Error('no top products');
    expect(top.products.length).toBe(5);
    for (const p of top.products) if (p.growth !== null) expect(p.growth).toBeCloseTo(p.forecast / p.previous - 1, 9);
    // Ranked by growth among items that sold a material volume; small sellers never lead.
    const all = await getTopProducts(TENANT, { time_period: 'week', limit: 10_000 });
    if (!all) throw new Error('no top products');
    const floor = (0.2 * all.products.reduce((s, p) => s + p.previous, 0)) / all.products.length;
    expect(all.products.every((p) => p.material === (p.previous > 0 && p.previous >= floor))).toBe(true);
    const firstSmall = all.products.findIndex((p) => !p.material);
    if (firstSmall >= 0) expect(all.products.slice(firstSmall).every((p) => !p.material)).toBe(true);
    const growths = all.products.filter((p) => p.material).map((p) => p.growth as number);
    expect(growths.length).toBeGreaterThan(0);
    expect([...growths].sort((a, b) => b - a)).toEqual(growths);
    expect(top.products.map((p) => p.item)).toEqual(all.products.slice(0, 5).map((p) => p.item));
    const inCat = await getTopProducts(TENANT, { time_period: 'month', category, limit: 1000 });
    expect(inCat?.products.every((p) => p.category === category)).toBe(true);

    // A second version promoted: the next call serves it (the registry is read on every call).
    const second = await trainAndRegister(TENANT, { algorithms: ['ridge'], seed: 2, holdoutDays: 21 }, SYSTEM_ACTOR);
    expect(second.version.stage).toBe('staging');
    expect((await getSelectionForecast(TENANT, { horizon: 14 }))?.model_version).toBe(first.version.id);
    await promoteVersion(TENANT, second.version.id, SYSTEM_ACTOR); // as another process would: no event here
    const after = await getSelectionForecast(TENANT, { horizon: 14 });
    expect(after?.model_version).toBe(second.version.id);
    expect(after).not.toBe(total);
    expect((await getTopProducts(TENANT, { time_period: 'week', limit: 1 }))?.model_version).toBe(second.version.id);

    // Warming precomputes the dashboards' total and top products: they are then cache hits.
    await warmForecasts(TENANT);
    const before = forecastCache().stats().hits;
    await getSelectionForecast(TENANT, { horizon: 30 });
    await getTopProducts(TENANT, { time_period: 'quarter', limit: 3 });
    expect(forecastCache().stats().hits).toBe(before + 2);
  }, 240_000);
});
