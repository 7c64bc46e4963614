/**
 * The generic importer: one CSV plus a column mapping (date, target, series keys, numeric
 * regressors, categorical attributes), optional attribute files joined on a key, to the same
 * DailyTable the retail importer builds. Date format and frequency are detected from the values
 * unless given. Validation, limits and the report follow the retail importer (lib/ingest/csv.ts).
 */
import Papa from 'papaparse';
import { dayFromCivil, formatDay, isTimeOfDay, isValidCivil } from '@/ml/data/dates';
import { bulkDateSpan, type KnownSpan } from '@/ml/data/date-span';
import type { CategoricalColumn, DailyTable } from '@/ml/data/table';
import {
  genericMappingSchema, ingestLimitsSchema, NUMBER_PATTERN,
  type ColumnSpec, type DateFormat, type GenericMapping, type IngestLimits, type ValidationReport,
} from '@/lib/schemas/ingest';
import {
  IssueLog, NO_PROVENANCE, byteLength, checkFileName, decodeCsv, parseCsvFile, refuseFarDates, warnTimesOfDay,
  type ImportProvenance, type UploadedFile,
} from './csv';
import { fingerprintFiles } from './retail';
import { detectMapping, type DetectedMapping } from './detect';

export const DATE_FORMATS: readonly DateFormat[] = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY'];

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const DATE_PATTERNS: Readonly<Record<DateFormat, RegExp>> = {
  'YYYY-MM-DD': /^(\d{4})-(\d{1,2})-(\d{1,2})/,
  'DD/MM/YYYY': /^(\d{1,2})\/(\d{1,2})\/(\d{4})/,
  'MM/DD/YYYY': /^(\d{1,2})\/(\d{1,2})\/(\d{4})/,
  'DD.MM.YYYY': /^(\d{1,2})\.(\d{1,2})\.(\d{4})/,
};

/**
 * Year, month and day written in `text` in the given format, or null when it is not in that form.
 * A time of day and zone may follow the date (`isTimeOfDay`): the date written is the day.
 */
function civilParts(text: string, format: DateFormat): { y: number; m: number; d: number } | null {
  const s = text.trim();
  const p = DATE_PATTERNS[format].exec(s);
  if (!p || (p[0].length < s.length && !isTimeOfDay(s.slice(p[0].length)))) return null;
  if (format === 'YYYY-MM-DD') return { y: Number(p[1]), m: Number(p[2]), d: Number(p[3]) };
  const a = Number(p[1]);
  const b = Number(p[2]);
  return format === 'MM/DD/YYYY' ? { y: Number(p[3]), m: a, d: b } : { y: Number(p[3]), m: b, d: a };
}

/** Day number of a date string in the given format, NaN when it does not match or is impossible. */
export function parseDateAs(text: string, format: DateFormat): number {
  const c = civilParts(text, format);
  return c && isValidCivil(c.y, c.m, c.d) ? dayFromCivil(c.y, c.m, c.d) : NaN;
}

/** Why `text` is not a date in `format` (for the report): not in that form, or not a calendar date and why. */
export function dateProblem(text: string, format: DateFormat): string {
  const shown = JSON.stringify(text.trim().slice(0, 40));
  const c = civilParts(text, format);
  if (!c) return `not a date in ${format} form (a time of day such as 10:00:00Z may follow): ${shown}`;
  const why = c.m < 1 || c.m > 12 ? `month ${c.m}` : c.y < 1000 ? `year ${c.y} is before 1000` : c.d < 1 ? `day ${c.d}` : `${MONTHS[c.m - 1]} ${c.y} has no day ${c.d}`;
  return `not a calendar date: ${shown} (${why})`;
}

export interface DateFormatDetection {
  /** The chosen format, null when no format parses every value. */
  format: DateFormat | null;
  /** Every format that parses all values. */
  candidates: DateFormat[];
  /** True when several formats fit and the choice rests on the spacing of the dates. */
  ambiguous: boolean;
}

/**
 * Detects the date format of a column from its distinct values. When several formats parse every
 * value (e.g. 05/02/2010 and no day above 12), the one whose sorted dates are most regularly
 * spaced wins (the share of gaps equal to the most common gap), then DD/MM/YYYY before MM/DD/YYYY.
 */
