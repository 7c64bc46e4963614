/**
 * The retailer's 8 CSV files (SPEC 2) to the daily item-store table.
 *
 * Validation first (lib/ingest/csv.ts): any error and the result carries the report and no table,
 * so the caller writes nothing. Then the merge, all on typed arrays:
 * - grid: one series per (store, item) seen in sales, online or actual_matrix; each series runs
 *   daily from its first day (first sale, first online sale, listing date or first price, not
 *   before the first sales date of the files) to the last sales date of the files if the item is
 *   in the current assortment (actual_matrix), else to its last sale (a delisted item);
 * - quantity: offline sales summed per item, store, day; a day without a row sold 0;
 * - price: as-of join on price_history (a price holds from its date until the next);
 * - promo, promo_depth = 1 - sale_price_time_promo / sale_price_before_promo, promo_day
 *   (number_disc_day) from discounts_history rows dated that day;
 * - markdown_qty, markdown_price, online_qty aggregated per item, store, day;
 * - listed: 1 from the actual_matrix date on; store and catalog attributes joined.
 * The missing-value policy of every column is in docs/data.md and `RETAIL_COLUMN_POLICY`.
 */
import { createHash } from 'node:crypto';
import { formatDay } from '@/ml/data/dates';
import { dateRange, seriesOfRow, type CategoricalColumn, type DailyTable, type PlannedEvent } from '@/ml/data/table';
import { ingestLimitsSchema, RETAIL_FILE_NAMES, RETAIL_LAYOUT, type IngestLimits, type RetailFile, type ValidationReport } from '@/lib/schemas/ingest';
import {
  IssueLog, NO_PROVENANCE, byteLength, checkFileName, decodeCsv, parseCsvFile, refuseFarDates,
  type ImportProvenance, type ParsedFile, type SourceLocator, type UploadedFile,
} from './csv';
import { bulkDateSpan, type KnownSpan } from '@/ml/data/date-span';

/** Missing-value policy per table column (also in docs/data.md). */
export const RETAIL_COLUMN_POLICY: Readonly<Record<string, string>> = {
  quantity: 'no sales row for a listed day = 0 sold (a stockout looks the same; the model sees it in lags)',
  sum_total: 'revenue as reported, 0 when no row; never a feature (same-day target leakage)',
  price: 'as-of price_history; before the first price of the series, the first known price (back-filled); no price_history at all: median price_base of its sales rows; else NaN',
  promo: '1 when discounts_history has a row for the day, else 0',
  promo_depth: '1 - promo / before-promo price, clipped to [0, 1]; 0 when no promotion; max over rows of one day',
  promo_day: 'number_disc_day of the promotion row (1 = first day), 0 when none',
  markdown_qty: 'sum of markdown quantities, 0 when none',
  markdown_price: 'quantity-weighted markdown price, NaN when no markdown',
  online_qty: 'online quantity summed, 0 when none',
  listed: '1 on and after the actual_matrix date of the item in the store, else 0',
  area: 'store area from stores.csv, NaN when unknown',
  'weight_volume, weight_netto, fatness': 'from catalog.csv, NaN when empty',
  'division, format, city, dept_name, class_name, subclass_name, item_type': 'from stores/catalog, -1 (missing) when the id is unknown',
};

/**
 * The table columns each per-day file gives (the target, quantity, comes from sales.csv too). In
 * append mode their values on stored days must equal the stored ones; price (as of price_history)
 * is compared for a warning only, and listed (actual_matrix is the current assortment, not a
 * history), store and catalog attributes not at all (docs/data.md section 3).
 */
export const RETAIL_DAY_COLUMNS: Readonly<Record<string, { file: RetailFile; column: string }>> = {
  quantity: { file: 'sales.csv', column: 'quantity' },
  sum_total: { file: 'sales.csv', column: 'sum_total' },
  online_qty: { file: 'online.csv', column: 'quantity' },
  markdown_qty: { file: 'markdowns.csv', column: 'quantity' },
  markdown_price: { file: 'markdowns.csv', column: 'price' },
  promo: { file: 'discounts_history.csv', column: 'date' },
  promo_depth: { file: 'discounts_history.csv', column: 'sale_price_time_promo' },
  promo_day: { file: 'discounts_history.csv', column: 'number_disc_day' },
};

