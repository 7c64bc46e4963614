/**
 * The feature pipeline (docs/data.md): one object, fitted on the training window, that turns a
 * DailyTable into a FeatureMatrix in bulk (training) and for a forecast origin (serving),
 * with identical values for the same day, and that is saved and reloaded with the model.
 *
 * Leakage rule: a feature of period t reads the target only at periods strictly before t
 * (lags >= 1, rolling windows and the expanding mean over t-w..t-1, online share over t-7..t-1).
 * `sum_total` (same-day revenue) is never read. Covariates known in advance (price, promotion,
 * listing, markdown plan, attributes, exogenous regressors) are read on t itself.
 *
 * One kernel (`writeRow`) computes every feature of one row from a "series view" (typed arrays
 * plus the index of the series' first row). Bulk passes the table's own arrays; serving builds a
 * small view per series whose target after the origin is NaN or the caller's predictions. The
 * same arithmetic in the same order on the same values makes served features equal bulk ones
 * bit for bit. Output layout is the FeatureMatrix's column-major layout.
 */
import { z } from 'zod';
import { createMatrix, type FeatureMatrix } from '../matrix';
import type { DailyTable } from '../data/table';
import { civilFromDay, dayFromCivil, parseIsoDay } from '../data/dates';
import { CALENDAR_FEATURES, calendarFeatures } from './calendar';
import { expandHolidays, holidaySpecSchema, RUSSIAN_HOLIDAYS, type HolidaySpec } from './holidays';

export const PIPELINE_KIND = 'foresight.feature-pipeline';
export const PIPELINE_SCHEMA_VERSION = 1;

/** Table columns the pipeline treats specially; any other numeric column is an exogenous regressor read on the day. */
const SPECIAL_NUMERIC = new Set(['sum_total', 'price', 'promo', 'promo_depth', 'promo_day', 'markdown_qty', 'markdown_price', 'online_qty']);
/** Never features: same-day revenue is the target times the price. */
export const FORBIDDEN_COLUMNS: readonly string[] = ['sum_total'];

export interface FeaturePipelineOptions {
  holidays: HolidaySpec;
  /** Lags in periods; default daily [1, 7, 14, 28, 364], weekly [1, 2, 4, 52]. */
  lags?: number[];
  /** Rolling windows in periods; default daily [7, 14, 28], weekly [4, 8, 13]. */
  windows?: number[];
  /** Categorical columns and series keys with at most this many values are one-hot encoded. */
  oneHotMaxValues: number;
  /** Smoothing m of the target encoding: (sum + m * globalMean) / (n + m). */
  targetEncodingSmoothing: number;
}

export const DEFAULT_PIPELINE_OPTIONS: Readonly<FeaturePipelineOptions> = Object.freeze({
  holidays: RUSSIAN_HOLIDAYS,
  oneHotMaxValues: 4,
  targetEncodingSmoothing: 20,
});

const encodingSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('onehot'), column: z.string(), values: z.array(z.string()) }),
  z.object({ type: z.literal('ordinal'), column: z.string(), values: z.array(z.string()) }),
  z.object({ type: z.literal('target'), column: z.string(), values: z.record(z.string(), z.number()), fallback: z.number() }),
]);
type Encoding = z.infer<typeof encodingSchema>;

const paramsSchema = z.object({
  frequency: z.enum(['daily', 'weekly']),
  step: z.union([z.literal(1), z.literal(7)]),
  targetName: z.string(),
  trainEnd: z.number().int(),
  lags: z.array(z.number().int().positive()),
  windows: z.array(z.number().int().min(2)),
  hasPrice: z.boolean(),
  hasPromo: z.boolean(),
  hasMarkdown: z.boolean(),
  hasOnline: z.boolean(),
  exogenous: z.array(z.string()),
  /** Encodings of series keys (by key name) and categorical columns. */
  keyEncodings: z.array(encodingSchema),
  categoricalEncodings: z.array(encodingSchema),
  globalMean: z.number(),
  featureNames: z.array(z.string()),
  /** Mean and standard deviation per feature over the training rows (`fitScaling`), or null. */
  scaling: z.object({ mean: z.array(z.number().nullable()), std: z.array(z.number().nullable()) }).nullable().default(null),
});
type Params = z.infer<typeof paramsSchema>;

