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

/**
 * Human-readable key of a series, e.g. `store=1|item=ab12`: for display only. A series is
 * identified by its index (or its key values, `seriesIndex`), never by this label: key values
 * stored before the importer refused `|` and `=` in them can make two labels equal.
 */
export function seriesLabel(t: DailyTable, s: number): string {
  return t.keyNames.map((k, i) => `${k}=${t.keyVocab[i][t.seriesKeys[i][s]]}`).join('|');
}

/** The key values of series s by key name, e.g. `{ store: '1', item: 'ab12' }`. */
export function seriesKeyValues(t: DailyTable, s: number): Record<string, string> {
  const out: Record<string, string> = {};
  t.keyNames.forEach((k, i) => (out[k] = t.keyVocab[i][t.seriesKeys[i][s]]));
  return out;
}

/** Finds series by their key values (see `seriesIndex`). */
export interface SeriesIndex {
  /** The series whose key values are `keys` (names beyond the table's keys are ignored), or -1. */
  indexOf(keys: Readonly<Record<string, string | undefined>>): number;
}

/**
 * A lookup of series by key values, built once per table: each value becomes its code in the
 * key's vocabulary, and the codes (integers, so their joined text is unambiguous whatever the
 * values hold) find the series.
 */
export function seriesIndex(t: DailyTable): SeriesIndex {
  const codeOf = t.keyVocab.map((vocab) => new Map(vocab.map((v, c) => [v, c])));
  const bySeriesCodes = new Map<string, number>();
  for (let s = 0; s < seriesCount(t); s++) bySeriesCodes.set(t.seriesKeys.map((codes) => codes[s]).join(','), s);
  return {
    indexOf(keys) {
      let joined = '';
      for (let i = 0; i < t.keyNames.length; i++) {
        const value = keys[t.keyNames[i]];
        const code = value === undefined ? undefined : codeOf[i].get(value);
        if (code === undefined) return -1;
        joined += i === 0 ? `${code}` : `,${code}`;
      }
      return bySeriesCodes.get(joined) ?? -1;
    },
  };
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

/** Series index holding `row` (binary search over `seriesStart`). */
export function seriesOfRow(t: DailyTable, row: number): number {
  let lo = 0;
  let hi = seriesCount(t) - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t.seriesStart[mid] <= row) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How a merge treats the periods `base` already holds. */
export interface MergeOptions {
  /** 'append' (default): stored periods are kept from `base`; 'replace': `incoming`'s observed rows overwrite them. */
  mode?: 'append' | 'replace';
  /** Per incoming row, 1 when it holds values read from a file; 0 for a gap the importer filled. Default: every row. */
  observed?: Uint8Array | null;
}

/** One incoming row on a stored period whose value differs from the stored one (the first differing column). */
export interface StoredDayDifference {
  /** Row of `incoming`. */
  row: number;
  day: number;
  /** Series key values, e.g. { store: '1', item: 'a1' }. */
  keys: Record<string, string>;
  column: string;
  stored: number | string | null;
  incoming: number | string | null;
}

const sameNumber = (a: number, b: number): boolean => a === b || (a !== a && b !== b);
const catValue = (c: CategoricalColumn, r: number): string | null => (c.codes[r] < 0 ? null : c.vocab[c.codes[r]]);

/** Per incoming series, the base series with the same key values (-1: a new series). */
function matchSeries(base: DailyTable, incoming: DailyTable): Int32Array {
  if (base.step !== incoming.step || base.keyNames.join() !== incoming.keyNames.join() || base.targetName !== incoming.targetName) {
    throw new RangeError('mergeTables: frequency, series keys or target differ');
  }
  const nk = base.keyNames.length;
  const keyOf = (t: DailyTable, s: number): string => {
    let k = '';
    for (let i = 0; i < nk; i++) k += `${t.keyVocab[i][t.seriesKeys[i][s]]}\u0000`;
    return k;
  };
  const baseSeries = new Map<string, number>();
  for (let s = 0; s < seriesCount(base); s++) baseSeries.set(keyOf(base, s), s);
  const match = new Int32Array(seriesCount(incoming)).fill(-1);
  for (let s = 0; s < match.length; s++) {
    const bs = baseSeries.get(keyOf(incoming, s));
    if (bs === undefined) continue;
    const a = incoming.seriesStart[s];
    const b = base.seriesStart[bs];
    if (incoming.seriesStart[s + 1] > a && base.seriesStart[bs + 1] > b && (incoming.day[a] - base.day[b]) % base.step !== 0) {
      throw new RangeError(`series ${seriesLabel(incoming, s)}: its periods fall on other days than the stored ones (weekly dates on another weekday?)`);
    }
    match[s] = bs;
  }
  return match;
}

/**
 * The incoming rows on periods `base` already holds whose values differ from the stored ones, in
 * the target or the given columns (NaN equals NaN; categories compare by value). Counts every
 * differing row and lists the first `limit` (in incoming order: series, then date). Rows not
 * `observed` (gaps an importer filled) are skipped.
 * @throws RangeError when the tables have different frequency, keys, target, or misaligned periods.
 */
export function storedDayDifferences(
  base: DailyTable,
  incoming: DailyTable,
  options: { numeric: readonly string[]; categorical: readonly string[]; observed?: Uint8Array | null; limit?: number },
): { rows: number; first: StoredDayDifference[] } {
  const match = matchSeries(base, incoming);
  const limit = options.limit ?? 100;
  const numeric = options.numeric.filter((c) => base.numeric[c] && incoming.numeric[c]);
  const categorical = options.categorical.filter((c) => base.categorical[c] && incoming.categorical[c]);
  const first: StoredDayDifference[] = [];
  let rows = 0;
  for (let s = 0; s < match.length; s++) {
    const bs = match[s];
    if (bs < 0) continue;
    for (let r = incoming.seriesStart[s]; r < incoming.seriesStart[s + 1]; r++) {
      if (options.observed && !options.observed[r]) continue;
      const q = rowOf(base, bs, incoming.day[r]);
      if (q < 0) continue;
      let column: string | null = null;
      let stored: number | string | null = null;
      let value: number | string | null = null;
      if (!sameNumber(base.target[q], incoming.target[r])) [column, stored, value] = [incoming.targetName, base.target[q], incoming.target[r]];
      for (let j = 0; column === null && j < numeric.length; j++) {
        const c = numeric[j];
        if (!sameNumber(base.numeric[c][q], incoming.numeric[c][r])) [column, stored, value] = [c, base.numeric[c][q], incoming.numeric[c][r]];
      }
      for (let j = 0; column === null && j < categorical.length; j++) {
        const c = categorical[j];
        const [x, y] = [catValue(base.categorical[c], q), catValue(incoming.categorical[c], r)];
        if (x !== y) [column, stored, value] = [c, x, y];
      }
      if (column === null) continue;
      rows++;
      if (first.length < limit) {
        const keys = Object.fromEntries(incoming.keyNames.map((k, i) => [k, incoming.keyVocab[i][incoming.seriesKeys[i][s]]]));
        const num = (v: number | string | null) => (typeof v === 'number' && Number.isNaN(v) ? null : v);
        first.push({ row: r, day: incoming.day[r], keys, column, stored: num(stored), incoming: num(value) });
      }
    }
  }
  return { rows, first };
}

/** What `mergeTables` did. */
export interface MergeResult {
  table: DailyTable;
  /** Rows added: periods `base` did not hold (newer, earlier, or in new series). */
  appendedRows: number;
  /** Of those, rows before their series' first stored period. */
  earlierRows: number;
  newSeries: number;
  /** Replace mode: stored rows whose values the incoming rows changed. */
  changedRows: number;
  /** First and last day of the changed rows; null when none. */
  changedDays: { first: number; last: number } | null;
}

/**
 * Merges `incoming` into `base`: every series runs over the union of its periods in both (gaps
 * between them filled with `gapTarget` and missing regressors, categories carried forward), new
 * series come after the stored ones in incoming order. Periods `base` holds are kept from it in
 * append mode; in replace mode the observed incoming rows overwrite them (every column), and the
 * stored rows they change are counted. So merging a re-import of the same files changes nothing
 * (`appendedRows` and `changedRows` 0, and the returned table is `base` itself).
 * @throws RangeError when the two tables have different frequency, keys, columns or misaligned periods.
 */
export function mergeTables(base: DailyTable, incoming: DailyTable, options: MergeOptions = {}): MergeResult {
  const replace = options.mode === 'replace';
  const observed = options.observed ?? null;
  const match = matchSeries(base, incoming);
  const numNames = Object.keys(base.numeric);
  const catNames = Object.keys(base.categorical);
  if (numNames.join() !== Object.keys(incoming.numeric).join() || catNames.join() !== Object.keys(incoming.categorical).join()) {
    throw new RangeError('mergeTables: the tables have different columns');
  }
  const nb = seriesCount(base);
  const ni = seriesCount(incoming);
  const step = base.step;
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
  const remapped = (j: number, code: number): number => (code >= 0 ? catRemap[j][code] : code);
  const differs = (q: number, r: number): boolean => {
    if (!sameNumber(base.target[q], incoming.target[r])) return true;
    for (const n of numNames) if (!sameNumber(base.numeric[n][q], incoming.numeric[n][r])) return true;
    for (let j = 0; j < catNames.length; j++) if (base.categorical[catNames[j]].codes[q] !== remapped(j, incoming.categorical[catNames[j]].codes[r])) return true;
    return false;
  };

  // Plan: per base series its incoming partner, span and added rows; the changed rows in replace mode.
  const partner = new Int32Array(nb).fill(-1);
  const newOnes: number[] = [];
  for (let s = 0; s < ni; s++) {
    if (incoming.seriesStart[s + 1] <= incoming.seriesStart[s]) continue;
    if (match[s] < 0) newOnes.push(s);
    else partner[match[s]] = s;
  }
  const outFirst = new Float64Array(nb);
  const outLast = new Float64Array(nb);
  let appended = 0;
  let earlier = 0;
  let changed = 0;
  let changedFirst = Infinity;
  let changedLast = -Infinity;
  for (let bs = 0; bs < nb; bs++) {
    const a = base.seriesStart[bs];
    const b = base.seriesStart[bs + 1];
    const s = partner[bs];
    if (s < 0 || b <= a) {
      // A stored series without rows cannot happen (dense grids); one the upload lacks stays as it is.
      outFirst[bs] = b > a ? base.day[a] : 0;
      outLast[bs] = b > a ? base.day[b - 1] : -step;
      continue;
    }
    const ia = incoming.seriesStart[s];
    const ib = incoming.seriesStart[s + 1];
    outFirst[bs] = Math.min(base.day[a], incoming.day[ia]);
    outLast[bs] = Math.max(base.day[b - 1], incoming.day[ib - 1]);
    appended += (outLast[bs] - outFirst[bs]) / step + 1 - (b - a);
    earlier += (base.day[a] - outFirst[bs]) / step;
    if (!replace) continue;
    for (let r = ia; r < ib; r++) {
      if (observed && !observed[r]) continue;
      const q = rowOf(base, bs, incoming.day[r]);
      if (q >= 0 && differs(q, r)) {
        changed++;
        if (incoming.day[r] < changedFirst) changedFirst = incoming.day[r];
        if (incoming.day[r] > changedLast) changedLast = incoming.day[r];
      }
    }
  }
  for (const s of newOnes) appended += incoming.seriesStart[s + 1] - incoming.seriesStart[s];
  const changedDays = changed > 0 ? { first: changedFirst, last: changedLast } : null;
  if (appended === 0 && changed === 0) return { table: base, appendedRows: 0, earlierRows: 0, newSeries: 0, changedRows: 0, changedDays: null };

  const rows = base.rows + appended;
  const keyVocab = base.keyVocab.map((v) => [...v]);
  const keyIndex = keyVocab.map((v) => new Map(v.map((x, i) => [x, i])));
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
      cats[j][w] = isIncoming ? remapped(j, code) : code;
    }
    w++;
  };
  for (let bs = 0; bs < nb; bs++) {
    seriesStart[bs] = w;
    for (let i = 0; i < base.keyNames.length; i++) seriesKeys[i][bs] = base.seriesKeys[i][bs];
    const s = partner[bs];
    if (s < 0) {
      for (let r = base.seriesStart[bs]; r < base.seriesStart[bs + 1]; r++) copyRow(base, r, false);
      continue;
    }
    for (let d = outFirst[bs]; d <= outLast[bs]; d += step) {
      const q = rowOf(base, bs, d);
      const r = rowOf(incoming, s, d);
      const fromFile = r >= 0 && (!observed || observed[r] === 1);
      if (q >= 0 && !(replace && fromFile)) copyRow(base, q, false);
      else if (r >= 0) copyRow(incoming, r, true);
      else {
        // Between the stored and the new periods: no input row, so the gap policy applies.
        day[w] = d;
        target[w] = base.gapTarget;
        for (let j = 0; j < numNames.length; j++) numeric[j][w] = NaN;
        for (let j = 0; j < catNames.length; j++) cats[j][w] = cats[j][w - 1];
        w++;
      }
    }
  }
  newOnes.forEach((s, k) => {
    const out = nb + k;
    seriesStart[out] = w;
    for (let i = 0; i < base.keyNames.length; i++) {
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
    earlierRows: earlier,
    newSeries: newOnes.length,
    changedRows: changed,
    changedDays,
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