/** Files whose dates are observations: a date far beyond the bulk of them is refused (discounts may be planned years ahead). */
const OBSERVATION_FILES = ['sales.csv', 'online.csv', 'markdowns.csv'] as const;

export interface RetailImportResult extends ImportProvenance {
  report: ValidationReport;
  /** Present only when the report has no errors. */
  table: DailyTable | null;
  /** sha256 over the files' bytes, independent of upload order (see `fingerprintFiles`). */
  fingerprint: string;
  /** First and last sales date, ISO; null without a table. */
  dateRange: { first: string; last: string } | null;
  /**
   * Promotions dated after a series' last day (discounts_history plans ahead): promo, promo_depth
   * and promo_day per series and day, to pass to `extendTable` when forecasting.
   */
  plannedPromotions: PlannedEvent[];
}

/**
 * sha256 of the inputs: files sorted by name, each contributing its name, its byte length and its
 * bytes, so the same set of files gives the same fingerprint whatever the upload order.
 */
export function fingerprintFiles(files: readonly UploadedFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const bytes = typeof f.bytes === 'string' ? Buffer.from(f.bytes, 'utf8') : f.bytes;
    h.update(`${f.name}\u0000${bytes.byteLength}\u0000`);
    h.update(bytes);
  }
  return h.digest('hex');
}

/**
 * Validates the 8 files and merges them. Never throws on bad input: the report says what is wrong.
 * `options.stored` is the tenant's stored data, which the observation dates are judged against.
 */
export function importRetail(files: readonly UploadedFile[], limits: Partial<IngestLimits> = {}, options: { stored?: KnownSpan } = {}): RetailImportResult {
  const lim = ingestLimitsSchema.parse(limits);
  const log = new IssueLog();
  const fingerprint = fingerprintFiles(files);
  const fail = (): RetailImportResult => ({ ...NO_PROVENANCE, report: log.report(), table: null, fingerprint, dateRange: null, plannedPromotions: [] });

  const byName = new Map<RetailFile, UploadedFile>();
  let total = 0;
  for (const f of files) {
    const bad = checkFileName(f.name);
    if (bad) {
      log.error(f.name.slice(0, 200), null, null, `file refused: ${bad}`);
      continue;
    }
    const size = byteLength(f);
    total += size;
    if (size > lim.maxFileBytes) {
      log.error(f.name, null, null, `file is ${size} bytes, over the limit of ${lim.maxFileBytes} bytes`);
      continue;
    }
    const known = (RETAIL_FILE_NAMES as readonly string[]).includes(f.name);
    if (!known) {
      log.error(f.name, null, null, `unexpected file: the retail format has ${RETAIL_FILE_NAMES.join(', ')}`);
      continue;
    }
    if (byName.has(f.name as RetailFile)) log.error(f.name, null, null, 'file uploaded twice');
    byName.set(f.name as RetailFile, f);
  }
  if (total > lim.maxTotalBytes) log.error('(upload)', null, null, `upload is ${total} bytes, over the storage quota of ${lim.maxTotalBytes} bytes`);
  for (const n of RETAIL_FILE_NAMES) if (!byName.has(n) && log.errorCount === 0) log.error(n, null, null, 'file missing: all 8 files are required');
  if (log.errorCount > 0) return fail();

  const parsed = {} as Record<RetailFile, ParsedFile>;
  for (const n of RETAIL_FILE_NAMES) {
    const text = decodeCsv(n, (byName.get(n) as UploadedFile).bytes, lim.maxLineBytes, log);
    if (text === null) continue;
    const p = parseCsvFile(n, text, RETAIL_LAYOUT[n].columns, log, { mayBeEmpty: RETAIL_LAYOUT[n].mayBeEmpty });
    if (p) parsed[n] = p;
  }
  if (log.errorCount > 0) return fail();
  const span = bulkDateSpan(OBSERVATION_FILES.map((n) => f64(parsed[n], 'date')), lim.maxDateGapDays, options.stored);
  for (const n of OBSERVATION_FILES) refuseFarDates(log, n, 'date', f64(parsed[n], 'date'), parsed[n].lines, span, lim.maxDateGapDays);
  if (log.errorCount > 0) return fail();
  const merged = mergeRetail(parsed, log);
  if (log.errorCount > 0 || merged === null) return fail();
  const { table, planned } = merged;
  const range = dateRange(table);
  const dates = Number.isFinite(range.first) ? { first: formatDay(range.first), last: formatDay(range.last) } : null;
  return {
    report: log.report(),
    table,
    fingerprint,
    dateRange: dates,
    plannedPromotions: planned,
    dayColumns: { numeric: Object.keys(RETAIL_DAY_COLUMNS).filter((c) => c !== 'quantity'), categorical: [] },
    softColumns: ['price'],
    observed: null,
    locate: retailLocator(byName, table, lim),
  };
}