export const pipelineJsonSchema = z.object({
  kind: z.literal(PIPELINE_KIND),
  schemaVersion: z.literal(PIPELINE_SCHEMA_VERSION),
  options: z.object({
    holidays: holidaySpecSchema,
    lags: z.array(z.number().int().positive()).optional(),
    windows: z.array(z.number().int().min(2)).optional(),
    oneHotMaxValues: z.number().int().min(0),
    targetEncodingSmoothing: z.number().min(0),
  }),
  params: paramsSchema,
});
export type FeaturePipelineJSON = z.infer<typeof pipelineJsonSchema>;

export interface FeatureSet {
  X: FeatureMatrix;
  /** Target per row (NaN where unknown). */
  y: Float64Array;
  /** Day number per row. */
  rowDate: Int32Array;
  /** Series index (of the transformed table) per row. */
  rowSeries: Int32Array;
}

/** What the kernel reads for one series: arrays indexed like the table, `lo` = the series' first row. */
interface SeriesView {
  day: Int32Array;
  y: Float64Array;
  price: Float64Array | null;
  promo: Float64Array | null;
  depth: Float64Array | null;
  promoDay: Float64Array | null;
  markdown: Float64Array | null;
  online: Float64Array | null;
  exo: Float64Array[];
  /** Per categorical encoding, the table's codes (-1 missing)... */
  cat: Int32Array[];
  /** ...and the map from a table code to the fitted vocabulary index (-1 unseen). */
  catRemap: Int32Array[];
}

/** Per-transform lookups: key codes of the table mapped to encodings, holidays. */
interface Context {
  holidays: Int32Array;
  /** Per key encoding: value per key code of the table (one-hot: fitted index or -1). */
  keyValue: Float64Array[];
  keyIndexOfEncoding: number[];
}

function mergeOptions(options: Partial<FeaturePipelineOptions>): FeaturePipelineOptions {
  const o: FeaturePipelineOptions = { ...DEFAULT_PIPELINE_OPTIONS, ...options };
  holidaySpecSchema.parse(o.holidays);
  if (!Number.isInteger(o.oneHotMaxValues) || o.oneHotMaxValues < 0) throw new RangeError(`oneHotMaxValues must be a non-negative integer, got ${o.oneHotMaxValues}`);
  if (!(o.targetEncodingSmoothing >= 0)) throw new RangeError(`targetEncodingSmoothing must be >= 0, got ${o.targetEncodingSmoothing}`);
  for (const l of o.lags ?? []) if (!Number.isInteger(l) || l < 1) throw new RangeError(`lags must be positive integers, got ${l}`);
  for (const w of o.windows ?? []) if (!Number.isInteger(w) || w < 2) throw new RangeError(`windows must be integers >= 2, got ${w}`);
  return o;
}

export class FeaturePipeline {
  readonly options: FeaturePipelineOptions;
  private params: Params | null = null;

  constructor(options: Partial<FeaturePipelineOptions> = {}) {
    this.options = mergeOptions(options);
  }

  get fitted(): boolean {
    return this.params !== null;
  }

  /** Names of the feature columns, in order. @throws Error before fit. */
  get featureNames(): readonly string[] {
    return this.requireParams().featureNames;
  }

