/**
 * The processed daily (or weekly) series table every feature and model reads.
 *
 * Layout: columnar typed arrays, rows sorted by series then date, and each series a dense grid
 * of consecutive periods (`step` days apart) from its first to its last period. Dense series make
 * "lag by calendar time" a row offset inside the series (`row - lag / step`), checked against the
 * series bounds, with no search and no per-row objects.
 */
export interface CategoricalColumn {
  /** Index into `vocab` per row; -1 means missing. */
  readonly codes: Int32Array;
  readonly vocab: readonly string[];
}

export interface DailyTable {
  readonly frequency: 'daily' | 'weekly';
  /** Days between consecutive periods: 1 (daily) or 7 (weekly). */
  readonly step: 1 | 7;
  readonly rows: number;
  /** Series key names, e.g. ['store', 'item'] (may be empty: one series). */
  readonly keyNames: readonly string[];
  /** Per key, the dictionary of its values (codes index it). */
  readonly keyVocab: readonly (readonly string[])[];
  /** Per key, the code of each series. */
  readonly seriesKeys: readonly Int32Array[];
  /** Row offsets: series s holds rows [seriesStart[s], seriesStart[s + 1]). Length nSeries + 1. */
  readonly seriesStart: Int32Array;
  /** Day number (days since 1970-01-01) per row. */
  readonly day: Int32Array;
  readonly targetName: string;
  /** The quantity to forecast; NaN where unknown. */
  readonly target: Float64Array;
  /** Value a period absent from the input gets: 0 for retail sales (no row = nothing sold), NaN for generic. */
  readonly gapTarget: number;
  readonly numeric: Readonly<Record<string, Float64Array>>;
  readonly categorical: Readonly<Record<string, CategoricalColumn>>;
}

export function seriesCount(t: DailyTable): number {
  return t.seriesStart.length - 1;
}

/** Series index of every row (one Int32Array, computed from `seriesStart`). */
export function rowSeriesIndex(t: DailyTable): Int32Array {
  const out = new Int32Array(t.rows);
  const n = seriesCount(t);
  for (let s = 0; s < n; s++) out.fill(s, t.seriesStart[s], t.seriesStart[s + 1]);
  return out;
}

/** Human-readable key of a series, e.g. `store=1|item=ab12`. */
export function seriesLabel(t: DailyTable, s: number): string {
  return t.keyNames.map((k, i) => `${k}=${t.keyVocab[i][t.seriesKeys[i][s]]}`).join('|');
}

/** First and last day of the table (NaN for an empty table). */
export function dateRange(t: DailyTable): { first: number; last: number } {
  let first = Infinity;
  let last = -Infinity;
  const n = seriesCount(t);
  for (let s = 0; s < n; s++) {
    const a = t.seriesStart[s];
    const b = t.seriesStart[s + 1];
    if (b > a) {
      if (t.day[a] < first) first = t.day[a];
      if (t.day[b - 1] > last) last = t.day[b - 1];
    }
  }
  return Number.isFinite(first) ? { first, last } : { first: NaN, last: NaN };
}

/** Row of series s on `day`, or -1 when the series has no such period. */
export function rowOf(t: DailyTable, s: number, day: number): number {
  const a = t.seriesStart[s];
  const b = t.seriesStart[s + 1];
  if (b <= a) return -1;
  const off = day - t.day[a];
  if (off < 0 || off % t.step !== 0) return -1;
  const r = a + off / t.step;
  return r < b ? r : -1;
}

/**
 * Appends the newer periods of `incoming` to `base`: for every series, periods after the last
 * period `base` holds are added (gaps filled with `gapTarget` and missing regressors); periods
 * `base` already holds are kept from `base`. So merging a re-import of the same files changes
 * nothing (`appendedRows === 0`, and the returned table is `base` itself).
 * @throws RangeError when the two tables have different frequency, keys or columns.
 */
