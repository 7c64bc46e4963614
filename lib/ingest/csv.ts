/**
 * Reading one uploaded CSV file into validated columns: file-name and size checks, UTF-8 decoding,
 * BOM and line-ending repairs, papaparse, header matching, and every cell through its zod schema
 * (lib/schemas/ingest.ts). Errors and warnings go to a shared `IssueLog` with file, line, column.
 * No Next.js, no storage: runs from the CLI, workers and tests alike.
 */
import Papa from 'papaparse';
import { formatDay } from '@/ml/data/dates';
import { CELL_SCHEMAS, fastNumber, type CellKind, type ColumnSpec, type IngestIssue, type ValidationReport } from '@/lib/schemas/ingest';

export const MAX_REPORTED_ERRORS = 100;

/** Collects issues, keeping the first 100 errors (and warnings) and the total counts. */
export class IssueLog {
  readonly errors: IngestIssue[] = [];
  readonly warnings: IngestIssue[] = [];
  errorCount = 0;
  warningCount = 0;
  readonly rowsByFile: Record<string, number> = {};

  error(file: string, line: number | null, column: string | null, reason: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ file, line, column, reason });
  }

  warn(file: string, line: number | null, column: string | null, reason: string): void {
    this.warningCount++;
    if (this.warnings.length < MAX_REPORTED_ERRORS) this.warnings.push({ file, line, column, reason });
  }

  report(): ValidationReport {
    return {
      ok: this.errorCount === 0,
      errors: [...this.errors],
      errorCount: this.errorCount,
      warnings: [...this.warnings],
      warningCount: this.warningCount,
      rowsByFile: { ...this.rowsByFile },
    };
  }
}

export interface UploadedFile {
  /** The file's name as uploaded; must be a plain base name. */
  name: string;
  bytes: Uint8Array | string;
}

/** Byte length of an upload (UTF-8 for strings). */
export function byteLength(f: UploadedFile): number {
  return typeof f.bytes === 'string' ? Buffer.byteLength(f.bytes, 'utf8') : f.bytes.byteLength;
}

/**
 * A safe base name or the reason it is refused: no path separators, no `..`, not absolute,
 * no control characters, at most 200 characters, ending in `.csv`.
 */
export function checkFileName(name: string): string | null {
  if (name.length === 0 || name.length > 200) return 'file name must have 1 to 200 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'file name contains a control character';
  if (name.includes('/') || name.includes('\\')) return 'file name must not contain a path (/ or \\)';
  if (name.includes('..')) return 'file name must not contain ..';
  if (/^[a-zA-Z]:/.test(name)) return 'file name must not be an absolute path';
  if (!name.toLowerCase().endsWith('.csv')) return 'file name must end in .csv';
  return null;
}

/**
 * Decodes to text: strict UTF-8 (invalid bytes are an error, not silently replaced), BOM removed
 * (warning), and the longest physical line checked against `maxLineBytes`.
 * Returns null (after logging the error) when the file cannot be used.
 */
export function decodeCsv(file: string, bytes: Uint8Array | string, maxLineBytes: number, log: IssueLog): string | null {
  let text: string;
  if (typeof bytes === 'string') text = bytes;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      // The decoder only says that the file is bad; the scan says where, one error per line.
      let found = 0;
      forEachInvalidUtf8Line(bytes, (line, byte, position) => {
        found++;
        log.error(file, line, null, `not valid UTF-8 text: byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at position ${position} of the line (save the file as CSV UTF-8)`);
      });
      if (found === 0) log.error(file, null, null, 'not valid UTF-8 text (save the file as CSV UTF-8)');
      return null;
    }
  }
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    log.warn(file, 1, null, 'byte order mark (BOM) removed');
  }
  if (text.trim().length === 0) {
    log.error(file, null, null, 'file is empty');
    return null;
  }
  // Longest physical line, in UTF-16 units (a lower bound on bytes; a 10 MB line is caught either way).
  let prev = 0;
  let line = 1;
  for (;;) {
    const nl = text.indexOf('\n', prev);
    const end = nl < 0 ? text.length : nl;
    if (end - prev > maxLineBytes) {
      log.error(file, line, null, `line ${line} is ${end - prev} characters long, over the limit of ${maxLineBytes}`);
      return null;
    }
    if (nl < 0) break;
    prev = nl + 1;
    line++;
  }
  // Windows line endings (CRLF) are line breaks like any other: nothing to warn about.
  return text;
}