  /**
   * Fits encodings on the rows dated on or before `trainEnd` (day number or ISO date).
   * @throws RangeError when trainEnd is not a date or no row is in the training window.
   */
  fit(table: DailyTable, opts: { trainEnd: number | string }): this {
    const trainEnd = typeof opts.trainEnd === 'string' ? parseIsoDay(opts.trainEnd) : opts.trainEnd;
    if (!Number.isFinite(trainEnd)) throw new RangeError(`trainEnd is not a date: ${opts.trainEnd}`);
    const step = table.step;
    const lags = this.options.lags ?? (step === 1 ? [1, 7, 14, 28, 364] : [1, 2, 4, 52]);
    const windows = this.options.windows ?? (step === 1 ? [7, 14, 28] : [4, 8, 13]);
    let sum = 0;
    let n = 0;
    for (let r = 0; r < table.rows; r++) {
      const v = table.target[r];
      if (table.day[r] <= trainEnd && !Number.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    if (n === 0) throw new RangeError('no known target on or before trainEnd');
    const globalMean = sum / n;
    const m = this.options.targetEncodingSmoothing;
    const maxOneHot = this.options.oneHotMaxValues;

    // Series keys: one-hot for small vocabularies, target encoding (training window only) otherwise.
    const keyEncodings: Encoding[] = table.keyNames.map((key, ki) => {
      const vocab = table.keyVocab[ki];
      if (vocab.length <= maxOneHot) return { type: 'onehot', column: key, values: [...vocab].sort() };
      const sums = new Float64Array(vocab.length);
      const counts = new Float64Array(vocab.length);
      const codes = table.seriesKeys[ki];
      for (let s = 0; s + 1 < table.seriesStart.length; s++) {
        const c = codes[s];
        for (let r = table.seriesStart[s]; r < table.seriesStart[s + 1]; r++) {
          const v = table.target[r];
          if (table.day[r] <= trainEnd && !Number.isNaN(v)) {
            sums[c] += v;
            counts[c]++;
          }
        }
      }
      const values: Record<string, number> = {};
      vocab.forEach((v, c) => {
        if (counts[c] > 0) values[v] = (sums[c] + m * globalMean) / (counts[c] + m);
      });
      return { type: 'target', column: key, values, fallback: globalMean };
    });
    const categoricalEncodings: Encoding[] = Object.entries(table.categorical).map(([name, col]) =>
      col.vocab.length <= maxOneHot
        ? { type: 'onehot', column: name, values: [...col.vocab].sort() }
        : { type: 'ordinal', column: name, values: [...col.vocab] },
    );
    const has = (c: string): boolean => c in table.numeric;
    const exogenous = Object.keys(table.numeric).filter((c) => !SPECIAL_NUMERIC.has(c));
    const p: Omit<Params, 'featureNames' | 'scaling'> = {
      frequency: table.frequency,
      step,
      targetName: table.targetName,
      trainEnd,
      lags,
      windows,
      hasPrice: has('price'),
      hasPromo: has('promo') && has('promo_depth') && has('promo_day'),
      hasMarkdown: has('markdown_qty'),
      hasOnline: has('online_qty'),
      exogenous,
      keyEncodings,
      categoricalEncodings,
      globalMean,
    };
    this.params = { ...p, featureNames: featureNamesOf(p), scaling: null };
    return this;
  }

  /** Bulk features of every row of the table (training, backtests). @throws Error before fit. */
  transform(table: DailyTable): FeatureSet {
    const p = this.requireParams();
    this.checkTable(table);
    const rows = table.rows;
    const names = p.featureNames;
    const X = createMatrix(rows, names);
    const out = X.values as Float64Array;
    const view = this.viewOf(table);
    const ctx = this.contextOf(table, minMaxDay(table.day, table.step));
    const rowSeries = new Int32Array(rows);
    const nSeries = table.seriesStart.length - 1;
    const expanding = { sum: 0, count: 0 };
    for (let s = 0; s < nSeries; s++) {
      const lo = table.seriesStart[s];
      const hi = table.seriesStart[s + 1];
      expanding.sum = 0;
      expanding.count = 0;
      for (let r = lo; r < hi; r++) {
        rowSeries[r] = s;
        // Expanding mean strictly before r: the running sum, updated in the same order serving uses.
        if (r > lo) addExpanding(expanding, view.y[r - 1]);
        writeRow(p, ctx, table, s, view, lo, r, expanding, out, r, rows);
      }
    }
    return { X, y: Float64Array.from(table.target), rowDate: Int32Array.from(table.day), rowSeries };
  }

  /**
   * Features of chosen rows of the table (days inside the history, e.g. predictions of past days
   * from their true lags): row `rows[j]` of the table becomes row j of the result, with exactly the
   * values `transform` gives that row, from the days before it only, without featurising the other
   * rows. Costs one pass over each chosen series' rows up to its last chosen row (the expanding
   * mean), not one per chosen row.
   * @throws Error before fit; RangeError on a row index outside the table.
   */
  transformRows(table: DailyTable, rows: ArrayLike<number>): FeatureSet {
    const p = this.requireParams();
    this.checkTable(table);
    const n = rows.length;
    const X = createMatrix(n, p.featureNames);
    const out = X.values as Float64Array;
    const y = new Float64Array(n);
    const rowDate = new Int32Array(n);
    const rowSeries = new Int32Array(n);
    if (n === 0) return { X, y, rowDate, rowSeries };
    for (let j = 0; j < n; j++) {
      const r = rows[j];
      if (!Number.isInteger(r) || r < 0 || r >= table.rows) throw new RangeError(`row index out of range: ${r}`);
    }
    // In table order, so each series' expanding mean is accumulated once, forward.
    const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => rows[a] - rows[b]);
    const view = this.viewOf(table);
    let minDay = Infinity;
    let maxDay = -Infinity;
    for (let j = 0; j < n; j++) {
      const d = table.day[rows[j]];
      if (d < minDay) minDay = d;
      if (d > maxDay) maxDay = d;
    }
    const ctx = this.contextOf(table, { min: minDay, max: maxDay });
    const expanding = { sum: 0, count: 0 };
    let s = -1;
    let hi = 0;
    let lo = 0;
    let done = 0; // rows of series s already added to the expanding mean: [lo, done)
    for (const j of order) {
      const r = rows[j];
      if (r >= hi) {
        // The series of row r: the table's rows are grouped by series, in seriesStart order.
        let a = 0;
        let b = table.seriesStart.length - 1;
        while (b - a > 1) {
          const m = (a + b) >> 1;
          if (table.seriesStart[m] <= r) a = m;
          else b = m;
        }
        s = a;
        lo = table.seriesStart[s];
        hi = table.seriesStart[s + 1];
        done = lo;
        expanding.sum = 0;
        expanding.count = 0;
      }
      for (; done < r; done++) addExpanding(expanding, view.y[done]);
      writeRow(p, ctx, table, s, view, lo, r, expanding, out, j, n);
      y[j] = table.target[r];
      rowDate[j] = table.day[r];
      rowSeries[j] = s;
    }
    return { X, y, rowDate, rowSeries };
  }

  /**
   * Serving features at a forecast origin: for each chosen series, the periods origin + k * step,
   * k = 1..horizon. Targets after the origin are unknown (NaN) unless `overrides` gives them
   * (recursive forecasting passes its predictions: overrides.get(series)[k - 1] is period k).
   * Covariates of periods beyond the table carry forward from the series' last row
   * (as-of semantics: a price holds until the next; no promotion, no markdown).
   * @throws Error before fit; RangeError on a bad origin or horizon.
   */
  transformOrigin(
    table: DailyTable,
    origin: number | string,
    opts: { horizon: number; series?: readonly number[]; overrides?: ReadonlyMap<number, ArrayLike<number>> },
  ): FeatureSet {
    const p = this.requireParams();
    this.checkTable(table);
    const o = typeof origin === 'string' ? parseIsoDay(origin) : origin;
    if (!Number.isFinite(o)) throw new RangeError(`origin is not a date: ${origin}`);
    if (!Number.isInteger(opts.horizon) || opts.horizon < 1 || opts.horizon > 1000) throw new RangeError(`horizon must be an integer in [1, 1000], got ${opts.horizon}`);
    const nSeries = table.seriesStart.length - 1;
    const series = opts.series ?? Array.from({ length: nSeries }, (_, s) => s);
    const h = opts.horizon;
    const step = table.step;
    const rows = series.length * h;
    const X = createMatrix(rows, p.featureNames);
    const out = X.values as Float64Array;
    out.fill(NaN);
    const y = new Float64Array(rows).fill(NaN);
    const rowDate = new Int32Array(rows);
    const rowSeries = new Int32Array(rows);
    const full = this.viewOf(table);
    const ctx = this.contextOf(table, { min: o - 800, max: o + h * step + 800 });
    const expanding = { sum: 0, count: 0 };
    series.forEach((s, si) => {
      if (!Number.isInteger(s) || s < 0 || s >= nSeries) throw new RangeError(`series index out of range: ${s}`);
      const lo = table.seriesStart[s];
      const hi = table.seriesStart[s + 1];
      const lastDay = o + h * step;
      for (let k = 1; k <= h; k++) {
        rowDate[si * h + k - 1] = o + k * step;
        rowSeries[si * h + k - 1] = s;
      }
      if (hi <= lo || table.day[lo] > lastDay) return; // the series does not exist yet: NaN row
      const first = table.day[lo];
      const len = (lastDay - first) / step + 1;
      if (!Number.isInteger(len)) throw new RangeError('origin is not on the series grid');
      const v = sliceView(full, lo, hi, len, step);
      const ov = opts.overrides?.get(s);
      for (let i = 0; i < len; i++) {
        const d = first + i * step;
        if (d > o) {
          const k = (d - o) / step;
          v.y[i] = ov !== undefined && k - 1 < ov.length ? ov[k - 1] : NaN;
          // Online sales after the origin are as unknown as the target.
          if (v.online) v.online[i] = NaN;
        }
      }
      expanding.sum = 0;
      expanding.count = 0;
      let done = 1;
      for (let k = 1; k <= h; k++) {
        const d = o + k * step;
        const i = (d - first) / step;
        if (i < 0) continue;
        for (; done <= i; done++) addExpanding(expanding, v.y[done - 1]);
        const outRow = si * h + k - 1;
        const r = lo + i;
        if (r < hi) y[outRow] = table.target[r];
        writeRow(p, ctx, table, s, v, 0, i, expanding, out, outRow, rows);
      }
    });
    return { X, y, rowDate, rowSeries };
  }

  /**
   * Fits per-feature mean and standard deviation (Welford, NaN skipped) on the rows of a bulk
   * feature set dated on or before trainEnd, for models that need standardised inputs (ridge).
   * Saved with the pipeline. @throws Error before fit; RangeError when the columns differ.
   */
  fitScaling(features: FeatureSet): this {
    const p = this.requireParams();
    const { X, rowDate } = features;
    if (X.names.join('\u0000') !== p.featureNames.join('\u0000')) throw new RangeError('fitScaling: the feature set has other columns');
    const mean: (number | null)[] = [];
    const std: (number | null)[] = [];
    for (let c = 0; c < X.cols; c++) {
      let n = 0;
      let m = 0;
      let m2 = 0;
      const base = c * X.rows;
      for (let r = 0; r < X.rows; r++) {
        const v = X.values[base + r];
        if (rowDate[r] > p.trainEnd || Number.isNaN(v)) continue;
        n++;
        const d = v - m;
        m += d / n;
        m2 += d * (v - m);
      }
      mean.push(n > 0 ? m : null);
      std.push(n > 1 ? Math.sqrt(m2 / (n - 1)) : null);
    }
    p.scaling = { mean, std };
    return this;
  }

  /**
   * A standardised copy: (x - mean) / std per column; a column without statistics or with zero
   * spread is only centred (or left as is); NaN stays NaN. The input is not modified.
   * @throws Error when fitScaling was not called.
   */
  standardize(X: FeatureMatrix): FeatureMatrix {
    const p = this.requireParams();
    if (!p.scaling) throw new Error('FeaturePipeline: call fitScaling() first');
    if (X.cols !== p.featureNames.length) throw new RangeError(`expected ${p.featureNames.length} columns, got ${X.cols}`);
    const out = new Float64Array(X.values.length);
    for (let c = 0; c < X.cols; c++) {
      const m = p.scaling.mean[c] ?? 0;
      const sd = p.scaling.std[c];
      const inv = sd !== null && sd > 0 ? 1 / sd : 1;
      const base = c * X.rows;
      for (let r = 0; r < X.rows; r++) out[base + r] = (X.values[base + r] - m) * inv;
    }
    return createMatrix(X.rows, X.names, out);
  }

  toJSON(): FeaturePipelineJSON {
    const p = this.requireParams();
    return {
      kind: PIPELINE_KIND,
      schemaVersion: PIPELINE_SCHEMA_VERSION,
      options: {
        holidays: this.options.holidays,
        ...(this.options.lags ? { lags: [...this.options.lags] } : {}),
        ...(this.options.windows ? { windows: [...this.options.windows] } : {}),
        oneHotMaxValues: this.options.oneHotMaxValues,
        targetEncodingSmoothing: this.options.targetEncodingSmoothing,
      },
      params: p,
    };
  }

  /** @throws ZodError when kind, version or content do not match. */
  static fromJSON(json: unknown): FeaturePipeline {
    const parsed = pipelineJsonSchema.parse(json);
    const pipe = new FeaturePipeline(parsed.options);
    if (featureNamesOf(parsed.params).join('\u0000') !== parsed.params.featureNames.join('\u0000')) {
      throw new RangeError('saved feature names do not match the saved parameters');
    }
    pipe.params = parsed.params;
    return pipe;
  }

  private requireParams(): Params {
    if (!this.params) throw new Error('FeaturePipeline: call fit() first');
    return this.params;
  }

  private checkTable(t: DailyTable): void {
    const p = this.requireParams();
    if (t.step !== p.step) throw new RangeError(`table frequency ${t.frequency} differs from the fitted ${p.frequency}`);
    for (const e of p.exogenous) if (!(e in t.numeric)) throw new RangeError(`table lacks the column ${e}`);
    for (const e of p.categoricalEncodings) if (!(e.column in t.categorical)) throw new RangeError(`table lacks the column ${e.column}`);
    for (const e of p.keyEncodings) if (!t.keyNames.includes(e.column)) throw new RangeError(`table lacks the series key ${e.column}`);
  }

  private viewOf(t: DailyTable): SeriesView {
    const p = this.requireParams();
    const num = (c: string): Float64Array | null => t.numeric[c] ?? null;
    return {
      day: t.day,
      y: t.target,
      price: p.hasPrice ? num('price') : null,
      promo: p.hasPromo ? num('promo') : null,
      depth: p.hasPromo ? num('promo_depth') : null,
      promoDay: p.hasPromo ? num('promo_day') : null,
      markdown: p.hasMarkdown ? num('markdown_qty') : null,
      online: p.hasOnline ? num('online_qty') : null,
      exo: p.exogenous.map((c) => t.numeric[c]),
      cat: p.categoricalEncodings.map((e) => t.categorical[e.column].codes as Int32Array),
      catRemap: p.categoricalEncodings.map((e) => {
        const fitted = new Map((e.type === 'target' ? [] : e.values).map((v, i) => [v, i]));
        return Int32Array.from(t.categorical[e.column].vocab, (v) => fitted.get(v) ?? -1);
      }),
    };
  }

  private contextOf(t: DailyTable, range: { min: number; max: number }): Context {
    const p = this.requireParams();
    const y0 = civilFromDay(range.min).year - 2;
    const y1 = civilFromDay(range.max).year + 2;
    const holidays = expandHolidays(this.options.holidays, dayFromCivil(y0, 1, 1), dayFromCivil(y1, 12, 31));
    const keyIndexOfEncoding = p.keyEncodings.map((e) => t.keyNames.indexOf(e.column));
    const keyValue = p.keyEncodings.map((e, i) => {
      const vocab = t.keyVocab[keyIndexOfEncoding[i]];
      if (e.type === 'target') return Float64Array.from(vocab, (v) => e.values[v] ?? e.fallback);
      const idx = new Map(e.values.map((v, j) => [v, j]));
      return Float64Array.from(vocab, (v) => idx.get(v) ?? -1);
    });
    return { holidays, keyValue, keyIndexOfEncoding };
  }
}

function featureNamesOf(p: Omit<Params, 'featureNames' | 'scaling'>): string[] {
  const names: string[] = [...CALENDAR_FEATURES];
  for (const l of p.lags) names.push(`lag_${l}`);
  for (const w of p.windows) names.push(`roll_mean_${w}`, `roll_std_${w}`, `roll_min_${w}`, `roll_max_${w}`);
  names.push('expanding_mean');
  if (p.hasPrice) names.push('price', 'price_rel_28');
  if (p.hasPromo) names.push('promo', 'promo_depth', 'promo_day');
  if (p.hasMarkdown) names.push('markdown');
  if (p.hasOnline) names.push('online_share_7');
  for (const e of p.exogenous) names.push(e);
  for (const e of [...p.keyEncodings, ...p.categoricalEncodings]) {
    if (e.type === 'onehot') for (const v of e.values) names.push(`${e.column}=${v}`);
    else if (e.type === 'ordinal') names.push(`${e.column}_code`);
    else names.push(`${e.column}_target_enc`);
  }
  names.push('series_age');
  return names;
}

function minMaxDay(day: Int32Array, step: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < day.length; i++) {
    if (day[i] < min) min = day[i];
    if (day[i] > max) max = day[i];
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: step };
}

