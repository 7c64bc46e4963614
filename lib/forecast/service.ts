/**
 * Forecasts served from a tenant's production model (docs/ml.md, docs/serving.md): what the Forecasts, Overview
 * and Analysis pages, the PDF reports and `/api/v1/forecast*` and `/api/v1/predict*` show.
 *
 * - A selection (store, category, item, any combination, or everything) is the bottom-up sum of
 *   its series' recursive forecasts, so every figure is coherent with the item-level ones. Where
 *   the Forecaster has that level (a series, a store, a category, the total) its own forecast and
 *   intervals are used; any other selection (store + category, an item across stores, ...) sums
 *   its series and takes its intervals from the calibrated level whose groups are closest in size
 *   (series count, on a log scale), scaled by the selection's own recent level (see
 *   docs/serving.md "Intervals").
 * - Results go through `forecastCache()` keyed by tenant, production version, dataset
 *   identity (its table file) and parameters; the cache is cleared on promotion.
 * - Series are forecast in chunks with a yield to the event loop between them, so a cold total
 *   does not stall other requests; `warmForecasts` precomputes what dashboards open with.
 *
 * No 'server-only' here: report jobs and the CLI use it outside Next.js.
 */
import { AppError } from '../errors';
import { forecastCache, forecastCacheKey } from '../cache';
import type { ForecastQuery } from '../schemas/forecast';
import { categoryColumn, resolveSelection, SelectionError, type ResolvedSelection } from '@/ml/data/selection';
import type { DailyTable } from '@/ml/data/table';
import { canonicalSelection, ITEM_NAME_COLUMNS } from '@/ml/data/names';
import { formatDay, parseIsoDay } from '@/ml/data/dates';
import { seriesScale } from '@/ml/forecasting/backtest';
import { INTERVAL_LEVELS, scaleWindowOf } from '@/ml/forecasting/intervals';
import type { ForecastLevel, GroupLevel } from '@/ml/forecasting/levels';
import { ForecastInputError } from '@/ml/forecasting/errors';
import type { PredictRowInput, PredictRowOutput } from '@/ml/forecasting/forecaster';
import { onModelLoaded, servingModel, servingState, type ServingModel, type ServingState } from './serving';
import { subscribeProductionChange } from '../registry/events';
import { processSingleton } from '../process-state';

export interface ForecastPoint {
  date: string;
  forecast: number;
  p80: [number, number];
  p95: [number, number];
}

export interface SelectionForecast {
  generated_at: string;
  model_version: string;
  selection: { store?: string; category?: string; item?: string; label: string; series: number };
  /** Periods asked (days; weekly data: whole weeks). */
  horizon: number;
  /** Days per period. */
  step: 1 | 7;
  points: ForecastPoint[];
  /** The level whose calibration the intervals come from, and whether the selection is that level itself or a sum scaled to it. */
  intervals: { calibrated_on: ForecastLevel | null; method: 'level' | 'scaled_from_level' | 'none' };
}

export interface TopProduct {
  item: string;
  name: string | null;
  category: string | null;
  forecast: number;
  previous: number;
  growth: number | null;
  /**
   * Whether the item sold enough in the previous period for its growth ratio to mean something
   * (at least MATERIAL_SHARE of the average item's sales); the others follow the ranked ones.
   */
  material: boolean;
}

/** An item selling under a fifth of the average item's volume (7 -> 31 units is +343%) ranks after the rest. */
export const MATERIAL_SHARE = 0.2;

export interface TopProducts {
  generated_at: string;
  model_version: string;
  time_period: string;
  /** Periods each side of the origin that are compared (days; weekly data: weeks). */
  periods: number;
  products: TopProduct[];
}

export type TimePeriod = 'week' | 'month' | 'quarter';

/** Milliseconds of forecasting between two yields to the event loop (other requests run there). */
const BLOCK_MS = 30;
/** The same for the background warm-up, which nobody waits for: shorter, so requests wait less. */
const WARM_BLOCK_MS = 10;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Periods a horizon in days covers: days for daily data, whole weeks (rounded up) for weekly. */
export function periodsOf(horizonDays: number, step: 1 | 7, maxHorizon: number): number {
  const p = step === 1 ? horizonDays : Math.ceil(horizonDays / 7);
  return Math.min(Math.max(1, p), maxHorizon);
}

