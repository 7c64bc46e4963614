/**
 * Boundary schemas of data ingestion: one zod schema per kind of CSV cell, the column layout of
 * the retailer's 8 files, the generic-import mapping and the validation report.
 *
 * The importer runs every cell through these schemas. Cells of high-cardinality numeric columns
 * take a fast path (`fastNumber`) that accepts exactly the strings `numberCell` accepts; a unit
 * test checks the two agree, and any cell the fast path rejects goes through zod for its reason.
 */
import { z } from 'zod';
import { isTimeOfDay, parseIsoDay } from '@/ml/data/dates';

/** Plain decimal number: optional sign, digits, optional fraction and exponent. No thousands separators. */
export const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export const numberCell = z
  .string()
  .trim()
  .min(1, 'empty, a number is required')
  .regex(NUMBER_PATTERN, 'not a number')
  .transform(Number)
  .refine((n) => Number.isFinite(n), 'number out of range');

/** Empty means missing (NaN); anything else must be a number. */
export const optionalNumberCell = z
  .string()
  .trim()
  .regex(/^$|^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, 'not a number')
  .transform((s) => (s === '' ? NaN : Number(s)))
  .refine((n) => Number.isNaN(n) || Number.isFinite(n), 'number out of range');

/**
 * ISO calendar date `YYYY-MM-DD` to a day number (days since 1970-01-01). A time of day and zone
 * may follow (`2024-03-01T23:30:00-05:00`, `2024-03-01 10:00:00Z`): the date written is the day,
 * the local date of the till, and the time and zone are not applied (docs/data.md section 2).
 */
export const isoDateCell = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}(?:[Tt ].*)?$/, 'not a date in YYYY-MM-DD form')
  .refine((s) => s.length === 10 || isTimeOfDay(s.slice(10)), 'not a time of day after the date (HH:MM or HH:MM:SS, optionally a zone such as Z or +03:00)')
  .transform((s) => parseIsoDay(s.slice(0, 10)))
  .refine((d) => Number.isFinite(d), 'not a calendar date');

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Identifiers: the series keys (item, store, a generic key column) and the key column of an
 * attribute file. Non-empty, at most 100 characters, no control characters, and no `|` or `=`:
 * they separate a series' keys in its label (`store=1|item=a`), which people read and the API
 * returns, so a value holding them would make two series read the same (docs/data.md, section 2).
 */
export const idCell = z
  .string()
  .trim()
  .min(1, 'empty, an identifier is required')
  .max(100, 'identifier longer than 100 characters')
  .refine((s) => !CONTROL.test(s), 'control character in an identifier')
  .refine((s) => !s.includes('|') && !s.includes('='), 'an identifier may not contain | or = (they separate the keys of a series label, store=1|item=a); replace them, e.g. with / or -');

/** Free text (catalog names, cities): at most 1,000 characters; newlines inside quotes are kept. */
export const textCell = z.string().trim().max(1000, 'text longer than 1,000 characters');

/**
 * The exact fast path of `numberCell` for the common case: returns the number, or NaN when the
 * cell must go through zod (which then gives the reason or, for whitespace, the value).
 */
export function fastNumber(s: string): number {
  const n = s.length;
  if (n === 0 || n > 40) return NaN;
  // Only digits, one dot and a leading minus: exactly the strings Number() and NUMBER_PATTERN agree on.
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === 46) {
      if (++dots > 1) return NaN;
      continue;
    }
    if (c === 45 && i === 0 && n > 1) continue;
    return NaN;
  }
  if (n === 1 && dots === 1) return NaN;
  if (n === 2 && s === '-.') return NaN;
  return Number(s);
}

export type CellKind = 'date' | 'number' | 'optionalNumber' | 'id' | 'text';
export const CELL_SCHEMAS: Readonly<Record<CellKind, z.ZodType>> = {
  date: isoDateCell,
  number: numberCell,
  optionalNumber: optionalNumberCell,
  id: idCell,
  text: textCell,
};

export const RETAIL_FILE_NAMES = [
  'sales.csv', 'online.csv', 'markdowns.csv', 'price_history.csv', 'discounts_history.csv', 'stores.csv', 'catalog.csv', 'actual_matrix.csv',
] as const;
export type RetailFile = (typeof RETAIL_FILE_NAMES)[number];

export interface ColumnSpec {
  name: string;
  kind: CellKind;
}

const c = (name: string, kind: CellKind): ColumnSpec => ({ name, kind });
const SALES_COLUMNS = [c('date', 'date'), c('item_id', 'id'), c('quantity', 'number'), c('price_base', 'optionalNumber'), c('sum_total', 'optionalNumber'), c('store_id', 'id')];