function addExpanding(acc: { sum: number; count: number }, v: number): void {
  if (!Number.isNaN(v)) {
    acc.sum += v;
    acc.count++;
  }
}

/** A copy of rows [lo, hi) of the view, extended to `len` rows by carrying covariates forward. */
function sliceView(v: SeriesView, lo: number, hi: number, len: number, step: number): SeriesView {
  const have = Math.min(hi - lo, len);
  const copyF = (a: Float64Array | null, fillForward: boolean): Float64Array | null => {
    if (!a) return null;
    const out = new Float64Array(len);
    out.set(a.subarray(lo, lo + have));
    const last = have > 0 ? out[have - 1] : NaN;
    out.fill(fillForward ? last : 0, have);
    return out;
  };
  const day = new Int32Array(len);
  for (let i = 0; i < len; i++) day[i] = v.day[lo] + i * step;
  const y = new Float64Array(len).fill(NaN);
  y.set(v.y.subarray(lo, lo + have));
  return {
    day,
    y,
    price: copyF(v.price, true),
    promo: copyF(v.promo, false),
    depth: copyF(v.depth, false),
    promoDay: copyF(v.promoDay, false),
    markdown: copyF(v.markdown, false),
    online: copyF(v.online, false),
    exo: v.exo.map((a) => copyF(a, true) as Float64Array),
    cat: v.cat.map((a) => {
      const out = new Int32Array(len);
      out.set(a.subarray(lo, lo + have));
      out.fill(have > 0 ? out[have - 1] : -1, have);
      return out;
    }),
    catRemap: v.catRemap,
  };
}