/**
 * Forecasts the given series to `periods` (the Forecaster caches each series) in chunks sized to
 * take about `blockMs` each, yielding to the event loop between them.
 */
async function forecastSeries(model: ServingModel, series: readonly number[], periods: number, blockMs = BLOCK_MS): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  let chunk = 2;
  for (let i = 0; i < series.length; ) {
    if (i > 0) await yieldToLoop();
    const t0 = performance.now();
    const part = series.slice(i, i + chunk);
    out.push(...model.forecaster.seriesForecasts(part, periods));
    i += part.length;
    const ms = performance.now() - t0;
    chunk = Math.max(1, Math.min(1024, ms < 1 ? part.length * 8 : Math.round((part.length * blockMs) / ms)));
  }
  return out;
}

/** Deduplicates concurrent computations of one cache key (one cold total, not ten), across every bundle's copy of this module. */
const inflight = processSingleton('forecast.inflight', () => new Map<string, Promise<unknown>>());
async function cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const cache = forecastCache();
  const hit = cache.get(key);
  if (hit !== undefined) return hit as T;
  const running = inflight.get(key);
  if (running) return running as Promise<T>;
  const p = compute().then((v) => {
    cache.set(key, v);
    return v;
  });
  inflight.set(key, p);
  try {
    return await p;
  } finally {
    inflight.delete(key);
  }
}

function resolveOrThrow(table: DailyTable, sel: { store?: string; category?: string; item?: string }): ResolvedSelection {
  try {
    return resolveSelection(table, sel);
  } catch (e) {
    if (e instanceof SelectionError) throw new AppError('not_found', e.message, { field: e.field, value: sel[e.field] ?? null });
    throw e;
  }
}

/** The calibrated level whose median group size is closest to `n` series (log scale). */
function closestCalibrated(model: ServingModel, n: number): ForecastLevel | null {
  let best: ForecastLevel | null = null;
  let bestDist = Infinity;
  for (const [level, size] of Object.entries(model.calibratedSizes) as [ForecastLevel, number][]) {
    const d = Math.abs(Math.log(Math.max(1, n)) - Math.log(Math.max(1, size)));
    if (d < bestDist) {
      best = level;
      bestDist = d;
    }
  }
  return best;
}

type ExactRequest = { level: 'series'; series: number } | { level: GroupLevel; key: string };

/**
 * The Forecaster's own request for a selection, when it has that level: one series (by index), or
 * a store, category or the total that has series at the origin (a closed store has none: it is
 * summed as any other selection, to zeros).
 */
function exactLevel(model: ServingModel, sel: ResolvedSelection, q: { store?: string; category?: string }): ExactRequest | null {
  const { forecaster } = model;
  const levels = forecaster.levels;
  if (sel.level === 'series' && sel.series.length === 1) return { level: 'series', series: sel.series[0] };
  let group: { level: GroupLevel; key: string } | null = null;
  if (sel.level === 'total') group = { level: 'total', key: 'total' };
  else if (sel.level === 'store' && q.store !== undefined && q.category === undefined && levels.includes('store')) group = { level: 'store', key: q.store };
  else {
    const col = categoryColumn(model.table);
    if (sel.level === 'category' && q.category !== undefined && col && levels.includes('category')) group = { level: 'category', key: `${col}=${q.category}` };
  }
  return group && forecaster.hasGroup(group.level, group.key) ? group : null;
}

