/**
 * The merge of the retailer's validated files into the daily item-store table (docs/data.md),
 * as named steps over typed arrays, each building one part of the table from the files and what
 * the earlier steps found:
 *
 *   seriesOfFiles      one series per (store, item) seen in sales, online or actual_matrix, with
 *                      the days it runs: from its first day (first sale, first online sale, listing
 *                      date or first price, not before the first sales date of the files) to the
 *                      last sales date if the item is in the current assortment, else its last sale
 *   layOutRows         series ordered by (store, item) value, each a run of consecutive days
 *   salesColumns       quantity (a day without a row sold 0), sum_total, the base price of sales
 *   onlineColumn       online_qty
 *   markdownColumns    markdown_qty, markdown_price
 *   promotionColumns   promo, promo_depth = 1 - sale_price_time_promo / sale_price_before_promo,
 *                      promo_day (number_disc_day); promotions after the data ends are planned
 *   priceColumn        as-of join on price_history (a price holds from its date until the next)
 *   listedColumn       1 from the actual_matrix date on
 *   attributeColumns   store and catalog attributes joined
 *
 * Warnings go to the log in that order; the missing-value policy of every column is in
 * docs/data.md and retail.ts RETAIL_COLUMN_POLICY.
 */
import type { CategoricalColumn, DailyTable, PlannedEvent } from '@/ml/data/table';
import type { RetailFile } from '@/lib/schemas/ingest';
import type { IssueLog, ParsedFile } from './csv';

const f64 = (p: ParsedFile, c: string): Float64Array => p.columns[c] as Float64Array;
const str = (p: ParsedFile, c: string): string[] => p.columns[c] as string[];

/** Most rows the merged table may have. */
const MAX_ROWS = 50_000_000;

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

/** Series ids (in order of first appearance) by (store code, item code), with their days. */
class SeriesIndex {
  readonly stores = new Dictionary();
  readonly items = new Dictionary();
  private readonly ids = new Map<number, number>();
  readonly store: number[] = [];
  readonly item: number[] = [];
  /** First and last observed day within the sales dates (Infinity / -Infinity when none). */
  readonly first: number[] = [];
  readonly last: number[] = [];
  /** First actual_matrix day (Infinity when not listed). */
  readonly listed: number[] = [];
  private static readonly ITEM_MUL = 1 << 21;

  constructor(
    /** The first and last sales date of the files. */
    readonly minDay: number,
    readonly maxDay: number,
  ) {}

  get count(): number {
    return this.store.length;
  }

  /** The series id of (store, item), created on first sight. */
  private idOf(store: number, item: number): number {
    const key = store * SeriesIndex.ITEM_MUL + item;
    let s = this.ids.get(key);
    if (s === undefined) {
      s = this.store.length;
      this.ids.set(key, s);
      this.store.push(store);
      this.item.push(item);
      this.first.push(Infinity);
      this.last.push(-Infinity);
      this.listed.push(Infinity);
    }
    return s;
  }

  /** The series id of every row of a file that makes series (sales, online, actual_matrix). */
  rowSeries(p: ParsedFile): Int32Array {
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
        lastId = this.idOf(this.stores.code(lastS), this.items.code(lastI));
      }
      out[i] = lastId;
    }
    return out;
  }

  /** The series id of every row of a secondary file, -1 when the pair has no series. */
  existingSeries(p: ParsedFile): Int32Array {
    const st = str(p, 'store_id');
    const it = str(p, 'item_id');
    const out = new Int32Array(p.rows);
    for (let i = 0; i < p.rows; i++) {
      const sc = this.stores.get(st[i]);
      const ic = this.items.get(it[i]);
      out[i] = sc === undefined || ic === undefined ? -1 : (this.ids.get(sc * SeriesIndex.ITEM_MUL + ic) ?? -1);
    }
    return out;
  }

  /** Widens the series' observed days by rows on sales dates. */
  observe(series: Int32Array, days: Float64Array): void {
    for (let i = 0; i < series.length; i++) {
      const s = series[i];
      const d = days[i];
      if (d < this.minDay || d > this.maxDay) continue;
      if (d < this.first[s]) this.first[s] = d;
      if (d > this.last[s]) this.last[s] = d;
    }
  }
}

/** The series of the files and the per-row series of the files later steps join on. */
interface FileSeries {
  index: SeriesIndex;
  sales: Int32Array;
  online: Int32Array;
  prices: Int32Array;
}