export function detectDateFormat(values: readonly string[]): DateFormatDetection {
  const distinct = [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
  const candidates = DATE_FORMATS.filter((f) => distinct.length > 0 && distinct.every((v) => !Number.isNaN(parseDateAs(v, f))));
  if (candidates.length <= 1) return { format: candidates[0] ?? null, candidates, ambiguous: false };
  const regularity = (f: DateFormat): number => {
    const days = [...new Set(distinct.map((v) => parseDateAs(v, f)))].sort((a, b) => a - b);
    if (days.length < 3) return 0;
    const gaps = new Map<number, number>();
    for (let i = 1; i < days.length; i++) gaps.set(days[i] - days[i - 1], (gaps.get(days[i] - days[i - 1]) ?? 0) + 1);
    return Math.max(...gaps.values()) / (days.length - 1);
  };
  const scored = candidates.map((f) => ({ f, score: regularity(f) })).sort((a, b) => b.score - a.score || DATE_FORMATS.indexOf(a.f) - DATE_FORMATS.indexOf(b.f));
  return { format: scored[0].f, candidates, ambiguous: true };
}

/** Daily or weekly from the most common gap between distinct dates; null when neither. */
export function detectFrequency(days: ArrayLike<number>): 'daily' | 'weekly' | null {
  const u = [...new Set(Array.from(days))].sort((a, b) => a - b);
  if (u.length < 2) return null;
  const gaps = new Map<number, number>();
  for (let i = 1; i < u.length; i++) gaps.set(u[i] - u[i - 1], (gaps.get(u[i] - u[i - 1]) ?? 0) + 1);
  let best = 0;
  let bestCount = -1;
  for (const [g, c] of gaps) if (c > bestCount || (c === bestCount && g < best)) [best, bestCount] = [g, c];
  return best === 1 ? 'daily' : best === 7 ? 'weekly' : null;
}

export type DetectedType = 'number' | 'date' | 'text' | 'empty';

export interface CsvPreview {
  report: ValidationReport;
  columns: string[];
  /** The first rows, as text. */
  rows: string[][];
  types: Record<string, DetectedType>;
  /** For date columns: the detected format. */
  dateFormats: Record<string, DateFormatDetection>;
  /** Data rows; counted from line breaks (an estimate if quoted fields hold newlines) past the sample. */
  totalRows: number;
  totalRowsEstimated: boolean;
  /** The mapping guessed from the sample (null when the file could not be read); `sampleRows` it was read from. */
  detected: DetectedMapping | null;
  sampleRows: number;
}

/** Rows read to detect column types and the date format in the preview. */
export const PREVIEW_SAMPLE = 20_000;

/** Detected type of a column from its values: all numbers, all dates of one format, else text. */
export function detectType(values: readonly string[]): { type: DetectedType; date?: DateFormatDetection } {
  const nonEmpty = values.filter((v) => v.trim() !== '');
  if (nonEmpty.length === 0) return { type: 'empty' };
  if (nonEmpty.every((v) => NUMBER_PATTERN.test(v.trim()))) return { type: 'number' };
  const date = detectDateFormat(nonEmpty);
  if (date.format) return { type: 'date', date };
  return { type: 'text' };
}

/** First rows and detected column types of a CSV, for the import wizard (types from the first PREVIEW_SAMPLE rows). */
export function previewCsv(file: UploadedFile, options: { rows?: number; limits?: Partial<IngestLimits> } = {}): CsvPreview {
  const lim = ingestLimitsSchema.parse(options.limits ?? {});
  const log = new IssueLog();
  const empty = (): CsvPreview => ({ report: log.report(), columns: [], rows: [], types: {}, dateFormats: {}, totalRows: 0, totalRowsEstimated: false, detected: null, sampleRows: 0 });
  const bad = checkFileName(file.name);
  if (bad) {
    log.error(file.name.slice(0, 200), null, null, `file refused: ${bad}`);
    return empty();
  }
  if (byteLength(file) > lim.maxFileBytes) {
    log.error(file.name, null, null, `file is ${byteLength(file)} bytes, over the limit of ${lim.maxFileBytes} bytes`);
    return empty();
  }
  const text = decodeCsv(file.name, file.bytes, lim.maxLineBytes, log);
  if (text === null) return empty();
  // Types come from the first PREVIEW_SAMPLE rows: enough to decide, and a big file is not parsed twice.
  const data = Papa.parse<string[]>(text, { header: false, skipEmptyLines: 'greedy', delimiter: ',', preview: PREVIEW_SAMPLE + 1 }).data;
  if (data.length === 0) return empty();
  const header = data[0].map((h) => h.trim());
  const body = data.slice(1);
  let totalRows = body.length;
  const estimated = body.length >= PREVIEW_SAMPLE;
  if (estimated) {
    totalRows = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) totalRows++;
    if (!text.endsWith('\n')) totalRows++;
    totalRows -= 1; // the header
  }
  const types: Record<string, DetectedType> = {};
  const dateFormats: Record<string, DateFormatDetection> = {};
  header.forEach((h, j) => {
    const d = detectType(body.map((r) => r[j] ?? ''));
    types[h] = d.type;
    if (d.date) dateFormats[h] = d.date;
  });
  const detected = detectMapping(header, body, types, dateFormats, parseDateAs, detectFrequency);
  return { report: log.report(), columns: header, rows: body.slice(0, options.rows ?? 20), types, dateFormats, totalRows, totalRowsEstimated: estimated, detected, sampleRows: body.length };
}