async function computeSelection(model: ServingModel, query: ForecastQuery, periods: number): Promise<SelectionForecast> {
  const { forecaster, table, version } = model;
  const q = { ...query, ...canonicalSelection(table, query) };
  const sel = resolveOrThrow(table, { store: q.store, category: q.category, item: q.item });
  if (sel.series.length === 0) throw new AppError('not_found', `No series matches ${sel.label}.`, { store: q.store ?? null, category: q.category ?? null, item: q.item ?? null });
  const exact = exactLevel(model, sel, q);
  // Aggregates sum the series that exist at the origin; a single series is forecast as asked.
  const members = exact?.level === 'series' ? sel.series : sel.series.filter((s) => model.activeMask[s]);
  const fcs = await forecastSeries(model, members, periods);
  const selection = { store: q.store, category: q.category, item: q.item, label: sel.label, series: members.length };
  const base = { generated_at: new Date().toISOString(), model_version: version.id, selection, horizon: periods, step: table.step };
  if (exact && forecaster.parts.intervals[exact.level]) {
    const r = forecaster.forecast({ ...exact, horizon: periods });
    return { ...base, points: r.dates.map((date, k) => ({ date, forecast: r.mean[k], p80: r.p80[k], p95: r.p95[k] })), intervals: { calibrated_on: exact.level, method: 'level' } };
  }
  const mean = new Array<number>(periods).fill(0);
  for (const f of fcs) for (let k = 0; k < periods; k++) mean[k] += f[k];
  const level = closestCalibrated(model, members.length);
  const iv = level ? forecaster.parts.intervals[level] : undefined;
  const window = scaleWindowOf(table.step);
  let scale = 0;
  for (const s of members) scale += seriesScale(table, s, forecaster.origin, window);
  const clamp = forecaster.parts.clampAtZero;
  const band = (k: number, lvl: number): [number, number] => {
    if (!iv) return [Number.NaN, Number.NaN];
    const w = iv.halfWidth(k, lvl, scale);
    const lo = mean[k - 1] - w;
    return [clamp ? Math.max(0, lo) : lo, mean[k - 1] + w];
  };
  const points = mean.map((forecast, k) => ({
    date: formatDay(forecaster.origin + (k + 1) * table.step),
    forecast,
    p80: band(k + 1, INTERVAL_LEVELS[0]),
    p95: band(k + 1, INTERVAL_LEVELS[1]),
  }));
  return { ...base, points, intervals: { calibrated_on: iv ? level : null, method: iv ? 'scaled_from_level' : 'none' } };
}

const selectionKey = (state: ServingState, q: ForecastQuery, periods: number) =>
  forecastCacheKey(state.tenantId, state.version.id, { kind: 'forecast', data: state.dataKey, store: q.store ?? null, category: q.category ?? null, item: q.item ?? null, periods });

/**
 * The forecast of a selection for `q.horizon` days (whole weeks on weekly data), with 80% and 95%
 * intervals, from the production model.
 * @returns null when the tenant has no production model.
 * @throws AppError not_found naming an unknown store, category or item (details.field); conflict
 *   when the production artifact cannot serve forecasts.
 */
export async function getSelectionForecast(tenantId: string, q: ForecastQuery): Promise<SelectionForecast | null> {
  const state = await servingState(tenantId);
  if (!state) return null;
  // The horizon cap comes with the model; before it is loaded, 90 days / 13 weeks is the schema's.
  const periods = periodsOf(q.horizon, state.step, state.step === 1 ? 90 : 13);
  return cached(selectionKey(state, q, periods), async () => {
    const model = await servingModel(state);
    return computeSelection(model, q, Math.min(periods, model.forecaster.parts.maxHorizon));
  });
}

/** Periods compared by top products: daily 7 / 30 / 90 days, weekly 1 / 4 / 13 weeks. */
export function periodsOfTimePeriod(period: TimePeriod, step: 1 | 7): number {
  if (step === 1) return period === 'week' ? 7 : period === 'month' ? 30 : 90;
  return period === 'week' ? 1 : period === 'month' ? 4 : 13;
}