/**
 * Calls `onLine(line, byte, position)` once per physical line (1-based) holding bytes that are not
 * well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), with the
 * first bad byte and its 1-based position in the line.
 */
export function forEachInvalidUtf8Line(b: Uint8Array, onLine: (line: number, byte: number, position: number) => void): void {
  let line = 1;
  let lineStart = 0;
  let reported = 0;
  const cont = (i: number, lo = 0x80, hi = 0xbf): boolean => i < b.length && b[i] >= lo && b[i] <= hi;
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    let len = 0;
    if (c < 0x80) len = 1;
    else if (c >= 0xc2 && c <= 0xdf) len = cont(i + 1) ? 2 : 0;
    else if (c >= 0xe0 && c <= 0xef) {
      const lo = c === 0xe0 ? 0xa0 : 0x80;
      const hi = c === 0xed ? 0x9f : 0xbf;
      len = cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const lo = c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xf4 ? 0x8f : 0xbf;
      len = cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    if (len === 0) {
      if (reported < line) {
        reported = line;
        onLine(line, c, i - lineStart + 1);
      }
      i++;
      continue;
    }
    if (c === 0x0a) {
      line++;
      lineStart = i + 1;
    }
    i += len;
  }
}

/**
 * Warns once per date column whose values carry a time of day (and zone): they are read as the
 * calendar date written, the recorder's local date (docs/data.md section 2).
 */
export function warnTimesOfDay(log: IssueLog, file: string, column: string, count: number, firstLine: number, example: string): void {
  if (count === 0) return;
  log.warn(
    file,
    firstLine,
    column,
    `${count} date${count === 1 ? ' has' : 's have'} a time of day (first ${JSON.stringify(example.slice(0, 40))}): each is read as the calendar date written, its local date; the time and zone are not applied`,
  );
}

/**
 * Where a table cell came from: the file, its physical line (null when no row gave it: a retail
 * day without a row) and the file's column.
 */
export type SourceLocator = (row: number, column: string) => { file: string; line: number | null; column: string };

/** What an importer tells the merge about its table, for the rows that fall on stored days (lib/datasets/ingest.ts). */
export interface ImportProvenance {
  /** Columns holding each day's own values (the target is always one): compared with the stored days in append mode. */
  dayColumns: { numeric: readonly string[]; categorical: readonly string[] };
  /** Columns compared with the stored days for a warning only (an as-of retail price). */
  softColumns: readonly string[];
  /** Per table row, 1 when a file row gave it; null when every row is the file's statement (retail: a day without a row sold 0). */
  observed: Uint8Array | null;
  locate: SourceLocator;
}

/** The provenance of a failed import: no table, nothing to locate. */
export const NO_PROVENANCE: ImportProvenance = { dayColumns: { numeric: [], categorical: [] }, softColumns: [], observed: null, locate: (_row, column) => ({ file: '', line: null, column }) };

/**
 * Logs an error at the line of every observation dated outside `span` (the bulk of the data,
 * ml/data/date-span.ts): one row dated 9999-12-31 would otherwise stretch every series' dense grid
 * over millions of periods.
 */
export function refuseFarDates(log: IssueLog, file: string, column: string, days: ArrayLike<number>, lines: ArrayLike<number>, span: { first: number; last: number } | null, maxGap: number): void {
  if (!span) return;
  for (let i = 0; i < days.length; i++) {
    const d = days[i];
    if (d >= span.first && d <= span.last) continue;
    const after = d > span.last;
    log.error(
      file,
      lines[i],
      column,
      `${formatDay(d)} is more than ${maxGap} days ${after ? 'after' : 'before'} ${formatDay(after ? span.last : span.first)}, the ${after ? 'last' : 'first'} date of the bulk of the data: taken for a typo and refused (IMPORT_MAX_DATE_GAP_DAYS sets how far beyond the data a date may be)`,
    );
  }
}