export function mergeTables(base: DailyTable, incoming: DailyTable): { table: DailyTable; appendedRows: number; newSeries: number } {
  if (base.step !== incoming.step || base.keyNames.join() !== incoming.keyNames.join() || base.targetName !== incoming.targetName) {
    throw new RangeError('mergeTables: frequency, series keys or target differ');
  }
  const numNames = Object.keys(base.numeric);
  const catNames = Object.keys(base.categorical);
  if (numNames.join() !== Object.keys(incoming.numeric).join() || catNames.join() !== Object.keys(incoming.categorical).join()) {
    throw new RangeError('mergeTables: the tables have different columns');
  }
  const nk = base.keyNames.length;
  const keyOf = (t: DailyTable, s: number): string => {
    let k = '';
    for (let i = 0; i < nk; i++) k += `${t.keyVocab[i][t.seriesKeys[i][s]]}\u0000`;
    return k;
  };
  const baseSeries = new Map<string, number>();
  for (let s = 0; s < seriesCount(base); s++) baseSeries.set(keyOf(base, s), s);

  // Plan: per base series the number of rows to add, then new series in incoming order.
  const nb = seriesCount(base);
  const ni = seriesCount(incoming);
  const addTo = new Int32Array(nb);
  const addFrom = new Int32Array(nb).fill(-1); // incoming series feeding a base series
  const newOnes: number[] = [];
  let appended = 0;
  for (let s = 0; s < ni; s++) {
    const a = incoming.seriesStart[s];
    const b = incoming.seriesStart[s + 1];
    if (b <= a) continue;
    const bs = baseSeries.get(keyOf(incoming, s));
    if (bs === undefined) {
      newOnes.push(s);
      appended += b - a;
      continue;
    }
    const lastBase = base.day[base.seriesStart[bs + 1] - 1];
    const lastNew = incoming.day[b - 1];
    if (lastNew > lastBase) {
      addTo[bs] = (lastNew - lastBase) / base.step;
      addFrom[bs] = s;
      appended += addTo[bs];
    }
  }
  if (appended === 0) return { table: base, appendedRows: 0, newSeries: 0 };

  const rows = base.rows + appended;
  const keyVocab = base.keyVocab.map((v) => [...v]);
  const keyIndex = keyVocab.map((v) => new Map(v.map((x, i) => [x, i])));
  const catVocab = catNames.map((n) => [...base.categorical[n].vocab]);
  const catIndex = catVocab.map((v) => new Map(v.map((x, i) => [x, i])));
  const catRemap = catNames.map((n, ci) =>
    Int32Array.from(incoming.categorical[n].vocab, (x) => {
      let code = catIndex[ci].get(x);
      if (code === undefined) {
        code = catVocab[ci].length;
        catVocab[ci].push(x);
        catIndex[ci].set(x, code);
      }
      return code;
    }),
  );
  const day = new Int32Array(rows);
  const target = new Float64Array(rows);
  const numeric = numNames.map(() => new Float64Array(rows));
  const cats = catNames.map(() => new Int32Array(rows));
  const seriesStart = new Int32Array(nb + newOnes.length + 1);
  const seriesKeys = base.keyNames.map(() => new Int32Array(nb + newOnes.length));
  let w = 0;
  const copyRow = (src: DailyTable, r: number, isIncoming: boolean): void => {
    day[w] = src.day[r];
    target[w] = src.target[r];
    for (let j = 0; j < numNames.length; j++) numeric[j][w] = src.numeric[numNames[j]][r];
    for (let j = 0; j < catNames.length; j++) {
      const code = src.categorical[catNames[j]].codes[r];
      cats[j][w] = isIncoming && code >= 0 ? catRemap[j][code] : code;
    }
    w++;
  };
  for (let s = 0; s < nb; s++) {
    seriesStart[s] = w;
    for (let i = 0; i < nk; i++) seriesKeys[i][s] = base.seriesKeys[i][s];
    const a = base.seriesStart[s];
    const b = base.seriesStart[s + 1];
    for (let r = a; r < b; r++) copyRow(base, r, false);
    if (addTo[s] > 0) {
      const src = addFrom[s];
      const lastBase = base.day[b - 1];
      for (let k = 1; k <= addTo[s]; k++) {
        const d = lastBase + k * base.step;
        const r = rowOf(incoming, src, d);
        if (r >= 0) copyRow(incoming, r, true);
        else {
          // A gap between the old and the new periods: no input row, so the gap policy applies.
          day[w] = d;
          target[w] = base.gapTarget;
          for (let j = 0; j < numNames.length; j++) numeric[j][w] = NaN;
          for (let j = 0; j < catNames.length; j++) cats[j][w] = cats[j][w - 1];
          w++;
        }
      }
    }
  }
  newOnes.forEach((s, k) => {
    const out = nb + k;
    seriesStart[out] = w;
    for (let i = 0; i < nk; i++) {
      const v = incoming.keyVocab[i][incoming.seriesKeys[i][s]];
      let code = keyIndex[i].get(v);
      if (code === undefined) {
        code = keyVocab[i].length;
        keyVocab[i].push(v);
        keyIndex[i].set(v, code);
      }
      seriesKeys[i][out] = code;
    }
    for (let r = incoming.seriesStart[s]; r < incoming.seriesStart[s + 1]; r++) copyRow(incoming, r, true);
  });
  seriesStart[nb + newOnes.length] = w;
  return {
    table: {
      frequency: base.frequency,
      step: base.step,
      rows,
      keyNames: base.keyNames,
      keyVocab,
      seriesKeys,
      seriesStart,
      day,
      targetName: base.targetName,
      target,
      gapTarget: base.gapTarget,
      numeric: Object.fromEntries(numNames.map((n, j) => [n, numeric[j]])),
      categorical: Object.fromEntries(catNames.map((n, j) => [n, { codes: cats[j], vocab: catVocab[j] }])),
    },
    appendedRows: appended,
    newSeries: newOnes.length,
  };
}