async function computeTopProducts(model: ServingModel, period: TimePeriod, category: string | undefined): Promise<TopProducts> {
  const { table, forecaster, version } = model;
  const periods = Math.min(periodsOfTimePeriod(period, table.step), forecaster.parts.maxHorizon);
  const base = { generated_at: new Date().toISOString(), model_version: version.id, time_period: period, periods };
  const itemKey = table.keyNames.indexOf('item');
  if (itemKey < 0) {
    if (category !== undefined) resolveOrThrow(table, { category });
    return { ...base, products: [] };
  }
  const sel = resolveOrThrow(table, { category });
  const members = sel.series.filter((s) => model.activeMask[s]);
  const fcs = await forecastSeries(model, members, periods);
  const catCol = categoryColumn(table);
  const nameCol = ITEM_NAME_COLUMNS.find((c) => c in table.categorical) ?? null;
  const byItem = new Map<number, TopProduct>();
  members.forEach((s, i) => {
    const lo = table.seriesStart[s];
    const hi = table.seriesStart[s + 1];
    let previous = 0;
    // The same number of periods up to and including the origin (an active series ends there).
    for (let r = Math.max(lo, hi - periods); r < hi; r++) if (Number.isFinite(table.target[r])) previous += table.target[r];
    let forecast = 0;
    for (let k = 0; k < periods; k++) forecast += fcs[i][k];
    const code = table.seriesKeys[itemKey][s];
    const label = (col: string | null) => {
      if (!col) return null;
      const c = table.categorical[col];
      const v = c.codes[hi - 1];
      return v >= 0 ? c.vocab[v] : null;
    };
    const cur = byItem.get(code);
    if (cur) {
      cur.forecast += forecast;
      cur.previous += previous;
    } else byItem.set(code, { item: table.keyVocab[itemKey][code], name: label(nameCol), category: label(catCol), forecast, previous, growth: null, material: false });
  });
  const items = [...byItem.values()];
  const floor = (MATERIAL_SHARE * items.reduce((sum, p) => sum + p.previous, 0)) / Math.max(1, items.length);
  const products = items.map((p) => ({ ...p, growth: p.previous > 0 ? p.forecast / p.previous - 1 : null, material: p.previous > 0 && p.previous >= floor }));
  // Material items first, by highest growth; then the small ones by growth; an item with nothing
  // sold in the previous period has no growth ratio and goes last, by its forecast.
  products.sort((a, b) => {
    if (a.material !== b.material) return a.material ? -1 : 1;
    if (a.growth !== null && b.growth !== null && a.growth !== b.growth) return b.growth - a.growth;
    if ((a.growth === null) !== (b.growth === null)) return a.growth === null ? 1 : -1;
    if (a.forecast !== b.forecast) return b.forecast - a.forecast;
    return a.item < b.item ? -1 : a.item > b.item ? 1 : 0;
  });
  return { ...base, products };
}

/**
 * Items ranked by forecast growth: the next period's forecast (summed over stores) against the
 * same-length period just before the origin. Datasets without an item key have no products.
 * @returns null when the tenant has no production model.
 * @throws AppError not_found naming an unknown category.
 */
export async function getTopProducts(tenantId: string, q: { time_period: TimePeriod; category?: string; limit: number }): Promise<TopProducts | null> {
  const state = await servingState(tenantId);
  if (!state) return null;
  const key = forecastCacheKey(state.tenantId, state.version.id, { kind: 'top-products', data: state.dataKey, period: q.time_period, category: q.category ?? null });
  const all = await cached(key, async () => computeTopProducts(await servingModel(state), q.time_period, q.category));
  return { ...all, products: all.products.slice(0, q.limit) };
}

/** A prediction row with its series given by key values (`{ store: '1', item: 'x' }`). */
export interface PredictRequestRow {
  keys: Readonly<Record<string, string>>;
  date: string;
  features?: Readonly<Record<string, number>>;
}

export interface Predictions {
  generated_at: string;
  model_version: string;
  predictions: PredictRowOutput[];
}

/**
 * Point predictions with 80% / 95% intervals for given series and days (`POST /predict`):
 * `Forecaster.predictRows`, after each row is checked so that an error names its row and field.
 * @returns null when the tenant has no production model.
 * @throws AppError bad_request naming the row and the field (unknown series key, date off the
 *   grid or beyond the horizon, unknown feature).
 */