export interface AttributeFile {
  file: UploadedFile;
  /** Series key of the main table, e.g. 'store'. */
  key: string;
  /** Column of the attribute file holding that key, e.g. 'store_nbr'. */
  column: string;
}

export interface GenericImportResult extends ImportProvenance {
  report: ValidationReport;
  table: DailyTable | null;
  fingerprint: string;
  dateRange: { first: string; last: string } | null;
  detected: { dateFormat: DateFormat | null; dateFormatAmbiguous: boolean; frequency: 'daily' | 'weekly' | null; series: number; periods: number };
}

/** Sorts key values numerically when they are all numbers (store 2 before store 10), else as text. */
function keyOrder(values: readonly string[]): (a: string, b: string) => number {
  const numeric = values.every((v) => NUMBER_PATTERN.test(v));
  return numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Imports one CSV with a mapping. Never throws on bad input: the report says what is wrong and
 * the table is null. Duplicate (series, date) rows are an error (add a key to the mapping).
 */
export function importGeneric(
  file: UploadedFile,
  mappingInput: GenericMapping,
  options: {
    joins?: readonly AttributeFile[];
    limits?: Partial<IngestLimits>;
    /** The tenant's stored data, which the file's dates are judged against (far-off dates are refused). */
    stored?: KnownSpan;
  } = {},
): GenericImportResult {
  const lim = ingestLimitsSchema.parse(options.limits ?? {});
  const log = new IssueLog();
  const joins = options.joins ?? [];
  const fingerprint = fingerprintFiles([file, ...joins.map((j) => j.file)]);
  const detected: GenericImportResult['detected'] = { dateFormat: null, dateFormatAmbiguous: false, frequency: null, series: 0, periods: 0 };
  const fail = (): GenericImportResult => ({ ...NO_PROVENANCE, report: log.report(), table: null, fingerprint, dateRange: null, detected });
  const mappingResult = genericMappingSchema.safeParse(mappingInput);
  if (!mappingResult.success) {
    for (const i of mappingResult.error.issues) log.error('(mapping)', null, i.path.join('.') || null, i.message);
    return fail();
  }
  const mapping = mappingResult.data;
  const keyNames = Object.keys(mapping.keys);
  const used = [mapping.date, mapping.target, ...Object.values(mapping.keys), ...mapping.numeric, ...mapping.categorical];
  const dup = used.find((c, i) => used.indexOf(c) !== i);
  if (dup) {
    log.error('(mapping)', null, dup, 'column mapped twice');
    return fail();
  }
  for (const f of [file, ...joins.map((j) => j.file)]) {
    const bad = checkFileName(f.name);
    if (bad) log.error(f.name.slice(0, 200), null, null, `file refused: ${bad}`);
    else if (byteLength(f) > lim.maxFileBytes) log.error(f.name, null, null, `file is ${byteLength(f)} bytes, over the limit of ${lim.maxFileBytes} bytes`);
  }
  if (log.errorCount > 0) return fail();

  const text = decodeCsv(file.name, file.bytes, lim.maxLineBytes, log);
  if (text === null) return fail();
  const specs: ColumnSpec[] = [
    { name: mapping.date, kind: 'text' },
    { name: mapping.target, kind: 'optionalNumber' },
    ...Object.values(mapping.keys).map((c): ColumnSpec => ({ name: c, kind: 'id' })),
    ...mapping.numeric.map((c): ColumnSpec => ({ name: c, kind: 'optionalNumber' })),
    ...mapping.categorical.map((c): ColumnSpec => ({ name: c, kind: 'text' })),
  ];
  const parsed = parseCsvFile(file.name, text, specs, log, { mayBeEmpty: false });
  if (!parsed) return fail();
  const col = (name: string): string[] | Float64Array => parsed.columns[name];

  // Dates: the format chosen, or detected from all distinct values. When no format fits every
  // value, the one fitting most rows is the column's and each row it does not fit is an error at
  // its line (mixed formats, 2023-02-30, month 13), so the report says where, not only which column.
  const rawDates = col(mapping.date) as string[];
  let format = mapping.dateFormat ?? null;
  let fitting = -1;
  if (!format) {
    const det = detectDateFormat(rawDates);
    format = det.format;
    detected.dateFormatAmbiguous = det.ambiguous;
    if (!format) [format, fitting] = mostFittingFormat(rawDates);
  }
  detected.dateFormat = format;
  const days = new Int32Array(parsed.rows);
  const memo = new Map<string, number>();
  const timedValues = new Set<string>();
  let timed = 0;
  let firstTimed = -1;
  for (let i = 0; i < parsed.rows; i++) {
    const raw = rawDates[i];
    let d = memo.get(raw);
    if (d === undefined) {
      d = parseDateAs(raw, format);
      memo.set(raw, d);
      if (!Number.isNaN(d) && hasTimeOfDay(raw, format)) timedValues.add(raw);
    }
    if (Number.isNaN(d)) {
      const reason =
        fitting === 0
          ? `not a date in any accepted format (${DATE_FORMATS.join(', ')}): ${JSON.stringify(raw.trim().slice(0, 40))}`
          : fitting > 0 && !DATE_PATTERNS[format].test(raw.trim())
            ? `mixed date formats: the column's dates are ${format} (${fitting.toLocaleString('en')} of ${parsed.rows.toLocaleString('en')} rows), this one is not: ${JSON.stringify(raw.trim().slice(0, 40))}`
            : dateProblem(raw, format);
      log.error(file.name, parsed.lines[i], mapping.date, reason);
    } else if (timedValues.has(raw) && timed++ === 0) firstTimed = i;
    days[i] = d;
  }
  if (log.errorCount > 0) return fail();
  if (timed > 0) warnTimesOfDay(log, file.name, mapping.date, timed, parsed.lines[firstTimed], rawDates[firstTimed]);
  refuseFarDates(log, file.name, mapping.date, days, parsed.lines, bulkDateSpan([days], lim.maxDateGapDays, options.stored), lim.maxDateGapDays);
  if (log.errorCount > 0) return fail();
  const frequency = mapping.frequency ?? detectFrequency(days);
  detected.frequency = frequency;
  if (!frequency) {
    log.error(file.name, null, mapping.date, 'frequency not detected: the dates are neither daily nor weekly (choose it explicitly)');
    return fail();
  }
  const step: 1 | 7 = frequency === 'daily' ? 1 : 7;

  // Series by key tuple, ordered by key values.
  const keyCols = keyNames.map((k) => col(mapping.keys[k]) as string[]);
  const vocab = keyCols.map((c) => {
    const v = [...new Set(c)];
    return v.sort(keyOrder(v));
  });
  const vocabIndex = vocab.map((v) => new Map(v.map((x, i) => [x, i])));
  const seriesMap = new Map<string, number>();
  const seriesCodes: number[][] = [];
  const rowSeries = new Int32Array(parsed.rows);
  for (let i = 0; i < parsed.rows; i++) {
    const codes = keyCols.map((c, k) => vocabIndex[k].get(c[i]) as number);
    const key = codes.join(',');
    let s = seriesMap.get(key);
    if (s === undefined) {
      s = seriesCodes.length;
      seriesMap.set(key, s);
      seriesCodes.push(codes);
    }
    rowSeries[i] = s;
  }
  const nSeries = seriesCodes.length;
  const order = Array.from({ length: nSeries }, (_, s) => s).sort((a, b) => {
    for (let k = 0; k < keyNames.length; k++) if (seriesCodes[a][k] !== seriesCodes[b][k]) return seriesCodes[a][k] - seriesCodes[b][k];
    return 0;
  });
  const first = new Float64Array(nSeries).fill(Infinity);
  const last = new Float64Array(nSeries).fill(-Infinity);
  for (let i = 0; i < parsed.rows; i++) {
    const s = rowSeries[i];
    if (days[i] < first[s]) first[s] = days[i];
    if (days[i] > last[s]) last[s] = days[i];
  }
  const position = new Int32Array(nSeries);
  const seriesStart = new Int32Array(nSeries + 1);
  let rows = 0;
  order.forEach((s, k) => {
    position[s] = k;
    seriesStart[k] = rows;
    rows += Math.floor((last[s] - first[s]) / step) + 1;
  });
  seriesStart[nSeries] = rows;
  const day = new Int32Array(rows);
  order.forEach((s, k) => {
    for (let r = seriesStart[k], d = first[s]; r < seriesStart[k + 1]; r++, d += step) day[r] = d;
  });
  const target = new Float64Array(rows).fill(NaN);
  const numeric: Record<string, Float64Array> = {};
  for (const n of mapping.numeric) numeric[n] = new Float64Array(rows).fill(NaN);
  const filled = new Uint8Array(rows);
  const srcRow = new Int32Array(rows).fill(-1);
  const tgt = col(mapping.target) as Float64Array;
  for (let i = 0; i < parsed.rows; i++) {
    const s = rowSeries[i];
    const off = days[i] - first[s];
    if (off % step !== 0) {
      log.error(file.name, parsed.lines[i], mapping.date, `${formatDay(days[i])} is not on the ${frequency} grid of its series (first date ${formatDay(first[s])})`);
      continue;
    }
    const r = seriesStart[position[s]] + off / step;
    if (filled[r]) {
      log.error(file.name, parsed.lines[i], mapping.date, `a second row for the same series and date (line ${parsed.lines[srcRow[r]]}): add a series key to the mapping`);
      continue;
    }
    filled[r] = 1;
    srcRow[r] = i;
    target[r] = tgt[i];
    for (const n of mapping.numeric) numeric[n][r] = (col(n) as Float64Array)[i];
  }
  if (log.errorCount > 0) return fail();
  let gaps = 0;
  for (let r = 0; r < rows; r++) if (!filled[r]) gaps++;
  if (gaps > 0) log.warn(file.name, null, mapping.date, `${gaps} missing periods inside series filled with a missing target (NaN)`);

  const categorical: Record<string, CategoricalColumn> = {};
  for (const n of mapping.categorical) {
    const vals = col(n) as string[];
    const dict = new Map<string, number>();
    const v: string[] = [];
    const codes = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const i = srcRow[r];
      if (i < 0) {
        // A gap period: the series' attribute carries forward.
        codes[r] = r > 0 && day[r] > day[r - 1] ? codes[r - 1] : -1;
        continue;
      }
      const x = vals[i];
      if (x === '') {
        codes[r] = -1;
        continue;
      }
      let c = dict.get(x);
      if (c === undefined) {
        c = v.length;
        v.push(x);
        dict.set(x, c);
      }
      codes[r] = c;
    }
    categorical[n] = { codes, vocab: v };
  }
  const seriesKeys = keyNames.map((_, k) => Int32Array.from(order, (s) => seriesCodes[s][k]));

  for (const j of joins) joinAttributes(j, { keyNames, keyVocab: vocab, seriesKeys, seriesStart, rows, numeric, categorical }, lim, log);
  if (log.errorCount > 0) return fail();

  detected.series = nSeries;
  detected.periods = new Set(Array.from(day)).size;
  let minDay = Infinity;
  let maxDay = -Infinity;
  for (let r = 0; r < rows; r++) {
    if (day[r] < minDay) minDay = day[r];
    if (day[r] > maxDay) maxDay = day[r];
  }
  const table: DailyTable = {
    frequency,
    step,
    rows,
    keyNames,
    keyVocab: vocab,
    seriesKeys,
    seriesStart,
    day,
    targetName: mapping.target,
    target,
    gapTarget: NaN,
    numeric,
    categorical,
  };
  const lines = parsed.lines;
  return {
    report: log.report(),
    table,
    fingerprint,
    dateRange: { first: formatDay(minDay), last: formatDay(maxDay) },
    detected,
    // Every mapped column of the file is a value of its row's day; joined attributes are per series.
    dayColumns: { numeric: [...mapping.numeric], categorical: [...mapping.categorical] },
    softColumns: [],
    observed: filled,
    locate: (row, column) => ({ file: file.name, line: srcRow[row] >= 0 ? lines[srcRow[row]] : null, column }),
  };
}