/** Step 1: the series and the days each was seen, listed and priced. */
function seriesOfFiles(files: Record<RetailFile, ParsedFile>): FileSeries {
  const sales = files['sales.csv'];
  const sDay = f64(sales, 'date');
  let minDay = Infinity;
  let maxDay = -Infinity;
  for (let i = 0; i < sales.rows; i++) {
    if (sDay[i] < minDay) minDay = sDay[i];
    if (sDay[i] > maxDay) maxDay = sDay[i];
  }
  const index = new SeriesIndex(minDay, maxDay);
  const salesSeries = index.rowSeries(sales);
  const onlineSeries = index.rowSeries(files['online.csv']);
  index.observe(salesSeries, sDay);
  index.observe(onlineSeries, f64(files['online.csv'], 'date'));
  const matrix = files['actual_matrix.csv'];
  const mDay = f64(matrix, 'date');
  const mSeries = index.rowSeries(matrix);
  for (let i = 0; i < matrix.rows; i++) {
    const s = mSeries[i];
    if (mDay[i] < index.listed[s]) index.listed[s] = mDay[i];
  }
  // A series' first price is known before anything sells: it starts the series too, so that a
  // series without a listing date does not begin exactly on its first sale (series_age = 0
  // would then tell the model that the day sold something).
  const priceFile = files['price_history.csv'];
  const prices = index.existingSeries(priceFile);
  const pDay = f64(priceFile, 'date');
  for (let i = 0; i < priceFile.rows; i++) {
    const s = prices[i];
    const d = Math.max(pDay[i], minDay);
    if (s >= 0 && d <= maxDay && d < index.first[s]) index.first[s] = d;
  }
  return { index, sales: salesSeries, online: onlineSeries, prices };
}

/** Where every kept series' days sit in the table. */
interface RowLayout {
  /** Series ids in table order (dropped ones included). */
  order: number[];
  /** Series id -> table series index, -1 when dropped (no day to run on). */
  position: Int32Array;
  kept: number;
  rows: number;
  /** Per table series: first and last day, first row. */
  start: Float64Array;
  end: Float64Array;
  seriesStart: Int32Array;
  day: Int32Array;
  seriesKeysStore: Int32Array;
  seriesKeysItem: Int32Array;
}

/** The table row of series id `s` on day d, -1 outside its run. */
function rowAt(layout: RowLayout, s: number, d: number): number {
  const k = layout.position[s];
  if (k < 0 || d < layout.start[k] || d > layout.end[k]) return -1;
  return layout.seriesStart[k] + (d - layout.start[k]);
}

/**
 * Step 2: series ordered by (store, item) value, so the table does not depend on row order in
 * the files; each runs from its first day to its last. Null (with an error) past MAX_ROWS.
 */
