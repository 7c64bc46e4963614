/**
 * Descriptive figures of a DailyTable for the dashboards (docs/serving.md): totals over windows, breakdowns
 * by a key or attribute, seasonality and a two-way heatmap. Pure: one pass over typed arrays each.
 */
import { civilFromDay, dayOfWeek, formatDay } from './dates';
import { dateRange, seriesCount, type DailyTable } from './table';

export interface WindowTotals {
  from: string;
  to: string;
  target: number;
  /** Sum of another numeric column (e.g. revenue `sum_total`) when the table has it. */
  value: number | null;
  /** Periods in the window that have data. */
  periods: number;
}

/** Rows where `column` (a key or categorical attribute) equals `value`: a mask for the functions below. */
export function rowMask(t: DailyTable, column: string, value: string): Uint8Array {
  const { codes, vocab } = rowCodes(t, column);
  const code = vocab.indexOf(value);
  const mask = new Uint8Array(t.rows);
  if (code < 0) return mask;
  for (let r = 0; r < t.rows; r++) if (codes[r] === code) mask[r] = 1;
  return mask;
}

/** Sum of the target (and an optional value column) over days [from, to], optionally on masked rows only. */
export function windowTotals(t: DailyTable, fromDay: number, toDay: number, valueColumn?: string, mask?: Uint8Array): WindowTotals {
  const value = valueColumn ? t.numeric[valueColumn] : undefined;
  let target = 0;
  let v = 0;
  const seen = new Set<number>();
  for (let r = 0; r < t.rows; r++) {
    if (mask && !mask[r]) continue;
    const d = t.day[r];
    if (d < fromDay || d > toDay) continue;
    const y = t.target[r];
    if (Number.isFinite(y)) target += y;
    if (value && Number.isFinite(value[r])) v += value[r];
    seen.add(d);
  }
  return { from: formatDay(fromDay), to: formatDay(toDay), target, value: value ? v : null, periods: seen.size };
}

export interface Kpis {
  current: WindowTotals;
  previous: WindowTotals;
  lastYear: WindowTotals;
}

/**
 * Periods a summary looks back over, in the data's grain: 30 days of daily data, 4 weeks of
 * weekly data (a month either way), so a window is always a whole number of periods.
 */
export function summaryPeriods(step: number): number {
  return step === 7 ? 4 : 30;
}

/**
 * The last `periods` periods of data (days, or weeks of weekly data) against the same number of
 * periods before them and the same periods a year earlier (364 days back, so weekdays and weeks
 * line up: 52 weeks). Equal spans, so the totals compare as they are.
 */
export function periodKpis(t: DailyTable, periods = summaryPeriods(t.step), valueColumn?: string, mask?: Uint8Array): Kpis | null {
  const { last } = dateRange(t);
  if (!Number.isFinite(last)) return null;
  if (!Number.isInteger(periods) || periods < 1) throw new RangeError(`periods must be a positive integer, got ${periods}`);
  const span = periods * t.step;
  const from = last - span + t.step;
  const yearBack = 364;
  return {
    current: windowTotals(t, from, last, valueColumn, mask),
    previous: windowTotals(t, from - span, last - span, valueColumn, mask),
    lastYear: windowTotals(t, from - yearBack, last - yearBack, valueColumn, mask),
  };
}

/** Total target (or `values`, a numeric column such as revenue) per period across all series, in date order. */
export function totalsByDay(t: DailyTable, fromDay = -Infinity, toDay = Infinity, mask?: Uint8Array, values: Float64Array = t.target): { day: number; total: number }[] {
  const map = new Map<number, number>();
  for (let r = 0; r < t.rows; r++) {
    if (mask && !mask[r]) continue;
    const d = t.day[r];
    if (d < fromDay || d > toDay) continue;
    const y = values[r];
    if (Number.isFinite(y)) map.set(d, (map.get(d) ?? 0) + y);
  }
  return [...map.entries()].sort((a, b) => a[0] - b[0]).map(([day, total]) => ({ day, total }));
}

/** The groups a table can be broken down by: its series keys and its categorical attributes. */
export function groupingColumns(t: DailyTable): string[] {
  return [...t.keyNames, ...Object.keys(t.categorical)];
}

/** Per row, the code of `column` (a key or a categorical attribute) and its vocabulary. */
function rowCodes(t: DailyTable, column: string): { codes: Int32Array; vocab: readonly string[] } {
  const k = t.keyNames.indexOf(column);
  if (k >= 0) {
    const codes = new Int32Array(t.rows);
    for (let s = 0; s < seriesCount(t); s++) codes.fill(t.seriesKeys[k][s], t.seriesStart[s], t.seriesStart[s + 1]);
    return { codes, vocab: t.keyVocab[k] };
  }
  const c = t.categorical[column];
  if (!c) throw new RangeError(`no key or category column "${column}"`);
  return { codes: c.codes, vocab: c.vocab };
}

