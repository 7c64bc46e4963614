import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRetailDemo } from '@/ml/data/generator';
import { dateRange, seriesCount, seriesKeyValues, type DailyTable, type PlannedEvent } from '@/ml/data/table';
import { formatDay, parseIsoDay } from '@/ml/data/dates';
import { RUSSIAN_HOLIDAYS, US_RETAIL_HOLIDAYS } from '@/ml/features/holidays';
import { importRetail } from '@/lib/ingest/retail';
import { importGeneric } from '@/lib/ingest/generic';
import { chooseBest, loadForecaster, scoreArtifact, trainOnTable, type TrainingRun } from '@/ml/training';
import { evaluationJson, parseTrainArgs, summaryTable, CommandUsageError } from '@/scripts/commands/train';
import { WALMART_CSV } from '../../support/paths';

/** The demo retailer at a reduced scale (about 55,000 item-store-days) so the suite stays short. */
function demoTable(): { table: DailyTable; planned: PlannedEvent[]; fingerprint: string } {
  const demo = generateRetailDemo({ scale: 0.2, seed: 42 });
  const res = importRetail(Object.entries(demo.files).map(([name, text]) => ({ name, bytes: text })));
  if (!res.table) throw new Error(`demo import failed: ${JSON.stringify(res.report).slice(0, 500)}`);
  return { table: res.table, planned: res.plannedPromotions, fingerprint: res.fingerprint };
}