export async function predict(tenantId: string, rows: readonly PredictRequestRow[]): Promise<Predictions | null> {
  const state = await servingState(tenantId);
  if (!state) return null;
  const model = await servingModel(state);
  const { forecaster, table } = model;
  const features = new Set(forecaster.parts.pipeline.featureNames);
  const maxDay = forecaster.origin + forecaster.parts.maxHorizon * table.step;
  const inputs: PredictRowInput[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const bad = (field: string, message: string) => new AppError('bad_request', `Row ${i}: ${message}`, { row: i, field });
    for (const k of table.keyNames) if (row.keys[k] === undefined) throw bad(k, `${k} is required (series keys: ${table.keyNames.join(', ')}).`);
    const s = forecaster.seriesIndexOf(row.keys);
    if (s < 0) {
      const j = table.keyNames.findIndex((k, jj) => !table.keyVocab[jj].includes(row.keys[k]));
      throw j >= 0 ? bad(table.keyNames[j], `unknown ${table.keyNames[j]} "${row.keys[table.keyNames[j]]}".`) : bad(table.keyNames[0], `there is no series ${table.keyNames.map((k) => `${k}=${row.keys[k]}`).join(', ')}.`);
    }
    const day = row.date.length === 10 ? parseIsoDay(row.date) : Number.NaN;
    if (!Number.isFinite(day)) throw bad('date', `"${row.date}" is not a date (YYYY-MM-DD).`);
    if ((day - forecaster.origin) % table.step !== 0) throw bad('date', `${row.date} is not on this dataset's ${table.frequency} grid.`);
    if (day > maxDay) throw bad('date', `${row.date} is after the last forecastable day ${formatDay(maxDay)} (${forecaster.parts.maxHorizon} periods after ${formatDay(forecaster.origin)}).`);
    if (day <= forecaster.origin && day - table.step < table.day[table.seriesStart[s]]) throw bad('date', `${row.date} is before this series' history starts.`);
    if (row.features) for (const name of Object.keys(row.features)) if (!features.has(name)) throw bad(`features.${name}`, `unknown feature "${name}".`);
    inputs[i] = { series: s, date: row.date, features: row.features };
  }
  // Future days reuse the recursive forecast up to them: compute it in chunks first.
  const future = new Map<number, number>();
  for (const inp of inputs) {
    const k = (parseIsoDay(inp.date) - forecaster.origin) / table.step;
    if (k > 0) future.set(inp.series, Math.max(future.get(inp.series) ?? 0, k));
  }
  const byHorizon = new Map<number, number[]>();
  for (const [s, k] of future) {
    const list = byHorizon.get(k);
    if (list) list.push(s);
    else byHorizon.set(k, [s]);
  }
  for (const [k, series] of byHorizon) await forecastSeries(model, series, k);
  let predictions: PredictRowOutput[];
  try {
    predictions = forecaster.predictRows(inputs);
  } catch (e) {
    // The checks above cover what predictRows refuses; should they ever miss a case, the model's
    // own error still names the row and field.
    if (e instanceof ForecastInputError && e.row !== null) throw new AppError('bad_request', `Row ${e.row}: ${e.message}.`, { row: e.row, field: e.field });
    throw e;
  }
  return { generated_at: new Date().toISOString(), model_version: state.version.id, predictions };
}

const warming = processSingleton('forecast.warming', () => new Map<string, Promise<void>>());

/**
 * Precomputes, in the background, what dashboards open with (in the Next.js server after a
 * model's first load and after a promotion there, see `startForecastWarmUp`; elsewhere call it):
 * every active series to the longest horizon (so any store, category or item is then a sum of cached series), the total's 30-day
 * forecast and the top products of each period. Runs once per (tenant, version, dataset); a
 * failure is logged, never thrown.
 */
export function warmForecasts(tenantId: string): Promise<void> {
  const run = async () => {
    const state = await servingState(tenantId);
    if (!state) return;
    const key = `${tenantId}\u0000${state.version.id}\u0000${state.dataKey}`;
    const running = warming.get(key);
    if (running) return running;
    const work = (async () => {
      const model = await servingModel(state);
      await forecastSeries(model, model.active, model.forecaster.parts.maxHorizon, WARM_BLOCK_MS);
      await getSelectionForecast(tenantId, { horizon: 30 });
      for (const time_period of ['week', 'month', 'quarter'] as const) await getTopProducts(tenantId, { time_period, limit: 1 });
    })();
    warming.set(key, work);
    for (const k of warming.keys()) if (k.startsWith(`${tenantId}\u0000`) && k !== key) warming.delete(k);
    return work;
  };
  return run().catch((e: unknown) => {
    for (const k of warming.keys()) if (k.startsWith(`${tenantId}\u0000`)) warming.delete(k);
    console.error(`forecast warm-up of ${tenantId} failed:`, e instanceof Error ? e.message : e);
  });
}

/**
 * Warms a tenant's forecasts after each first load of a model and after each promotion in this
 * process (once per process; later calls do nothing). The Next.js server calls it from
 * instrumentation.ts: a CLI run, a report job or a test that reads one forecast should not then
 * spend seconds forecasting every series.
 */
export function startForecastWarmUp(): void {
  const started = processSingleton('forecast.warm-up', () => ({ on: false }));
  if (started.on) return;
  started.on = true;
  onModelLoaded((m) => setImmediate(() => void warmForecasts(m.tenantId)));
  subscribeProductionChange((tenantId) => setImmediate(() => void warmForecasts(tenantId)));
}