/** The format parsing the most rows of a column no format parses entirely, and that count (ties: DATE_FORMATS order). */
function mostFittingFormat(values: readonly string[]): [DateFormat, number] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: DateFormat = DATE_FORMATS[0];
  let bestRows = -1;
  for (const f of DATE_FORMATS) {
    let rows = 0;
    for (const [v, n] of counts) if (!Number.isNaN(parseDateAs(v, f))) rows += n;
    if (rows > bestRows) [best, bestRows] = [f, rows];
  }
  return [best, bestRows];
}

/** True when a parsed date value carries a time of day after its date. */
function hasTimeOfDay(raw: string, format: DateFormat): boolean {
  const s = raw.trim();
  const m = DATE_PATTERNS[format].exec(s);
  return m !== null && m[0].length < s.length;
}

/** Adds the columns of an attribute file, joined on one series key, as per-row attributes. */
function joinAttributes(
  j: AttributeFile,
  t: {
    keyNames: string[]; keyVocab: string[][]; seriesKeys: Int32Array[]; seriesStart: Int32Array; rows: number;
    numeric: Record<string, Float64Array>; categorical: Record<string, CategoricalColumn>;
  },
  lim: IngestLimits,
  log: IssueLog,
): void {
  const name = j.file.name;
  const k = t.keyNames.indexOf(j.key);
  if (k < 0) {
    log.error(name, null, j.key, `join key "${j.key}" is not a series key of the mapping (${t.keyNames.join(', ') || 'none'})`);
    return;
  }
  const text = decodeCsv(name, j.file.bytes, lim.maxLineBytes, log);
  if (text === null) return;
  const header = Papa.parse<string[]>(text, { header: false, preview: 1, delimiter: ',' }).data[0]?.map((h) => h.trim()) ?? [];
  const cols = header.filter((h, i) => !(i === 0 && (h === '' || h.toLowerCase() === 'unnamed: 0')));
  if (!cols.map((c) => c.toLowerCase()).includes(j.column.toLowerCase())) {
    log.error(name, 1, j.column, `join column "${j.column}" not found`);
    return;
  }
  const attrs = cols.filter((c) => c.toLowerCase() !== j.column.toLowerCase());
  const parsed = parseCsvFile(name, text, [{ name: j.column, kind: 'id' }, ...attrs.map((c): ColumnSpec => ({ name: c, kind: 'text' }))], log, { mayBeEmpty: false });
  if (!parsed) return;
  const keyVals = parsed.columns[j.column] as string[];
  const rowOfKey = new Map<string, number>();
  keyVals.forEach((v, i) => {
    if (rowOfKey.has(v)) log.error(name, parsed.lines[i], j.column, `key ${JSON.stringify(v)} appears twice`);
    rowOfKey.set(v, i);
  });
  const keyRow = Int32Array.from(t.keyVocab[k], (v) => rowOfKey.get(v) ?? -1);
  const missing = t.keyVocab[k].filter((_, c) => keyRow[c] < 0);
  if (missing.length) log.warn(name, null, j.column, `${missing.length} ${j.key} values without attributes (missing): ${missing.slice(0, 5).join(', ')}`);
  const nSeries = t.seriesStart.length - 1;
  for (const a of attrs) {
    const vals = parsed.columns[a] as string[];
    const outName = t.numeric[a] || t.categorical[a] ? `${j.key}_${a}` : a;
    const isNumber = vals.every((v) => v === '' || NUMBER_PATTERN.test(v));
    if (isNumber) {
      const out = new Float64Array(t.rows);
      for (let s = 0; s < nSeries; s++) {
        const fr = keyRow[t.seriesKeys[k][s]];
        out.fill(fr < 0 || vals[fr] === '' ? NaN : Number(vals[fr]), t.seriesStart[s], t.seriesStart[s + 1]);
      }
      t.numeric[outName] = out;
    } else {
      const v: string[] = [];
      const dict = new Map<string, number>();
      const codes = new Int32Array(t.rows);
      for (let s = 0; s < nSeries; s++) {
        const fr = keyRow[t.seriesKeys[k][s]];
        let c = -1;
        if (fr >= 0 && vals[fr] !== '') {
          const x = vals[fr];
          c = dict.get(x) ?? -1;
          if (c < 0) {
            c = v.length;
            v.push(x);
            dict.set(x, c);
          }
        }
        codes.fill(c, t.seriesStart[s], t.seriesStart[s + 1]);
      }
      t.categorical[outName] = { codes, vocab: v };
    }
  }
}