export interface BreakdownRow {
  value: string;
  current: number;
  previous: number;
  share: number;
  change: number | null;
}

/** Target (or `values`) per value of `column` over [from, to] of the masked rows, against the window before it, largest first. */
export function breakdown(t: DailyTable, column: string, fromDay: number, toDay: number, mask?: Uint8Array, values: Float64Array = t.target): BreakdownRow[] {
  const { codes, vocab } = rowCodes(t, column);
  const span = toDay - fromDay + t.step;
  const cur = new Float64Array(vocab.length);
  const prev = new Float64Array(vocab.length);
  for (let r = 0; r < t.rows; r++) {
    if (mask && !mask[r]) continue;
    const c = codes[r];
    const y = values[r];
    if (c < 0 || !Number.isFinite(y)) continue;
    const d = t.day[r];
    if (d >= fromDay && d <= toDay) cur[c] += y;
    else if (d >= fromDay - span && d <= toDay - span) prev[c] += y;
  }
  const total = cur.reduce((a, b) => a + b, 0);
  // Values the masked rows never take (other stores' items when drilled into a store) are left out.
  const present = new Uint8Array(vocab.length);
  for (let r = 0; r < t.rows; r++) if ((!mask || mask[r]) && codes[r] >= 0) present[codes[r]] = 1;
  return vocab
    .map((value, i) => ({ value, current: cur[i], previous: prev[i], share: total > 0 ? cur[i] / total : 0, change: prev[i] > 0 ? cur[i] / prev[i] - 1 : null }))
    .filter((_, i) => present[i] === 1)
    .sort((a, b) => b.current - a.current);
}

/**
 * Mean total per day of week (Monday first) and per month, over all periods of the table, of
 * the masked rows (a store, a category) and of `values` (a measure such as revenue) when given.
 */
export function seasonality(t: DailyTable, mask?: Uint8Array, values: Float64Array = t.target): { weekday: number[]; month: number[] } {
  const totals = totalsByDay(t, -Infinity, Infinity, mask, values);
  const wSum = new Float64Array(7);
  const wN = new Float64Array(7);
  const mSum = new Float64Array(12);
  const mN = new Float64Array(12);
  for (const { day, total } of totals) {
    const w = dayOfWeek(day);
    wSum[w] += total;
    wN[w]++;
    const m = civilFromDay(day).month - 1;
    mSum[m] += total;
    mN[m]++;
  }
  return { weekday: Array.from(wSum, (s, i) => (wN[i] ? s / wN[i] : 0)), month: Array.from(mSum, (s, i) => (mN[i] ? s / mN[i] : 0)) };
}

/** Target (or `values`) summed over [from, to] of the masked rows for each pair of values of two grouping columns. */
export function heatmap(t: DailyTable, rows: string, cols: string, fromDay: number, toDay: number, mask?: Uint8Array, values: Float64Array = t.target): { rows: string[]; cols: string[]; values: number[][] } {
  const a = rowCodes(t, rows);
  const b = rowCodes(t, cols);
  const grid = Array.from({ length: a.vocab.length }, () => new Float64Array(b.vocab.length));
  for (let r = 0; r < t.rows; r++) {
    if (mask && !mask[r]) continue;
    const d = t.day[r];
    const y = values[r];
    if (d < fromDay || d > toDay || !Number.isFinite(y) || a.codes[r] < 0 || b.codes[r] < 0) continue;
    grid[a.codes[r]][b.codes[r]] += y;
  }
  return { rows: [...a.vocab], cols: [...b.vocab], values: grid.map((g) => Array.from(g)) };
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Mean target per period for each value of a grouping column and each calendar month, over the
 * whole table: the heatmap a table with a single grouping column (Walmart's stores) still has.
 * A month without data for a value is NaN.
 */
export function monthHeatmap(t: DailyTable, rows: string): { rows: string[]; cols: string[]; values: number[][] } {
  const a = rowCodes(t, rows);
  const sum = Array.from({ length: a.vocab.length }, () => new Float64Array(12));
  const periods = Array.from({ length: a.vocab.length }, () => Array.from({ length: 12 }, () => new Set<number>()));
  for (let r = 0; r < t.rows; r++) {
    const y = t.target[r];
    const c = a.codes[r];
    if (c < 0 || !Number.isFinite(y)) continue;
    const m = civilFromDay(t.day[r]).month - 1;
    sum[c][m] += y;
    periods[c][m].add(t.day[r]);
  }
  return { rows: [...a.vocab], cols: [...MONTH_NAMES], values: sum.map((s, i) => Array.from(s, (v, m) => (periods[i][m].size ? v / periods[i][m].size : NaN))) };
}