export type ParsedColumn = Float64Array | string[];

export interface ParsedFile {
  rows: number;
  /** Physical line (1-based) of each data row, for messages of later checks. */
  lines: Int32Array;
  /** date -> Float64Array of day numbers; number kinds -> Float64Array; id/text -> string[]. */
  columns: Record<string, ParsedColumn>;
}

const norm = (h: string): string => h.trim().toLowerCase();

/**
 * Parses and validates one file against its expected columns.
 * Header rules: an unnamed first column (`''` or `Unnamed: 0`) is an index column, dropped with a
 * warning; names match after trimming, case-insensitively; a missing (or renamed) column is an
 * error; an extra column is a warning and is ignored; a row repeating the header is an error.
 * Cells: every cell through its zod schema; a text cell starting with `=`, `+`, `-` or `@` is kept
 * as text (a warning says so; CSV exports escape it).
 * Returns null when the file has errors.
 */
export function parseCsvFile(
  file: string,
  text: string,
  columns: readonly ColumnSpec[],
  log: IssueLog,
  options: { mayBeEmpty: boolean },
): ParsedFile | null {
  const errorsBefore = log.errorCount;
  // Streamed row by row (papaparse `step`): rows are validated into typed columns as they come,
  // so the parsed string arrays of a whole file never exist at once.
  let capacity = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) capacity++;
  const hasQuotes = text.includes('"');
  const isBlank = (rec: string[]): boolean => rec.length === 1 && rec[0].trim() === '';
  let line = 1; // physical line of the next record
  let header: string[] | null = null;
  let headerKey = '';
  let width = 0;
  let idx: number[] = [];
  const out: ParsedColumn[] = columns.map((c) => (c.kind === 'id' || c.kind === 'text' ? new Array<string>() : new Float64Array(capacity)));
  const lines = new Int32Array(capacity);
  const memo = columns.map(() => new Map<string, unknown>());
  const timed = columns.map(() => ({ count: 0, line: 0, example: '' }));
  let rows = 0;
  let headerFailed = false;

  const readHeader = (rec: string[], ln: number): void => {
    const hdr = rec.map((x) => x.trim());
    header = hdr;
    headerKey = hdr.join('\u0000');
    width = hdr.length;
    let offset = 0;
    if (hdr.length > 0 && (hdr[0] === '' || norm(hdr[0]) === 'unnamed: 0')) {
      offset = 1;
      log.warn(file, ln, hdr[0] || '(unnamed)', 'unnamed leading index column dropped');
    }
    const fieldIndex = new Map<string, number>();
    for (let i = offset; i < hdr.length; i++) {
      const n = norm(hdr[i]);
      if (n === '') {
        log.error(file, ln, `(column ${i + 1})`, 'empty column name');
        continue;
      }
      if (fieldIndex.has(n)) log.error(file, ln, hdr[i], 'column name appears twice');
      else fieldIndex.set(n, i);
    }
    const expected = new Set(columns.map((c) => norm(c.name)));
    const extras = [...fieldIndex.keys()].filter((n) => !expected.has(n));
    for (const c of columns) {
      const at = fieldIndex.get(norm(c.name));
      if (at === undefined) {
        const hint = extras.length ? ` (found unexpected ${extras.map((e) => JSON.stringify(e)).join(', ')}: renamed?)` : '';
        log.error(file, ln, c.name, `missing column "${c.name}"${hint}`);
      } else if (hdr[at] !== c.name) {
        log.warn(file, ln, c.name, `column name ${JSON.stringify(hdr[at])} read as "${c.name}"`);
      }
    }
    for (const e of extras) log.warn(file, ln, e, `extra column "${e}" ignored`);
    if (log.errorCount > errorsBefore) headerFailed = true;
    idx = columns.map((c) => fieldIndex.get(norm(c.name)) ?? -1);
  };

  const readRow = (rec: string[], ln: number): void => {
    if (rec.length !== width) {
      log.error(file, ln, null, `expected ${width} fields, found ${rec.length}`);
      return;
    }
    if (rec[0].trim() === (header as string[])[0] && rec.map((x) => x.trim()).join('\u0000') === headerKey) {
      log.error(file, ln, null, 'the header row is repeated here (files concatenated?)');
      return;
    }
    let rowOk = true;
    for (let j = 0; j < columns.length; j++) {
      const spec = columns[j];
      const raw = rec[idx[j]];
      const v = cellValue(spec.kind, raw, memo[j]);
      if (typeof v === 'object') {
        rowOk = false;
        const shown = raw.length > 40 ? `${raw.slice(0, 40)}...` : raw;
        log.error(file, ln, spec.name, `${v.reason}: ${JSON.stringify(shown)}`);
        continue;
      }
      if (spec.kind === 'date' && raw.length > 10 && raw.trim().length > 10) {
        const t = timed[j];
        if (t.count++ === 0) [t.line, t.example] = [ln, raw.trim()];
      }
      if (typeof v === 'string' && v.length > 0 && isFormulaLike(v)) {
        log.warn(file, ln, spec.name, 'cell starts like a spreadsheet formula; kept as plain text (CSV exports escape it)');
      }
      const col = out[j];
      if (col instanceof Float64Array) col[rows] = v as number;
      else col[rows] = v as string;
    }
    if (!rowOk) return;
    lines[rows] = ln;
    rows++;
  };

  Papa.parse<string[]>(text, {
    header: false,
    skipEmptyLines: false,
    delimiter: ',',
    step: (res) => {
      for (const e of res.errors) {
        // Quote errors make the rest of the file unreliable.
        if (e.type === 'Quotes') log.error(file, line, null, `CSV quoting: ${e.message}`);
      }
      const rec = res.data;
      const ln = line;
      if (hasQuotes) {
        let extra = 0;
        for (let k = 0; k < rec.length; k++) {
          const v = rec[k];
          if (v.indexOf('\n') >= 0) for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) === 10) extra++;
        }
        line += extra;
      }
      line++;
      if (headerFailed || isBlank(rec)) return;
      if (header === null) readHeader(rec, ln);
      else readRow(rec, ln);
    },
  });
  if (header === null) {
    log.error(file, null, null, 'file is empty');
    return null;
  }
  if (headerFailed) return null;
  columns.forEach((c, j) => warnTimesOfDay(log, file, c.name, timed[j].count, timed[j].line, timed[j].example));
  log.rowsByFile[file] = rows;
  if (rows === 0 && log.errorCount === errorsBefore) {
    if (options.mayBeEmpty) log.warn(file, null, null, 'header only: no data rows');
    else log.error(file, null, null, 'header only: the file has no data rows');
  }
  if (log.errorCount > errorsBefore) return null;
  const result: Record<string, ParsedColumn> = {};
  columns.forEach((c, j) => {
    const col = out[j];
    if (!(col instanceof Float64Array)) col.length = rows;
    result[c.name] = col instanceof Float64Array ? col.subarray(0, rows) : col;
  });
  return { rows, lines: lines.subarray(0, rows), columns: result };
}

/** A failed cell: the zod issue message. */
interface CellError {
  reason: string;
}

/** Validates one cell: numbers take the exact fast path first, everything else zod (memoised per distinct string). */
function cellValue(kind: CellKind, raw: string, memo: Map<string, unknown>): number | string | CellError {
  if (kind === 'number' || kind === 'optionalNumber') {
    const n = fastNumber(raw);
    if (!Number.isNaN(n)) return n;
  }
  const hit = memo.get(raw);
  if (hit !== undefined) return hit as number | string | CellError;
  const res = CELL_SCHEMAS[kind].safeParse(raw);
  const v: number | string | CellError = res.success ? (res.data as number | string) : { reason: res.error.issues[0]?.message ?? 'invalid' };
  if (memo.size < 200_000) memo.set(raw, v);
  return v;
}

export function isFormulaLike(s: string): boolean {
  const c = s.charCodeAt(0);
  return c === 61 /* = */ || c === 43 /* + */ || c === 64 /* @ */ || (c === 45 /* - */ && !/^-?\d/.test(s));
}