/**
 * Parses the CLI mapping `date=Date,store=Store,target=Weekly_Sales,numeric=Temperature|CPI`:
 * `date`, `target`, `dateFormat`, `frequency` are fields; `numeric` and `categorical` take
 * `|`-separated columns (or repeat); any other name is a series key (store, item, ...).
 * @throws RangeError naming the bad part.
 */
export function parseMappingArg(arg: string): GenericMapping {
  const m: { date?: string; target?: string; keys: Record<string, string>; numeric: string[]; categorical: string[]; dateFormat?: DateFormat; frequency?: 'daily' | 'weekly' } = {
    keys: {},
    numeric: [],
    categorical: [],
  };
  for (const part of arg.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) throw new RangeError(`mapping part must be name=column: ${JSON.stringify(part)}`);
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 'date' || name === 'target') m[name] = value;
    else if (name === 'numeric' || name === 'categorical') m[name].push(...value.split('|').map((v) => v.trim()).filter(Boolean));
    else if (name === 'dateFormat') {
      if (!(DATE_FORMATS as readonly string[]).includes(value)) throw new RangeError(`dateFormat must be one of ${DATE_FORMATS.join(', ')}`);
      m.dateFormat = value as DateFormat;
    } else if (name === 'frequency') {
      if (value !== 'daily' && value !== 'weekly') throw new RangeError('frequency must be daily or weekly');
      m.frequency = value;
    } else if (/^[a-z][a-z0-9_]*$/.test(name)) m.keys[name] = value;
    else throw new RangeError(`not a mapping name: ${JSON.stringify(name)}`);
  }
  if (!m.date || !m.target) throw new RangeError('the mapping needs date=... and target=...');
  return { ...m, date: m.date, target: m.target };
}

/** Parses the CLI join `stores.csv:store=store_nbr`. @throws RangeError when malformed. */
export function parseJoinArg(arg: string): { file: string; key: string; column: string } {
  const match = /^(.+):([a-z][a-z0-9_]*)=(.+)$/.exec(arg.trim());
  if (!match) throw new RangeError(`join must be FILE:key=column, got ${JSON.stringify(arg)}`);
  return { file: match[1], key: match[2], column: match[3] };
}
