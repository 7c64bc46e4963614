/**
 * Serving forecasts (docs/ml.md): a fitted pipeline and predictor over a tenant's table, forecasting
 * 1..H periods after the origin (the table's last day unless given) for a series or for a store,
 * category or the total as bottom-up sums of its series' recursive forecasts, with 80% and 95%
 * scaled-conformal intervals calibrated at that level.
 *
 * The table is extended once with future periods and the planned promotions (`extendTable`), so
 * future price and promotion features are known; lags are refreshed from the model's own
 * predictions (`recursiveForecast` of `ml/forecasting.ts`), never from actuals after the origin.
 * Series forecasts are cached per series and horizon, so a store forecast after an item forecast
 * reuses the item.
 */
import { dateRange, extendTable, seriesCount, seriesIndex, seriesLabel, type DailyTable, type PlannedEvent, type SeriesIndex } from '../data/table';
import { formatDay, parseIsoDay } from '../data/dates';
import type { FeaturePipeline } from '../features/pipeline';
import { recursiveForecast, type Predictor } from '../forecasting';
import { createMatrix } from '../matrix';
import { seriesScale } from './backtest';
import { INTERVAL_LEVELS, scaleWindowOf, type ScaledConformal } from './intervals';
import { ForecastInputError } from './errors';
import { levelAvailable, membersByGroup, type ForecastLevel, type GroupLevel } from './levels';

/** What to forecast: one series by its index (`seriesIndexOf`), or a group by its key. */
export type ForecastRequest =
  | { level: 'series'; series: number; horizon: number }
  | {
      level: GroupLevel;
      /** Store id, category (`dept_name=X` or `class_name=X`); ignored for total. */
      key?: string;
      horizon: number;
    };

export interface ForecastResult {
  level: ForecastLevel;
  /** The group's key; for a series its label (for display). */
  key: string;
  /** ISO dates of steps 1..horizon. */
  dates: string[];
  mean: number[];
  p80: [number, number][];
  p95: [number, number][];
  /** Series summed into this forecast. */
  series: number;
}

/** A row for `predictRows`: a series (its index, see `seriesIndexOf`) and a day, optionally with feature values set directly. */
export interface PredictRowInput {
  series: number;
  date: string;
  /** Feature values replacing the computed ones (e.g. a what-if price or promo); names from featureNames. */
  features?: Readonly<Record<string, number>>;
}

export interface PredictRowOutput {
  /** The series' label (for display). */
  series: string;
  date: string;
  /** Periods after the origin (0 or less: a day inside the history, predicted one step ahead from true lags). */
  horizon: number;
  prediction: number;
  p80: [number, number];
  p95: [number, number];
}

export interface ForecasterParts {
  pipeline: FeaturePipeline;
  predictor: Predictor;
  /** Calibrated intervals per level; a level without them gets NaN bounds. */
  intervals: Partial<Record<ForecastLevel, ScaledConformal>>;
  clampAtZero: boolean;
  /** Longest horizon served: 90 daily, 13 weekly. */
  maxHorizon: number;
}

export class Forecaster {
  readonly origin: number;
  private readonly table: DailyTable;
  private readonly extended: DailyTable;
  private readonly cache = new Map<number, Float64Array>();
  private readonly groups = new Map<GroupLevel, Map<string, number[]>>();
  private index: SeriesIndex | undefined;
  /** Labels made so far (a batch of predictions names the same series many times). */
  private readonly labels: string[] = [];