/**
 * All features of row i of a series view whose first row is `lo`, written to column-major `out`
 * at row `outRow` of `nOut` rows. Reads the target only at rows lo..i-1.
 */
function writeRow(
  p: Params,
  ctx: Context,
  table: DailyTable,
  s: number,
  v: SeriesView,
  lo: number,
  i: number,
  expanding: { sum: number; count: number },
  out: Float64Array,
  outRow: number,
  nOut: number,
): void {
  const day = v.day[i];
  const y = v.y;
  calendarFeatures(day, p.step, ctx.holidays, out, outRow, nOut);
  let c = CALENDAR_FEATURES.length;
  for (const l of p.lags) {
    out[(c++) * nOut + outRow] = i - l >= lo ? y[i - l] : NaN;
  }
  for (const w of p.windows) {
    const a = Math.max(lo, i - w);
    let n = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let j = a; j < i; j++) {
      const x = y[j];
      if (Number.isNaN(x)) continue;
      n++;
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const mean = n > 0 ? sum / n : NaN;
    let ss = 0;
    if (n > 1) {
      for (let j = a; j < i; j++) {
        const x = y[j];
        if (!Number.isNaN(x)) ss += (x - mean) * (x - mean);
      }
    }
    out[(c++) * nOut + outRow] = mean;
    out[(c++) * nOut + outRow] = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
    out[(c++) * nOut + outRow] = n > 0 ? min : NaN;
    out[(c++) * nOut + outRow] = n > 0 ? max : NaN;
  }
  out[(c++) * nOut + outRow] = expanding.count > 0 ? expanding.sum / expanding.count : NaN;
  if (p.hasPrice) {
    const price = v.price as Float64Array;
    out[(c++) * nOut + outRow] = price[i];
    // Mean price over the 28 days ending on the day (prices are known in advance, so the day counts).
    const span = Math.max(1, Math.round(28 / p.step));
    const a = Math.max(lo, i - span + 1);
    let n = 0;
    let sum = 0;
    for (let j = a; j <= i; j++) {
      if (!Number.isNaN(price[j])) {
        sum += price[j];
        n++;
      }
    }
    out[(c++) * nOut + outRow] = n > 0 && sum !== 0 ? price[i] / (sum / n) : NaN;
  }
  if (p.hasPromo) {
    out[(c++) * nOut + outRow] = (v.promo as Float64Array)[i];
    out[(c++) * nOut + outRow] = (v.depth as Float64Array)[i];
    out[(c++) * nOut + outRow] = (v.promoDay as Float64Array)[i];
  }
  if (p.hasMarkdown) out[(c++) * nOut + outRow] = (v.markdown as Float64Array)[i] > 0 ? 1 : 0;
  if (p.hasOnline) {
    const online = v.online as Float64Array;
    const a = Math.max(lo, i - 7);
    let on = 0;
    let off = 0;
    for (let j = a; j < i; j++) {
      if (!Number.isNaN(online[j])) on += online[j];
      if (!Number.isNaN(y[j])) off += y[j];
    }
    out[(c++) * nOut + outRow] = on + off > 0 ? on / (on + off) : NaN;
  }
  for (const e of v.exo) out[(c++) * nOut + outRow] = e[i];
  p.keyEncodings.forEach((e, k) => {
    const value = ctx.keyValue[k][table.seriesKeys[ctx.keyIndexOfEncoding[k]][s]];
    if (e.type === 'onehot') {
      for (let j = 0; j < e.values.length; j++) out[(c++) * nOut + outRow] = value === j ? 1 : 0;
    } else out[(c++) * nOut + outRow] = value;
  });
  p.categoricalEncodings.forEach((e, k) => {
    const raw = v.cat[k][i];
    const code = raw >= 0 ? v.catRemap[k][raw] : -1;
    if (e.type === 'onehot') {
      for (let j = 0; j < e.values.length; j++) out[(c++) * nOut + outRow] = code === j ? 1 : 0;
    } else out[(c++) * nOut + outRow] = code >= 0 ? code : NaN;
  });
  out[c * nOut + outRow] = day - v.day[lo];
}
