/**
 * The data profile the Data page shows (docs/data.md): size, date range, series keys, missing share
 * per column, the target's distribution, top series keys and the total over time.
 * Pure: reads a DailyTable, allocates only the summary.
 */
import { formatDay } from './dates';
import type { DailyTable } from './table';

export interface TableProfile {
  rows: number;
  series: number;
  frequency: 'daily' | 'weekly';
  dateRange: { first: string; last: string } | null;
  periods: number;
  /** Distinct values per series key, e.g. { store: 4, item: 200 }. */
  keys: Record<string, number>;
  /** Share of rows where the column is missing (NaN, or code -1), target included. */
  missingShare: Record<string, number>;
  target: {
    name: string;
    sum: number;
    mean: number;
    min: number;
    max: number;
    zeroShare: number;
    negativeShare: number;
    /** Quantiles 0, 0.05, 0.25, 0.5, 0.75, 0.95, 1 of the known values. */
    quantiles: number[];
  };
  /** Per series key, the values with the largest target totals (at most 10). */
  top: Record<string, { value: string; total: number }[]>;
  /** Target total per period, in date order. */
  overTime: { date: string; total: number }[];
}

const QUANTILES = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];

/** Profiles a table. An empty table gives zeros and NaN statistics. */
export function profileTable(t: DailyTable): TableProfile {
  const y = t.target;
  let sum = 0;
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  let negatives = 0;
  for (let r = 0; r < t.rows; r++) {
    const v = y[r];
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
    else if (v < 0) negatives++;
  }
  const known = new Float64Array(n);
  for (let r = 0, k = 0; r < t.rows; r++) if (!Number.isNaN(y[r])) known[k++] = y[r];
  known.sort();
  const quantiles = QUANTILES.map((q) => (n === 0 ? NaN : known[Math.min(n - 1, Math.round(q * (n - 1)))]));

  const missingShare: Record<string, number> = { [t.targetName]: t.rows ? (t.rows - n) / t.rows : 0 };
  for (const [name, col] of Object.entries(t.numeric)) {
    let m = 0;
    for (let r = 0; r < t.rows; r++) if (Number.isNaN(col[r])) m++;
    missingShare[name] = t.rows ? m / t.rows : 0;
  }
  for (const [name, col] of Object.entries(t.categorical)) {
    let m = 0;
    for (let r = 0; r < t.rows; r++) if (col.codes[r] < 0) m++;
    missingShare[name] = t.rows ? m / t.rows : 0;
  }

  const nSeries = t.seriesStart.length - 1;
  const seriesTotal = new Float64Array(nSeries);
  for (let s = 0; s < nSeries; s++) {
    for (let r = t.seriesStart[s]; r < t.seriesStart[s + 1]; r++) if (!Number.isNaN(y[r])) seriesTotal[s] += y[r];
  }
  const keys: Record<string, number> = {};
  const top: Record<string, { value: string; total: number }[]> = {};
  t.keyNames.forEach((k, i) => {
    const totals = new Float64Array(t.keyVocab[i].length);
    const used = new Uint8Array(t.keyVocab[i].length);
    for (let s = 0; s < nSeries; s++) {
      totals[t.seriesKeys[i][s]] += seriesTotal[s];
      used[t.seriesKeys[i][s]] = 1;
    }
    keys[k] = used.reduce((a, b) => a + b, 0);
    top[k] = Array.from(totals, (total, c) => ({ value: t.keyVocab[i][c], total, used: used[c] }))
      .filter((x) => x.used)
      .sort((a, b) => b.total - a.total)
      .slice(0, 10)
      .map(({ value, total }) => ({ value, total }));
  });

  const byDay = new Map<number, number>();
  for (let r = 0; r < t.rows; r++) {
    const v = y[r];
    byDay.set(t.day[r], (byDay.get(t.day[r]) ?? 0) + (Number.isNaN(v) ? 0 : v));
  }
  const days = [...byDay.keys()].sort((a, b) => a - b);
  return {
    rows: t.rows,
    series: nSeries,
    frequency: t.frequency,
    dateRange: days.length ? { first: formatDay(days[0]), last: formatDay(days[days.length - 1]) } : null,
    periods: days.length,
    keys,
    missingShare,
    target: {
      name: t.targetName,
      sum,
      mean: n ? sum / n : NaN,
      min: n ? min : NaN,
      max: n ? max : NaN,
      zeroShare: n ? zeros / n : NaN,
      negativeShare: n ? negatives / n : NaN,
      quantiles,
    },
    top,
    overTime: days.map((d) => ({ date: formatDay(d), total: byDay.get(d) as number })),
  };
}