  /**
   * @param table the history (actuals up to the origin at least)
   * @param planned promotions planned after the table's last day (ignored when origin is earlier)
   * @param origin the last day with actuals used; default the table's last day
   */
  constructor(
    readonly parts: ForecasterParts,
    table: DailyTable,
    planned: readonly PlannedEvent[] = [],
    origin?: number | string,
  ) {
    this.table = table;
    const last = dateRange(table).last;
    const o = origin === undefined ? last : typeof origin === 'string' ? parseIsoDay(origin) : origin;
    if (!Number.isFinite(o)) throw new RangeError(`origin is not a date: ${String(origin)}`);
    this.origin = o;
    if (o >= last) {
      const until = o + parts.maxHorizon * table.step;
      const ok = planned.filter((e) => {
        const lo = table.seriesStart[e.series];
        const hi = table.seriesStart[e.series + 1];
        return e.series >= 0 && e.series < seriesCount(table) && hi > lo && e.day > table.day[hi - 1] && e.day <= until && (e.day - table.day[hi - 1]) % table.step === 0;
      });
      this.extended = extendTable(table, until, ok);
    } else this.extended = table;
  }

  /** Levels this dataset supports. */
  get levels(): ForecastLevel[] {
    return (['series', 'store', 'category', 'total'] as const).filter((l) => levelAvailable(this.table, l));
  }

  /** Keys of a group level (store ids, categories, 'total'), sorted; a group with no series at the origin has none. */
  keys(level: GroupLevel): string[] {
    return [...this.groupMap(level).keys()];
  }

  /** Whether a group level has the group `key` (it has series at the origin). */
  hasGroup(level: GroupLevel, key: string): boolean {
    return this.groupMap(level).has(key);
  }

  /** Number of series; a series is an index from 0 to this minus 1. */
  get seriesCount(): number {
    return seriesCount(this.table);
  }

  /** The series whose key values are `keys` (e.g. `{ store: '1', item: 'a' }`; other names ignored), or -1. */
  seriesIndexOf(keys: Readonly<Record<string, string | undefined>>): number {
    this.index ??= seriesIndex(this.table);
    return this.index.indexOf(keys);
  }

  /** The label of series s, `store=1|item=a`: for display, never to identify it. */
  seriesLabel(s: number): string {
    return (this.labels[s] ??= seriesLabel(this.table, s));
  }

  /** Series that exist at the origin (aggregates sum these). */
  private active(s: number): boolean {
    const lo = this.table.seriesStart[s];
    const hi = this.table.seriesStart[s + 1];
    return hi > lo && this.table.day[lo] <= this.origin && this.table.day[hi - 1] >= this.origin;
  }

  private groupMap(level: GroupLevel): Map<string, number[]> {
    let g = this.groups.get(level);
    if (!g) {
      g = membersByGroup(this.table, level);
      for (const [k, members] of g) {
        const live = members.filter((s) => this.active(s));
        if (live.length > 0) g.set(k, live);
        else g.delete(k);
      }
      this.groups.set(level, g);
    }
    return g;
  }

  /** Recursive forecasts of the given series (cached), each a Float64Array of `horizon` values. */
  seriesForecasts(series: readonly number[], horizon: number): Float64Array[] {
    this.checkHorizon(horizon);
    const missing = series.filter((s) => (this.cache.get(s)?.length ?? 0) < horizon);
    if (missing.length > 0) {
      const fc = recursiveForecast(this.parts.predictor, this.parts.pipeline, this.extended, this.origin, {
        horizon,
        series: missing,
        clampAtZero: this.parts.clampAtZero,
      });
      missing.forEach((s, i) => {
        const v = fc.values.slice(i * horizon, (i + 1) * horizon);
        for (let k = 0; k < horizon; k++) if (!Number.isFinite(v[k])) v[k] = 0;
        this.cache.set(s, v);
      });
    }
    return series.map((s) => (this.cache.get(s) as Float64Array).subarray(0, horizon));
  }