/** The columns of each retail file (docs/data.md), after the optional unnamed index column. */
export const RETAIL_LAYOUT: Readonly<Record<RetailFile, { columns: readonly ColumnSpec[]; mayBeEmpty: boolean }>> = {
  'sales.csv': { columns: SALES_COLUMNS, mayBeEmpty: false },
  'online.csv': { columns: SALES_COLUMNS, mayBeEmpty: true },
  'markdowns.csv': {
    columns: [c('date', 'date'), c('item_id', 'id'), c('normal_price', 'optionalNumber'), c('price', 'number'), c('quantity', 'number'), c('store_id', 'id')],
    mayBeEmpty: true,
  },
  'price_history.csv': { columns: [c('date', 'date'), c('item_id', 'id'), c('price', 'number'), c('code', 'text'), c('store_id', 'id')], mayBeEmpty: true },
  'discounts_history.csv': {
    columns: [
      c('date', 'date'), c('item_id', 'id'), c('sale_price_before_promo', 'number'), c('sale_price_time_promo', 'number'),
      c('promo_type_code', 'text'), c('doc_id', 'text'), c('number_disc_day', 'optionalNumber'), c('store_id', 'id'),
    ],
    mayBeEmpty: true,
  },
  'stores.csv': { columns: [c('store_id', 'id'), c('division', 'text'), c('format', 'text'), c('city', 'text'), c('area', 'optionalNumber')], mayBeEmpty: false },
  'catalog.csv': {
    columns: [
      c('item_id', 'id'), c('dept_name', 'text'), c('class_name', 'text'), c('subclass_name', 'text'), c('item_type', 'text'),
      c('weight_volume', 'optionalNumber'), c('weight_netto', 'optionalNumber'), c('fatness', 'optionalNumber'),
    ],
    mayBeEmpty: false,
  },
  'actual_matrix.csv': { columns: [c('item_id', 'id'), c('date', 'date'), c('store_id', 'id')], mayBeEmpty: true },
};

export const ingestIssueSchema = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  column: z.string().nullable(),
  reason: z.string(),
});
export type IngestIssue = z.infer<typeof ingestIssueSchema>;

export const validationReportSchema = z.object({
  ok: z.boolean(),
  /** The first 100 errors. */
  errors: z.array(ingestIssueSchema),
  errorCount: z.number().int(),
  warnings: z.array(ingestIssueSchema),
  warningCount: z.number().int(),
  rowsByFile: z.record(z.string(), z.number().int()),
});
export type ValidationReport = z.infer<typeof validationReportSchema>;

export const ingestLimitsSchema = z.object({
  /** Largest accepted file, bytes (from the tenant's quota). */
  maxFileBytes: z.number().int().positive().default(512 * 1024 * 1024),
  /** Largest accepted upload, all files together. */
  maxTotalBytes: z.number().int().positive().default(2 * 1024 * 1024 * 1024),
  /** Longest accepted physical line, bytes: a 10 MB line is an attack or a broken export, not data. */
  maxLineBytes: z.number().int().positive().default(1024 * 1024),
  /**
   * Observation dates more than this many days beyond the bulk of the data (before or after) are
   * refused as typos (ml/data/date-span.ts); the setting IMPORT_MAX_DATE_GAP_DAYS (lib/config.ts).
   */
  maxDateGapDays: z.number().int().positive().default(366),
});
export type IngestLimits = z.infer<typeof ingestLimitsSchema>;

/**
 * What an import does with days already stored: `append` (the default) adds newer days and
 * refuses a file whose rows for stored days differ from them; `replace` overwrites the stored
 * values of the days and series in the file (docs/data.md section 3).
 */
export const importModeSchema = z.enum(['append', 'replace'], { error: 'mode must be "append" or "replace"' });
export type ImportMode = z.infer<typeof importModeSchema>;

export const dateFormatSchema = z.enum(['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY']);
export type DateFormat = z.infer<typeof dateFormatSchema>;

/** Column mapping of the generic single-file importer. */
export const genericMappingSchema = z.object({
  date: z.string().min(1),
  target: z.string().min(1),
  keys: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.string().min(1)).default({}),
  numeric: z.array(z.string().min(1)).default([]),
  categorical: z.array(z.string().min(1)).default([]),
  /** Chosen explicitly, or detected from the values when omitted. */
  dateFormat: dateFormatSchema.optional(),
  frequency: z.enum(['daily', 'weekly']).optional(),
  /** Display labels by source column (`dept_name` -> Department); a column without one reads as its name made readable (lib/datasets/labels.ts). */
  labels: z.record(z.string().min(1), z.string().trim().max(60, 'a label has at most 60 characters')).default({}),
  /** What the value to forecast counts: money (the tenant's currency), units, or a plain number; guessed from its name when omitted. */
  targetUnit: z.enum(['currency', 'units', 'number']).optional(),
});
export type GenericMapping = z.input<typeof genericMappingSchema>;

/** An attribute file joined on a key: `stores.csv:store=store_nbr` joins its `store_nbr` to the `store` key. */
export const attributeJoinSchema = z.object({
  name: z.string().min(1),
  key: z.string().min(1),
  column: z.string().min(1),
});
export type AttributeJoin = z.infer<typeof attributeJoinSchema>;