/** Columns describing events of the day itself: zero on a future day unless an event is planned. */
export const EVENT_COLUMNS: readonly string[] = ['promo', 'promo_depth', 'promo_day', 'markdown_qty', 'online_qty', 'sum_total'];

/** A known future value, e.g. a planned promotion: `values` are numeric columns set on that day. */
export interface PlannedEvent {
  series: number;
  day: number;
  values: Readonly<Record<string, number>>;
}

/**
 * Extends every series to `untilDay` with future periods for serving: target NaN (unknown),
 * event columns (EVENT_COLUMNS) 0 and markdown_price NaN unless `events` plan them, every other
 * numeric column and every categorical column carried forward from the series' last period
 * (a price holds until the next). For forecasting only: never store or merge an extended table.
 * @throws RangeError when an event names an unknown column or a day outside the new periods.
 */
export function extendTable(t: DailyTable, untilDay: number, events: readonly PlannedEvent[] = []): DailyTable {
  const n = seriesCount(t);
  const add = new Int32Array(n);
  let extra = 0;
  for (let s = 0; s < n; s++) {
    const a = t.seriesStart[s];
    const b = t.seriesStart[s + 1];
    if (b <= a) continue;
    const last = t.day[b - 1];
    add[s] = untilDay > last ? Math.floor((untilDay - last) / t.step) : 0;
    extra += add[s];
  }
  const rows = t.rows + extra;
  const numNames = Object.keys(t.numeric);
  const catNames = Object.keys(t.categorical);
  const day = new Int32Array(rows);
  const target = new Float64Array(rows);
  const numeric = numNames.map(() => new Float64Array(rows));
  const cats = catNames.map(() => new Int32Array(rows));
  const seriesStart = new Int32Array(n + 1);
  let w = 0;
  for (let s = 0; s < n; s++) {
    seriesStart[s] = w;
    const a = t.seriesStart[s];
    const b = t.seriesStart[s + 1];
    day.set(t.day.subarray(a, b), w);
    target.set(t.target.subarray(a, b), w);
    numNames.forEach((c, j) => numeric[j].set(t.numeric[c].subarray(a, b), w));
    catNames.forEach((c, j) => cats[j].set(t.categorical[c].codes.subarray(a, b), w));
    w += b - a;
    for (let k = 1; k <= add[s]; k++, w++) {
      day[w] = t.day[b - 1] + k * t.step;
      target[w] = NaN;
      numNames.forEach((c, j) => {
        numeric[j][w] = EVENT_COLUMNS.includes(c) ? 0 : c === 'markdown_price' ? NaN : numeric[j][w - 1];
      });
      for (let j = 0; j < catNames.length; j++) cats[j][w] = cats[j][w - 1];
    }
  }
  seriesStart[n] = w;
  const extended: DailyTable = {
    ...t,
    rows,
    seriesStart,
    day,
    target,
    numeric: Object.fromEntries(numNames.map((c, j) => [c, numeric[j]])),
    categorical: Object.fromEntries(catNames.map((c, j) => [c, { codes: cats[j], vocab: t.categorical[c].vocab }])),
  };
  for (const e of events) {
    if (!Number.isInteger(e.series) || e.series < 0 || e.series >= n) throw new RangeError(`planned event for an unknown series ${e.series}`);
    const r = rowOf(extended, e.series, e.day);
    const firstNew = extended.seriesStart[e.series] + (t.seriesStart[e.series + 1] - t.seriesStart[e.series]);
    if (r < firstNew) throw new RangeError(`planned event for series ${e.series} on day ${e.day} is not a new period`);
    for (const [c, v] of Object.entries(e.values)) {
      const col = extended.numeric[c];
      if (!col) throw new RangeError(`planned event sets an unknown column ${c}`);
      (col as Float64Array)[r] = v;
    }
  }
  return extended;
}
