/**
 * The retailer's 8 CSV files (docs/data.md) to the daily item-store table.
 *
 * Validation first (lib/ingest/csv.ts): any error and the result carries the report and no table,
 * so the caller writes nothing. Then the merge (retail-merge.ts, in named steps on typed arrays):
 * one daily series per (store, item) with quantity, price as of price_history, promotions,
 * markdowns, online sales, the assortment and the store and catalog attributes.
 * The missing-value policy of every column is in docs/data.md and `RETAIL_COLUMN_POLICY`.
 */
import { createHash } from 'node:crypto';
import { formatDay } from '@/ml/data/dates';
import { dateRange, seriesOfRow, type DailyTable, type PlannedEvent } from '@/ml/data/table';
import { ingestLimitsSchema, RETAIL_FILE_NAMES, RETAIL_LAYOUT, type IngestLimits, type RetailFile, type ValidationReport } from '@/lib/schemas/ingest';
import {
  IssueLog, NO_PROVENANCE, byteLength, checkFileName, decodeCsv, parseCsvFile, refuseFarDates,
  type ImportProvenance, type ParsedFile, type SourceLocator, type UploadedFile,
} from './csv';
import { bulkDateSpan, type KnownSpan } from '@/ml/data/date-span';
import { mergeRetail } from './retail-merge';

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

const f64 = (p: ParsedFile, c: string): Float64Array => p.columns[c] as Float64Array;
const str = (p: ParsedFile, c: string): string[] => p.columns[c] as string[];