function walmartTable(): { table: DailyTable; fingerprint: string } {
  const res = importGeneric(
    { name: 'Walmart.csv', bytes: new Uint8Array(readFileSync(WALMART_CSV)) },
    { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment'] } as Parameters<typeof importGeneric>[1],
  );
  if (!res.table) throw new Error('walmart import failed');
  return { table: res.table, fingerprint: res.fingerprint };
}

/** A copy of the table whose targets after `origin` are replaced (leakage probe). */
function withFutureChanged(t: DailyTable, origin: number): DailyTable {
  const target = Float64Array.from(t.target, (v, r) => (t.day[r] > origin ? v * 7 + 100 : v));
  const online = t.numeric.online_qty ? Float64Array.from(t.numeric.online_qty, (v, r) => (t.day[r] > origin ? v + 50 : v)) : null;
  return { ...t, target, numeric: online ? { ...t.numeric, online_qty: online } : t.numeric };
}

describe('training on the demo retailer', () => {
  let data: ReturnType<typeof demoTable>;
  let run: TrainingRun;
  beforeAll(async () => {
    data = demoTable();
    run = await trainOnTable({ table: data.table, planned: data.planned, holidays: RUSSIAN_HOLIDAYS, datasetFingerprint: data.fingerprint }, { seed: 7 });
  }, 120_000);

  it('beats seasonal naive by at least 25% WAPE on the recursive hold-out', () => {
    const best = run.models[run.best];
    const sn = run.baselines.seasonal_naive;
    expect(Object.keys(run.models).sort()).toEqual(['ensemble', 'gbm', 'rf', 'ridge']);
    expect(Object.keys(run.baselines).sort()).toEqual(['moving_average', 'seasonal_naive']);
    expect(best.wape).toBeLessThanOrEqual(0.75 * sn.wape);
    expect(best.fva).toBeGreaterThanOrEqual(0.25);
    expect(run.segments.store && Object.keys(run.segments.store).length).toBeGreaterThan(1);
    expect(run.segments.item && Object.keys(run.segments.item).length).toBeGreaterThan(1);
    expect(run.segments.category && Object.keys(run.segments.category).length).toBeGreaterThan(1);
  });

  it('80% and 95% intervals cover 75-85% and 92-98% of hold-out actuals', () => {
    expect(run.coverage.p80).toBeGreaterThanOrEqual(0.75);
    expect(run.coverage.p80).toBeLessThanOrEqual(0.85);
    expect(run.coverage.p95).toBeGreaterThanOrEqual(0.92);
    expect(run.coverage.p95).toBeLessThanOrEqual(0.98);
  });

  it('store and total forecasts are sums of the series forecasts', () => {
    const f = loadForecaster(run.artifact, { table: data.table, planned: data.planned });
    const stores = f.keys('store');
    let totalOfStores = new Array<number>(28).fill(0);
    for (const store of stores) {
      const fs = f.forecast({ level: 'store', key: store, horizon: 28 });
      const series = [...Array(seriesCount(data.table)).keys()].filter((s) => seriesKeyValues(data.table, s).store === store);
      const sums = new Array<number>(28).fill(0);
      let used = 0;
      for (const s of series) {
        const last = dateRange(data.table).last;
        if (data.table.day[data.table.seriesStart[s + 1] - 1] !== last) continue;
        used++;
        f.forecast({ level: 'series', series: s, horizon: 28 }).mean.forEach((v, k) => (sums[k] += v));
      }
      expect(fs.series).toBe(used);
      fs.mean.forEach((v, k) => expect(v).toBeCloseTo(sums[k], 6));
      totalOfStores = totalOfStores.map((v, k) => v + fs.mean[k]);
      fs.p80.forEach(([lo, hi], k) => expect(lo <= fs.mean[k] && fs.mean[k] <= hi).toBe(true));
    }
    const total = f.forecast({ level: 'total', horizon: 28 });
    total.mean.forEach((v, k) => expect(v).toBeCloseTo(totalOfStores[k], 6));
    const dept = f.keys('category').find((k) => k.startsWith('dept_name='));
    expect(dept).toBeDefined();
    expect(f.forecast({ level: 'category', key: dept as string, horizon: 7 }).mean).toHaveLength(7);
  });

  it('never reads an actual after the origin (recursive forecast unchanged when the future changes)', () => {
    const origin = dateRange(data.table).last - 40;
    const a = loadForecaster(run.artifact, { table: data.table, origin });
    const b = loadForecaster(run.artifact, { table: withFutureChanged(data.table, origin), origin });
    const key = a.keys('store')[0];
    expect(b.forecast({ level: 'store', key, horizon: 30 }).mean).toEqual(a.forecast({ level: 'store', key, horizon: 30 }).mean);
    expect(b.forecast({ level: 'total', horizon: 30 })).toEqual(a.forecast({ level: 'total', horizon: 30 }));
  });

  it('a JSON round trip of the artifact gives identical forecasts, and predictRows agrees with step 1', () => {
    const a = loadForecaster(run.artifact, { table: data.table, planned: data.planned });
    const b = loadForecaster(JSON.parse(JSON.stringify(run.artifact)), { table: data.table, planned: data.planned });
    const series = 3;
    const fa = a.forecast({ level: 'series', series, horizon: 90 });
    expect(b.forecast({ level: 'series', series, horizon: 90 })).toEqual(fa);
    expect(b.forecast({ level: 'total', horizon: 14 })).toEqual(a.forecast({ level: 'total', horizon: 14 }));
    const [row] = a.predictRows([{ series, date: fa.dates[0] }]);
    expect(row.prediction).toBeCloseTo(fa.mean[0], 9);
    const [what] = a.predictRows([{ series, date: fa.dates[0], features: { promo: 1, promo_depth: 0.3 } }]);
    expect(Number.isFinite(what.prediction)).toBe(true);
    expect(() => a.predictRows([{ series, date: fa.dates[0], features: { nope: 1 } }])).toThrow(RangeError);
    expect(() => a.forecast({ level: 'series', series, horizon: 91 })).toThrow(RangeError);
  });

  it('predictRows of history days is the one-step-ahead forecast from the day before, whatever the batch holds', () => {
    const f = loadForecaster(run.artifact, { table: data.table, planned: data.planned });
    const last = dateRange(data.table).last;
    const firstSix = [0, 1, 2, 3, 4, 5];
    const days = [last - 3, last - 20, last];
    const rows = days.flatMap((d) => firstSix.map((series) => ({ series, date: formatDay(d) })));
    const batch = f.predictRows(rows);
    rows.forEach((row, j) => {
      const day = parseIsoDay(row.date);
      const oneStep = loadForecaster(run.artifact, { table: data.table, origin: day - 1 }).forecast({ level: 'series', series: row.series, horizon: 1 });
      expect(batch[j].horizon).toBe(day - last);
      expect(batch[j].prediction).toBeCloseTo(oneStep.mean[0], 9);
    });
    // An override on a history day changes that row only.
    const [changed, same] = f.predictRows([{ ...rows[0], features: { promo: 1, promo_depth: 0.4 } }, rows[1]]);
    expect(same.prediction).toBeCloseTo(batch[1].prediction, 12);
    expect(Number.isFinite(changed.prediction)).toBe(true);
    expect(changed.prediction).not.toBeCloseTo(batch[0].prediction, 6);
  });
});

describe('training on Walmart (weekly, last 8 weeks held out)', () => {
  it('beats seasonal naive; the same seed gives the same artifact', async () => {
    const { table, fingerprint } = walmartTable();
    const input = { table, holidays: US_RETAIL_HOLIDAYS, datasetFingerprint: fingerprint };
    const run = await trainOnTable(input, { seed: 3 });
    expect(run.holdout.periods).toBe(8);
    expect(run.models[run.best].wape).toBeLessThan(run.baselines.seasonal_naive.wape);
    const again = await trainOnTable(input, { seed: 3, algorithms: [run.best as 'gbm'] });
    const once = await trainOnTable(input, { seed: 3, algorithms: [run.best as 'gbm'] });
    expect(JSON.stringify(again.artifact)).toBe(JSON.stringify(once.artifact));
    // Scorecards for the promotion rule: the challenger's matches its hold-out WAPE; a champion
    // trained over the hold-out days cannot be compared (null); one trained before is scored.
    expect(run.scorecard.wape).toBeCloseTo(run.models[run.best].wape, 12);
    const shares = run.scorecard.segments.filter((s) => s.level === 'store').reduce((n, s) => n + s.share, 0);
    expect(shares).toBeCloseTo(1, 9);
    expect(scoreArtifact(run.artifact, table, run.holdout)).toBeNull();
    const older = { ...run.artifact, trainingWindow: { ...run.artifact.trainingWindow, to: '2012-08-01' } };
    const card = scoreArtifact(older, table, run.holdout);
    expect(card && Number.isFinite(card.wape) && card.segments.length).toBe(45);
    const json = evaluationJson(run);
    expect(Object.keys(json.models).sort()).toEqual(['ensemble', 'gbm', 'moving_average', 'rf', 'ridge', 'seasonal_naive']);
    expect(json.best).toBe(run.best);
    expect(typeof json.models.seasonal_naive.wape).toBe('number');
    const table_ = summaryTable(run).split('\n');
    expect(table_[0]).toMatch(/model\s+valid WAPE\s+WAPE\s+MAE\s+RMSE\s+R2\s+sMAPE\s+MAPE\s+bias\s+FVA\s+fit s/);
    expect(table_.some((l) => l.startsWith(`*${run.best} `))).toBe(true);
    expect(table_.some((l) => l.startsWith(' seasonal_naive'))).toBe(true);
  }, 120_000);
});

describe('choosing the best model', () => {
  it('is the lowest validation WAPE, and the hold-out cannot change it', async () => {
    const { table, fingerprint } = walmartTable();
    const input = { table, holidays: US_RETAIL_HOLIDAYS, datasetFingerprint: fingerprint };
    const run = await trainOnTable(input, { seed: 4 });
    const valid = Object.fromEntries(Object.entries(run.models).map(([k, m]) => [k, m.validationWape]));
    for (const v of Object.values(valid)) expect(Number.isFinite(v)).toBe(true);
    expect(valid[run.best]).toBe(Math.min(...Object.values(valid)));
    expect(Number.isFinite(run.baselines.seasonal_naive.validationWape)).toBe(true);
    // Every hold-out actual changed (x7 + 100): the hold-out scores differ, the choice does not.
    const O = parseIsoDay(run.holdout.from) - table.step;
    const changed = await trainOnTable({ ...input, table: withFutureChanged(table, O) }, { seed: 4 });
    expect(changed.best).toBe(run.best);
    for (const k of Object.keys(valid)) expect(changed.models[k].validationWape).toBe(valid[k]);
    expect(changed.models[run.best].wape).not.toBe(run.models[run.best].wape);
  }, 120_000);

  it('breaks ties towards the simpler model and never reads hold-out figures', () => {
    // Hold-out WAPEs beside them, which would pick ridge: they are not read.
    const models: Record<string, { validationWape: number; wape: number }> = { gbm: { validationWape: 0.2, wape: 0.1 }, rf: { validationWape: 0.2, wape: 0.3 }, ridge: { validationWape: 0.25, wape: 0.05 } };
    expect(chooseBest(models, ['gbm', 'rf', 'ridge'])).toBe('rf');
    expect(chooseBest({ ...models, ensemble: { validationWape: 0.19 } }, ['gbm', 'rf', 'ridge', 'ensemble'])).toBe('ensemble');
    expect(chooseBest({ gbm: { validationWape: Number.NaN }, ridge: { validationWape: 0.4 } }, ['gbm', 'ridge'])).toBe('ridge');
  });
});

describe('train command options', () => {
  it('validates with clear errors', () => {
    expect(parseTrainArgs(['--tenant', 'acme', '--algo', 'gbm,rf', '--tune', '--seed', '5'])).toMatchObject({ tenant: 'acme', algorithms: ['gbm', 'rf'], tune: true, seed: 5 });
    expect(() => parseTrainArgs(['--tenant', 'acme', '--algo', 'xgb'])).toThrow(/--algo/);
    expect(() => parseTrainArgs(['--algo', 'gbm'])).toThrow(/--tenant/);
    expect(() => parseTrainArgs(['--tenant', 'acme', '--seed', 'x'])).toThrow(CommandUsageError);
    expect(() => parseTrainArgs(['--tenant', 'acme', '--bogus'])).toThrow(CommandUsageError);
  });
});