/**
 * Finds the line of the file that gave a table cell: for a per-day column the first row of that
 * store, item and day; for price the price_history row in force that day (the latest on or before
 * it, or the first when the price was back-filled). The file is re-read on first use: only a
 * refusal or a warning needs lines, so the import itself keeps none.
 */
function retailLocator(byName: ReadonlyMap<RetailFile, UploadedFile>, table: DailyTable, lim: IngestLimits): SourceLocator {
  /** Per file, per `store \0 item`: the days (ascending) and the first line of each. */
  const index = new Map<RetailFile, Map<string, { days: number[]; lines: number[] }>>();
  const seriesIndex = (n: RetailFile): Map<string, { days: number[]; lines: number[] }> => {
    let m = index.get(n);
    if (m) return m;
    m = new Map();
    index.set(n, m);
    const log = new IssueLog();
    const text = decodeCsv(n, (byName.get(n) as UploadedFile).bytes, lim.maxLineBytes, log);
    const p = text === null ? null : parseCsvFile(n, text, RETAIL_LAYOUT[n].columns, log, { mayBeEmpty: true });
    if (!p) return m;
    const st = str(p, 'store_id');
    const it = str(p, 'item_id');
    const d = f64(p, 'date');
    const order = Array.from({ length: p.rows }, (_, i) => i).sort((a, b) => d[a] - d[b] || p.lines[a] - p.lines[b]);
    for (const i of order) {
      const key = `${st[i]}\u0000${it[i]}`;
      let e = m.get(key);
      if (!e) m.set(key, (e = { days: [], lines: [] }));
      if (e.days[e.days.length - 1] === d[i]) continue;
      e.days.push(d[i]);
      e.lines.push(p.lines[i]);
    }
    return m;
  };
  return (row, column) => {
    const asOf = column === 'price';
    const source = RETAIL_DAY_COLUMNS[column] ?? { file: asOf ? 'price_history.csv' : 'sales.csv', column };
    if (!asOf && !RETAIL_DAY_COLUMNS[column]) return { ...source, line: null };
    const s = seriesOfRow(table, row);
    const e = seriesIndex(source.file).get(`${table.keyVocab[0][table.seriesKeys[0][s]]}\u0000${table.keyVocab[1][table.seriesKeys[1][s]]}`);
    if (!e) return { ...source, line: null };
    const day = table.day[row];
    let k = e.days.length - 1;
    while (k >= 0 && e.days[k] > day) k--;
    if (asOf) return { ...source, line: e.lines[Math.max(0, k)] };
    return { ...source, line: k >= 0 && e.days[k] === day ? e.lines[k] : null };
  };
}

/** A string dictionary: value -> code, codes dense from 0. */
class Dictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  code(v: string): number {
    let c = this.index.get(v);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(v);
      this.index.set(v, c);
    }
    return c;
  }
  get(v: string): number | undefined {
    return this.index.get(v);
  }
}

const f64 = (p: ParsedFile, c: string): Float64Array => p.columns[c] as Float64Array;
const str = (p: ParsedFile, c: string): string[] => p.columns[c] as string[];