  /**
   * Forecast of a series or group with its intervals.
   * @throws ForecastInputError on a bad horizon, an unknown series or an unknown key;
   *   RangeError on an unsupported level.
   */
  forecast(request: ForecastRequest): ForecastResult {
    const { level, horizon } = request;
    this.checkHorizon(horizon);
    let key: string;
    let members: number[] | undefined;
    if (request.level === 'series') {
      const s = request.series;
      if (!Number.isInteger(s) || s < 0 || s >= seriesCount(this.table)) throw new ForecastInputError(`unknown series: ${s}`, null, 'series');
      key = this.seriesLabel(s);
      members = [s];
    } else {
      key = request.level === 'total' ? 'total' : (request.key ?? '');
      members = this.groupMap(request.level).get(key);
      if (!members) throw new ForecastInputError(`unknown ${level} key: ${key}`, null, 'key');
    }
    const fcs = this.seriesForecasts(members, horizon);
    const mean = new Array<number>(horizon).fill(0);
    for (const f of fcs) for (let k = 0; k < horizon; k++) mean[k] += f[k];
    let scale = 0;
    const window = scaleWindowOf(this.table.step);
    for (const s of members) scale += seriesScale(this.table, s, this.origin, window);
    const iv = this.parts.intervals[level];
    const band = (k: number, lvl: number): [number, number] => {
      if (!iv) return [NaN, NaN];
      const w = iv.halfWidth(k, lvl, scale);
      const lo = mean[k - 1] - w;
      return [this.parts.clampAtZero ? Math.max(0, lo) : lo, mean[k - 1] + w];
    };
    const dates = Array.from({ length: horizon }, (_, k) => formatDay(this.origin + (k + 1) * this.table.step));
    return {
      level,
      key,
      dates,
      mean,
      p80: mean.map((_, k) => band(k + 1, INTERVAL_LEVELS[0])),
      p95: mean.map((_, k) => band(k + 1, INTERVAL_LEVELS[1])),
      series: members.length,
    };
  }