function layOutRows(index: SeriesIndex, log: IssueLog): RowLayout | null {
  const { stores, items, store, item, minDay, maxDay } = index;
  const nSeries = index.count;
  const order = Array.from({ length: nSeries }, (_, i) => i).sort((a, b) => {
    const sa = stores.values[store[a]];
    const sb = stores.values[store[b]];
    if (sa !== sb) return sa < sb ? -1 : 1;
    const ia = items.values[item[a]];
    const ib = items.values[item[b]];
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  const start = new Float64Array(nSeries);
  const end = new Float64Array(nSeries);
  const seriesStart = new Int32Array(nSeries + 1);
  const position = new Int32Array(nSeries);
  let rows = 0;
  let kept = 0;
  for (const s of order) {
    const listed = index.listed[s];
    let first = Math.min(index.first[s], listed);
    if (first < minDay) first = minDay;
    const last = Number.isFinite(listed) ? maxDay : index.last[s];
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
  if (rows > MAX_ROWS) {
    log.error('sales.csv', null, null, `the merged table would have ${rows} rows, over the limit of 50,000,000`);
    return null;
  }
  const day = new Int32Array(rows);
  const seriesKeysStore = new Int32Array(kept);
  const seriesKeysItem = new Int32Array(kept);
  for (const s of order) {
    const k = position[s];
    if (k < 0) continue;
    seriesKeysStore[k] = store[s];
    seriesKeysItem[k] = item[s];
    for (let r = seriesStart[k], d = start[k]; r < seriesStart[k + 1]; r++, d++) day[r] = d;
  }
  return { order, position, kept, rows, start, end, seriesStart, day, seriesKeysStore, seriesKeysItem };
}

/** Step 3: offline sales summed per row; the base price of the day's last sales row (NaN without one). */
function salesColumns(sales: ParsedFile, series: Int32Array, layout: RowLayout, log: IssueLog): { quantity: Float64Array; sumTotal: Float64Array; priceBase: Float64Array } {
  const { rows } = layout;
  const quantity = new Float64Array(rows);
  const sumTotal = new Float64Array(rows);
  const priceBase = new Float64Array(rows).fill(NaN);
  const sDay = f64(sales, 'date');
  const sQty = f64(sales, 'quantity');
  const sSum = f64(sales, 'sum_total');
  const sBase = f64(sales, 'price_base');
  let outside = 0;
  for (let i = 0; i < sales.rows; i++) {
    const r = rowAt(layout, series[i], sDay[i]);
    if (r < 0) {
      outside++;
      continue;
    }
    quantity[r] += sQty[i];
    if (!Number.isNaN(sSum[i])) sumTotal[r] += sSum[i];
    if (!Number.isNaN(sBase[i])) priceBase[r] = sBase[i];
  }
  if (outside > 0) log.warn('sales.csv', null, null, `${outside} sales rows outside their series' span ignored`);
  return { quantity, sumTotal, priceBase };
}

/** Step 4: online quantities summed per row. */
function onlineColumn(online: ParsedFile, series: Int32Array, layout: RowLayout): Float64Array {
  const onlineQty = new Float64Array(layout.rows);
  const oDay = f64(online, 'date');
  const oQty = f64(online, 'quantity');
  for (let i = 0; i < online.rows; i++) {
    const r = rowAt(layout, series[i], oDay[i]);
    if (r >= 0) onlineQty[r] += oQty[i];
  }
  return onlineQty;
}

/** Step 5: markdown quantities summed per row and their quantity-weighted price (NaN without any). */
function markdownColumns(md: ParsedFile, index: SeriesIndex, layout: RowLayout): { markdownQty: Float64Array; markdownPrice: Float64Array } {
  const { rows } = layout;
  const mdSeries = index.existingSeries(md);
  const mdDay = f64(md, 'date');
  const mdQ = f64(md, 'quantity');
  const mdP = f64(md, 'price');
  const markdownQty = new Float64Array(rows);
  const markdownValue = new Float64Array(rows);
  for (let i = 0; i < md.rows; i++) {
    const r = mdSeries[i] < 0 ? -1 : rowAt(layout, mdSeries[i], mdDay[i]);
    if (r < 0) continue;
    markdownQty[r] += mdQ[i];
    markdownValue[r] += mdQ[i] * mdP[i];
  }
  const markdownPrice = new Float64Array(rows);
  for (let r = 0; r < rows; r++) markdownPrice[r] = markdownQty[r] !== 0 ? markdownValue[r] / markdownQty[r] : NaN;
  return { markdownQty, markdownPrice };
}

/**
 * Step 6: promotions from discounts_history (one row per promotion day): flag, deepest depth
 * (clipped to [0, 1]) and latest promotion day per row; those dated after their series ends are
 * planned (kept for serving, extendTable), not in the table.
 */
function promotionColumns(
  disc: ParsedFile,
  index: SeriesIndex,
  layout: RowLayout,
  log: IssueLog,
): { promo: Float64Array; promoDepth: Float64Array; promoDay: Float64Array; planned: PlannedEvent[] } {
  const { rows, position, end } = layout;
  const dSeries = index.existingSeries(disc);
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
    const r = dSeries[i] < 0 ? -1 : rowAt(layout, dSeries[i], dDay[i]);
    const k = dSeries[i] < 0 ? -1 : position[dSeries[i]];
    const future = r < 0 && k >= 0 && dDay[i] > end[k];
    if (r < 0 && !future) continue;
    let depth = dBefore[i] > 0 ? 1 - dPromo[i] / dBefore[i] : NaN;
    if (!(depth >= 0 && depth <= 1)) {
      badDepth++;
      depth = Math.min(1, Math.max(0, Number.isNaN(depth) ? 0 : depth));
    }
    if (future) {
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
  const planned: PlannedEvent[] = [...plannedByKey.values()]
    .sort((a, b) => a.series - b.series || a.day - b.day)
    .map((p) => ({ series: p.series, day: p.day, values: { promo: 1, promo_depth: p.depth, promo_day: p.promoDay } }));
  return { promo, promoDepth, promoDay, planned };
}

/**
 * Step 7: the price as of each day: price_history rows sorted by (series, date), each series
 * walked (its first price back-filled before it); a series without price history takes the
 * median base price of its sales.
 */
function priceColumn(ph: ParsedFile, pSeries: Int32Array, layout: RowLayout, priceBase: Float64Array, log: IssueLog): Float64Array {
  const { rows, kept, position, seriesStart, day } = layout;
  const pDay = f64(ph, 'date');
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
    for (let r = seriesStart[k]; r < seriesStart[k + 1]; r++) if (!Number.isNaN(priceBase[r])) vals.push(priceBase[r]);
    if (vals.length === 0) continue;
    noHistory++;
    vals.sort((x, y) => x - y);
    const med = vals[vals.length >> 1];
    price.fill(med, seriesStart[k], seriesStart[k + 1]);
  }
  if (noHistory > 0) log.warn('price_history.csv', null, 'price', `${noHistory} series without price history: price = median price_base of their sales`);
  return price;
}

/** Step 8: listed = 1 from the series' first actual_matrix day on. */
function listedColumn(index: SeriesIndex, layout: RowLayout): Float64Array {
  const { order, position, seriesStart, day } = layout;
  const listed = new Float64Array(layout.rows);
  for (const s of order) {
    const k = position[s];
    if (k < 0) continue;
    const from = index.listed[s];
    for (let r = seriesStart[k]; r < seriesStart[k + 1]; r++) listed[r] = day[r] >= from ? 1 : 0;
  }
  return listed;
}

/** Step 9: store attributes (stores.csv) and item attributes (catalog.csv) spread to rows; ids missing there are warned of. */
function attributeColumns(
  storeFile: ParsedFile,
  catalog: ParsedFile,
  index: SeriesIndex,
  layout: RowLayout,
  log: IssueLog,
): { categorical: Record<string, CategoricalColumn>; numeric: Record<'area' | 'weight_volume' | 'weight_netto' | 'fatness', Float64Array> } {
  const { stores, items } = index;
  const { rows, kept, seriesStart } = layout;
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
    rowStore.fill(layout.seriesKeysStore[k], seriesStart[k], seriesStart[k + 1]);
    rowItem.fill(layout.seriesKeysItem[k], seriesStart[k], seriesStart[k + 1]);
  }
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
  const categorical: Record<string, CategoricalColumn> = {};
  for (const n of ['division', 'format', 'city']) categorical[n] = attr(storeFile, rowStore, storeRow, n);
  for (const n of ['dept_name', 'class_name', 'subclass_name', 'item_type']) categorical[n] = attr(catalog, rowItem, itemRow, n);
  return {
    categorical,
    numeric: {
      area: numAttr(storeFile, rowStore, storeRow, 'area'),
      weight_volume: numAttr(catalog, rowItem, itemRow, 'weight_volume'),
      weight_netto: numAttr(catalog, rowItem, itemRow, 'weight_netto'),
      fatness: numAttr(catalog, rowItem, itemRow, 'fatness'),
    },
  };
}

/**
 * Merges validated files into the table and the promotions planned after it (the steps above,
 * in order); null when the table would be too large (the log says so).
 */
export function mergeRetail(files: Record<RetailFile, ParsedFile>, log: IssueLog): { table: DailyTable; planned: PlannedEvent[] } | null {
  const series = seriesOfFiles(files);
  const { index } = series;
  const layout = layOutRows(index, log);
  if (layout === null) return null;
  const sales = salesColumns(files['sales.csv'], series.sales, layout, log);
  const onlineQty = onlineColumn(files['online.csv'], series.online, layout);
  const markdowns = markdownColumns(files['markdowns.csv'], index, layout);
  const promotions = promotionColumns(files['discounts_history.csv'], index, layout, log);
  const price = priceColumn(files['price_history.csv'], series.prices, layout, sales.priceBase, log);
  const listed = listedColumn(index, layout);
  const attributes = attributeColumns(files['stores.csv'], files['catalog.csv'], index, layout, log);
  const table: DailyTable = {
    frequency: 'daily',
    step: 1,
    rows: layout.rows,
    keyNames: ['store', 'item'],
    keyVocab: [index.stores.values, index.items.values],
    seriesKeys: [layout.seriesKeysStore, layout.seriesKeysItem],
    seriesStart: layout.seriesStart,
    day: layout.day,
    targetName: 'quantity',
    target: sales.quantity,
    gapTarget: 0,
    numeric: {
      sum_total: sales.sumTotal,
      price,
      promo: promotions.promo,
      promo_depth: promotions.promoDepth,
      promo_day: promotions.promoDay,
      markdown_qty: markdowns.markdownQty,
      markdown_price: markdowns.markdownPrice,
      online_qty: onlineQty,
      listed,
      ...attributes.numeric,
    },
    categorical: attributes.categorical,
  };
  return { table, planned: promotions.planned };
}