/** Merges validated files into the table (exported for tests on hand-written inputs). */
export function mergeRetail(files: Record<RetailFile, ParsedFile>, log: IssueLog): { table: DailyTable; planned: PlannedEvent[] } | null {
  const sales = files['sales.csv'];
  const online = files['online.csv'];
  const stores = new Dictionary();
  const items = new Dictionary();
  const nSalesRows = sales.rows;
  const sDay = f64(sales, 'date');
  let minDay = Infinity;
  let maxDay = -Infinity;
  for (let i = 0; i < nSalesRows; i++) {
    if (sDay[i] < minDay) minDay = sDay[i];
    if (sDay[i] > maxDay) maxDay = sDay[i];
  }
  // Series: (store code, item code) -> series id, with first and last day.
  const seriesOf = new Map<number, number>();
  const sStore: number[] = [];
  const sItem: number[] = [];
  const sFirst: number[] = [];
  const sLast: number[] = [];
  const sListed: number[] = [];
  const ITEM_MUL = 1 << 21;
  const seriesId = (store: number, item: number): number => {
    const key = store * ITEM_MUL + item;
    let s = seriesOf.get(key);
    if (s === undefined) {
      s = sStore.length;
      seriesOf.set(key, s);
      sStore.push(store);
      sItem.push(item);
      sFirst.push(Infinity);
      sLast.push(-Infinity);
      sListed.push(Infinity);
    }
    return s;
  };
  const rowSeries = (p: ParsedFile): Int32Array => {
    const st = str(p, 'store_id');
    const it = str(p, 'item_id');
    const out = new Int32Array(p.rows);
    // Consecutive rows often repeat ids: cache the last lookup.
    let lastS = '';
    let lastI = '';
    let lastId = -1;
    for (let i = 0; i < p.rows; i++) {
      if (st[i] !== lastS || it[i] !== lastI) {
        lastS = st[i];
        lastI = it[i];
        lastId = seriesId(stores.code(lastS), items.code(lastI));
      }
      out[i] = lastId;
    }
    return out;
  };
  const salesSeries = rowSeries(sales);
  const onlineSeries = rowSeries(online);
  const oDay = f64(online, 'date');
  const span = (ser: Int32Array, days: Float64Array): void => {
    for (let i = 0; i < ser.length; i++) {
      const s = ser[i];
      const d = days[i];
      if (d < minDay || d > maxDay) continue;
      if (d < sFirst[s]) sFirst[s] = d;
      if (d > sLast[s]) sLast[s] = d;
    }
  };
  span(salesSeries, sDay);
  span(onlineSeries, oDay);
  const matrix = files['actual_matrix.csv'];
  const mDay = f64(matrix, 'date');
  const mSeries = rowSeries(matrix);
  for (let i = 0; i < matrix.rows; i++) {
    const s = mSeries[i];
    if (mDay[i] < sListed[s]) sListed[s] = mDay[i];
  }
  // A series' first price is known before anything sells: it starts the series too, so that a
  // series without a listing date does not begin exactly on its first sale (series_age = 0
  // would then tell the model that the day sold something).
  const priceFile = files['price_history.csv'];
  const firstPriceSeries = rowSeriesExisting(priceFile, stores, items, seriesOf, ITEM_MUL);
  const firstPriceDay = f64(priceFile, 'date');
  for (let i = 0; i < priceFile.rows; i++) {
    const s = firstPriceSeries[i];
    const d = Math.max(firstPriceDay[i], minDay);
    if (s >= 0 && d <= maxDay && d < sFirst[s]) sFirst[s] = d;
  }
  const nSeries = sStore.length;
  // Order series by (store, item) value, so the table does not depend on row order in the files.
  const order = Array.from({ length: nSeries }, (_, i) => i).sort((a, b) => {
    const sa = stores.values[sStore[a]];
    const sb = stores.values[sStore[b]];
    if (sa !== sb) return sa < sb ? -1 : 1;
    const ia = items.values[sItem[a]];
    const ib = items.values[sItem[b]];
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  const start = new Float64Array(nSeries);
  const end = new Float64Array(nSeries);
  const seriesStart = new Int32Array(nSeries + 1);
  const position = new Int32Array(nSeries); // original id -> output series index
  let rows = 0;
  let kept = 0;
  for (const s of order) {
    const listed = sListed[s];
    let first = Math.min(sFirst[s], listed);
    if (first < minDay) first = minDay;
    const last = Number.isFinite(listed) ? maxDay : sLast[s];
    if (!(first <= last) || !Number.isFinite(first)) {
      position[s] = -1;
      continue;
    }
    position[s] = kept;
    start[kept] = first;
    end[kept] = last;
    seriesStart[kept] = rows;
    rows += last - first + 1;
    kept++;
  }
  seriesStart[kept] = rows;
  if (rows > 50_000_000) {
    log.error('sales.csv', null, null, `the merged table would have ${rows} rows, over the limit of 50,000,000`);
    return null;
  }
  const rowAt = (origSeries: number, d: number): number => {
    const k = position[origSeries];
    if (k < 0 || d < start[k] || d > end[k]) return -1;
    return seriesStart[k] + (d - start[k]);
  };
  const day = new Int32Array(rows);
  const seriesKeysStore = new Int32Array(kept);
  const seriesKeysItem = new Int32Array(kept);
  for (const s of order) {
    const k = position[s];
    if (k < 0) continue;
    seriesKeysStore[k] = sStore[s];
    seriesKeysItem[k] = sItem[s];
    for (let r = seriesStart[k], d = start[k]; r < seriesStart[k + 1]; r++, d++) day[r] = d;
  }

  const quantity = new Float64Array(rows);
  const sumTotal = new Float64Array(rows);
  const priceBaseSum = new Float64Array(rows).fill(NaN);
  const sQty = f64(sales, 'quantity');
  const sSum = f64(sales, 'sum_total');
  const sBase = f64(sales, 'price_base');
  let outside = 0;
  for (let i = 0; i < nSalesRows; i++) {
    const r = rowAt(salesSeries[i], sDay[i]);
    if (r < 0) {
      outside++;
      continue;
    }
    quantity[r] += sQty[i];
    if (!Number.isNaN(sSum[i])) sumTotal[r] += sSum[i];
    if (!Number.isNaN(sBase[i])) priceBaseSum[r] = sBase[i];
  }
  if (outside > 0) log.warn('sales.csv', null, null, `${outside} sales rows outside their series' span ignored`);

  const onlineQty = new Float64Array(rows);
  const oQty = f64(online, 'quantity');
  for (let i = 0; i < online.rows; i++) {
    const r = rowAt(onlineSeries[i], oDay[i]);
    if (r >= 0) onlineQty[r] += oQty[i];
  }

  const md = files['markdowns.csv'];
  const mdSeries = rowSeriesExisting(md, stores, items, seriesOf, ITEM_MUL);
  const mdDay = f64(md, 'date');
  const mdQ = f64(md, 'quantity');
  const mdP = f64(md, 'price');
  const markdownQty = new Float64Array(rows);
  const markdownValue = new Float64Array(rows);
  for (let i = 0; i < md.rows; i++) {
    const r = mdSeries[i] < 0 ? -1 : rowAt(mdSeries[i], mdDay[i]);
    if (r < 0) continue;
    markdownQty[r] += mdQ[i];
    markdownValue[r] += mdQ[i] * mdP[i];
  }
  const markdownPrice = new Float64Array(rows);
  for (let r = 0; r < rows; r++) markdownPrice[r] = markdownQty[r] !== 0 ? markdownValue[r] / markdownQty[r] : NaN;

  // Promotions: discounts_history has one row per promotion day.
  const disc = files['discounts_history.csv'];
  const dSeries = rowSeriesExisting(disc, stores, items, seriesOf, ITEM_MUL);
  const dDay = f64(disc, 'date');
  const dBefore = f64(disc, 'sale_price_before_promo');
  const dPromo = f64(disc, 'sale_price_time_promo');
  const dNum = f64(disc, 'number_disc_day');
  const promo = new Float64Array(rows);
  const promoDepth = new Float64Array(rows);
  const promoDay = new Float64Array(rows);
  let badDepth = 0;
  const plannedByKey = new Map<number, { series: number; day: number; depth: number; promoDay: number }>();
  for (let i = 0; i < disc.rows; i++) {
    const r = dSeries[i] < 0 ? -1 : rowAt(dSeries[i], dDay[i]);
    const k = dSeries[i] < 0 ? -1 : position[dSeries[i]];
    const future = r < 0 && k >= 0 && dDay[i] > end[k];
    if (r < 0 && !future) continue;
    let depth = dBefore[i] > 0 ? 1 - dPromo[i] / dBefore[i] : NaN;
    if (!(depth >= 0 && depth <= 1)) {
      badDepth++;
      depth = Math.min(1, Math.max(0, Number.isNaN(depth) ? 0 : depth));
    }
    if (future) {
      // Planned after the data ends: kept for serving (extendTable), not in the table.
      const key = k * 1048576 + dDay[i];
      const prev = plannedByKey.get(key);
      const dayNo = Number.isNaN(dNum[i]) ? 0 : dNum[i];
      if (prev) {
        prev.depth = Math.max(prev.depth, depth);
        prev.promoDay = Math.max(prev.promoDay, dayNo);
      } else plannedByKey.set(key, { series: k, day: dDay[i], depth, promoDay: dayNo });
      continue;
    }
    promo[r] = 1;
    if (depth > promoDepth[r]) promoDepth[r] = depth;
    if (!Number.isNaN(dNum[i]) && dNum[i] > promoDay[r]) promoDay[r] = dNum[i];
  }
  if (badDepth > 0) log.warn('discounts_history.csv', null, 'sale_price_time_promo', `${badDepth} promotion depths outside [0, 1] clipped`);

  // As-of price: sort price_history rows by (series, date), then walk each series.
  const ph = priceFile;
  const pSeries = firstPriceSeries;
  const pDay = firstPriceDay;
  const pPrice = f64(ph, 'price');
  const price = new Float64Array(rows).fill(NaN);
  const pIdx: number[] = [];
  for (let i = 0; i < ph.rows; i++) if (pSeries[i] >= 0 && position[pSeries[i]] >= 0) pIdx.push(i);
  pIdx.sort((a, b) => position[pSeries[a]] - position[pSeries[b]] || pDay[a] - pDay[b] || a - b);
  const hasHistory = new Uint8Array(kept);
  for (let j = 0; j < pIdx.length; ) {
    const k = position[pSeries[pIdx[j]]];
    let e = j;
    while (e < pIdx.length && position[pSeries[pIdx[e]]] === k) e++;
    hasHistory[k] = 1;
    const a = seriesStart[k];
    const b = seriesStart[k + 1];
    let p = j;
    let current = pPrice[pIdx[j]]; // back-fill before the first price
    for (let r = a; r < b; r++) {
      while (p < e && pDay[pIdx[p]] <= day[r]) current = pPrice[pIdx[p++]];
      price[r] = current;
    }
    j = e;
  }
  let noHistory = 0;
  for (let k = 0; k < kept; k++) {
    if (hasHistory[k]) continue;
    const vals: number[] = [];
    for (let r = seriesStart[k]; r < seriesStart[k + 1]; r++) if (!Number.isNaN(priceBaseSum[r])) vals.push(priceBaseSum[r]);
    if (vals.length === 0) continue;
    noHistory++;
    vals.sort((x, y) => x - y);
    const med = vals[vals.length >> 1];
    price.fill(med, seriesStart[k], seriesStart[k + 1]);
  }
  if (noHistory > 0) log.warn('price_history.csv', null, 'price', `${noHistory} series without price history: price = median price_base of their sales`);

  const listedCol = new Float64Array(rows);
  for (const s of order) {
    const k = position[s];
    if (k < 0) continue;
    const from = sListed[s];
    for (let r = seriesStart[k]; r < seriesStart[k + 1]; r++) listedCol[r] = day[r] >= from ? 1 : 0;
  }

  // Attributes: per store and per item, spread to rows.
  const storeFile = files['stores.csv'];
  const catalog = files['catalog.csv'];
  const storeRow = new Int32Array(stores.values.length).fill(-1);
  str(storeFile, 'store_id').forEach((id, i) => {
    const c = stores.get(id);
    if (c !== undefined) storeRow[c] = i;
  });
  const itemRow = new Int32Array(items.values.length).fill(-1);
  str(catalog, 'item_id').forEach((id, i) => {
    const c = items.get(id);
    if (c !== undefined) itemRow[c] = i;
  });
  const unknownStores = stores.values.filter((_, c) => storeRow[c] < 0);
  if (unknownStores.length) log.warn('stores.csv', null, 'store_id', `${unknownStores.length} store ids not in stores.csv (attributes missing): ${unknownStores.slice(0, 5).join(', ')}`);
  const unknownItems = items.values.filter((_, c) => itemRow[c] < 0).length;
  if (unknownItems) log.warn('catalog.csv', null, 'item_id', `${unknownItems} item ids not in catalog.csv (attributes missing)`);

  const rowStore = new Int32Array(rows);
  const rowItem = new Int32Array(rows);
  for (let k = 0; k < kept; k++) {
    rowStore.fill(seriesKeysStore[k], seriesStart[k], seriesStart[k + 1]);
    rowItem.fill(seriesKeysItem[k], seriesStart[k], seriesStart[k + 1]);
  }
  const categorical: Record<string, CategoricalColumn> = {};
  const attr = (file: ParsedFile, owner: Int32Array, ownerRow: Int32Array, name: string): CategoricalColumn => {
    const dict = new Dictionary();
    const vals = str(file, name);
    const codeOfOwner = Int32Array.from(ownerRow, (fr) => (fr < 0 || vals[fr] === '' ? -1 : dict.code(vals[fr])));
    const codes = new Int32Array(rows);
    for (let r = 0; r < rows; r++) codes[r] = codeOfOwner[owner[r]];
    return { codes, vocab: dict.values };
  };
  const numAttr = (file: ParsedFile, owner: Int32Array, ownerRow: Int32Array, name: string): Float64Array => {
    const vals = f64(file, name);
    const byOwner = Float64Array.from(ownerRow, (fr) => (fr < 0 ? NaN : vals[fr]));
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) out[r] = byOwner[owner[r]];
    return out;
  };
  for (const n of ['division', 'format', 'city']) categorical[n] = attr(storeFile, rowStore, storeRow, n);
  for (const n of ['dept_name', 'class_name', 'subclass_name', 'item_type']) categorical[n] = attr(catalog, rowItem, itemRow, n);

  const planned: PlannedEvent[] = [...plannedByKey.values()]
    .sort((a, b) => a.series - b.series || a.day - b.day)
    .map((p) => ({ series: p.series, day: p.day, values: { promo: 1, promo_depth: p.depth, promo_day: p.promoDay } }));
  const table: DailyTable = {
    frequency: 'daily',
    step: 1,
    rows,
    keyNames: ['store', 'item'],
    keyVocab: [stores.values, items.values],
    seriesKeys: [seriesKeysStore, seriesKeysItem],
    seriesStart,
    day,
    targetName: 'quantity',
    target: quantity,
    gapTarget: 0,
    numeric: {
      sum_total: sumTotal,
      price,
      promo,
      promo_depth: promoDepth,
      promo_day: promoDay,
      markdown_qty: markdownQty,
      markdown_price: markdownPrice,
      online_qty: onlineQty,
      listed: listedCol,
      area: numAttr(storeFile, rowStore, storeRow, 'area'),
      weight_volume: numAttr(catalog, rowItem, itemRow, 'weight_volume'),
      weight_netto: numAttr(catalog, rowItem, itemRow, 'weight_netto'),
      fatness: numAttr(catalog, rowItem, itemRow, 'fatness'),
    },
    categorical,
  };
  return { table, planned };
}

/** Series id (pre-ordering) of each row of a secondary file, -1 when the pair has no series. */
function rowSeriesExisting(p: ParsedFile, stores: Dictionary, items: Dictionary, seriesOf: Map<number, number>, mul: number): Int32Array {
  const st = str(p, 'store_id');
  const it = str(p, 'item_id');
  const out = new Int32Array(p.rows);
  for (let i = 0; i < p.rows; i++) {
    const sc = stores.get(st[i]);
    const ic = items.get(it[i]);
    out[i] = sc === undefined || ic === undefined ? -1 : (seriesOf.get(sc * mul + ic) ?? -1);
  }
  return out;
}