  /**
   * Point predictions for given series and days, with feature values optionally set directly
   * (`POST /predict`). A day inside the history is predicted one step ahead from its true lags;
   * a day after the origin gets lags refreshed from the recursive forecast up to it.
   * Rows are featurised in groups (history rows per day, future rows per horizon: one
   * `transformOrigin` per group over all its series) and predicted as one matrix, so a batch
   * costs little more than its distinct days; each result equals the row predicted alone. A
   * future day without overrides is read from the (cached) recursive forecast, which made exactly
   * that prediction at its step.
   * @throws ForecastInputError naming the row and field: an unknown series or feature, a date off
   *   the grid or beyond the horizon.
   */
  predictRows(rows: readonly PredictRowInput[]): PredictRowOutput[] {
    const names = this.parts.pipeline.featureNames;
    const cols = names.length;
    const index = new Map(names.map((n, i) => [n, i]));
    const window = scaleWindowOf(this.table.step);
    const step = this.table.step;
    const seriesOf = new Int32Array(rows.length);
    const dayOf = new Int32Array(rows.length);
    const kOf = new Int32Array(rows.length);
    // Matrix row of each input row, -1 for a future day without overrides (the recursive
    // forecast's own step k, read from its cache: no featurising).
    const matrixRow = new Int32Array(rows.length).fill(-1);
    // Group key: the day for a history row (k <= 0), -k for a future row with overrides.
    const groups = new Map<number, { future: boolean; rows: number[] }>();
    // History rows on a day their series has a table row for, and that row.
    const direct: number[] = [];
    const tableRowOf = new Int32Array(rows.length);
    let n = 0;
    rows.forEach((row, i) => {
      const s = row.series;
      if (!Number.isInteger(s) || s < 0 || s >= seriesCount(this.table)) throw new ForecastInputError(`unknown series: ${s}`, i, 'series');
      const day = parseIsoDay(row.date);
      if (!Number.isFinite(day)) throw new ForecastInputError(`not a date: ${row.date}`, i, 'date');
      const k = (day - this.origin) / step;
      if (!Number.isInteger(k)) throw new ForecastInputError(`${row.date} is not on the series' ${this.table.frequency} grid`, i, 'date');
      if (k > this.parts.maxHorizon) throw new ForecastInputError(`${row.date} is beyond the ${this.parts.maxHorizon}-period horizon`, i, 'date');
      const overridden = Object.keys(row.features ?? {});
      for (const name of overridden) if (!index.has(name)) throw new ForecastInputError(`unknown feature: ${name}`, i, `features.${name}`);
      seriesOf[i] = s;
      dayOf[i] = day;
      kOf[i] = k;
      if (k > 0 && overridden.length === 0) return;
      matrixRow[i] = n++;
      if (k <= 0) {
        // A day the series has a row for: that row's own features (transformRows), all such rows at once.
        const lo = this.table.seriesStart[s];
        const r = lo + (day - this.table.day[lo]) / step;
        if (r >= lo && r < this.table.seriesStart[s + 1] && this.table.day[r] === day) {
          tableRowOf[i] = r;
          direct.push(i);
          return;
        }
      }
      const key = k <= 0 ? day : -k;
      const g = groups.get(key);
      if (g) g.rows.push(i);
      else groups.set(key, { future: k > 0, rows: [i] });
    });
    // Column-major like every FeatureMatrix: feature c of matrix row m at values[c * n + m].
    const values = new Float64Array(n * cols);
    const overrideInto = (i: number) => {
      for (const [name, v] of Object.entries(rows[i].features ?? {})) values[(index.get(name) as number) * n + matrixRow[i]] = v;
    };
    if (direct.length > 0) {
      const fs = this.parts.pipeline.transformRows(this.table, direct.map((i) => tableRowOf[i]));
      const src = fs.X.values;
      direct.forEach((i, j) => {
        const m = matrixRow[i];
        for (let c = 0; c < cols; c++) values[c * n + m] = src[c * direct.length + j];
        overrideInto(i);
      });
    }
    for (const [key, g] of groups) {
      const series = [...new Set(g.rows.map((i) => seriesOf[i]))];
      const position = new Map(series.map((s, j) => [s, j]));
      let fs;
      let h = 1;
      if (!g.future) fs = this.parts.pipeline.transformOrigin(this.table, key - step, { horizon: 1, series });
      else {
        h = -key;
        const fcs = this.seriesForecasts(series, h);
        const overrides = new Map(series.map((s, j) => [s, fcs[j]]));
        fs = this.parts.pipeline.transformOrigin(this.extended, this.origin, { horizon: h, series, overrides });
      }
      const src = fs.X.values;
      const srcRows = fs.X.rows;
      for (const i of g.rows) {
        const r = (position.get(seriesOf[i]) as number) * h + h - 1;
        const m = matrixRow[i];
        for (let c = 0; c < cols; c++) values[c * n + m] = src[c * srcRows + r];
        overrideInto(i);
      }
    }
    const pred = n > 0 ? this.parts.predictor.predict(createMatrix(n, names, values)) : new Float64Array(0);
    const iv = this.parts.intervals.series;
    return rows.map((row, i) => {
      const k = kOf[i];
      let p = matrixRow[i] >= 0 ? pred[matrixRow[i]] : this.seriesForecasts([seriesOf[i]], k)[0][k - 1];
      if (this.parts.clampAtZero && p < 0) p = 0;
      const hb = Math.max(1, k);
      const scale = seriesScale(this.table, seriesOf[i], Math.min(this.origin, dayOf[i] - step), window);
      const band = (lvl: number): [number, number] => {
        if (!iv) return [NaN, NaN];
        const w = iv.halfWidth(hb, lvl, scale);
        return [this.parts.clampAtZero ? Math.max(0, p - w) : p - w, p + w];
      };
      return { series: this.seriesLabel(seriesOf[i]), date: row.date, horizon: k, prediction: p, p80: band(INTERVAL_LEVELS[0]), p95: band(INTERVAL_LEVELS[1]) };
    });
  }

  private checkHorizon(h: number): void {
    if (!Number.isInteger(h) || h < 1 || h > this.parts.maxHorizon) throw new ForecastInputError(`horizon must be an integer in [1, ${this.parts.maxHorizon}], got ${h}`, null, 'horizon');
  }
}
