/**
 * The import wizard's first guess at a column mapping, from the sample rows of a CSV: the date
 * column and its format, the series keys, the value to forecast, numeric regressors and
 * categories, the frequency, and the holiday calendar a holiday flag follows. Said in words too
 * ("weekly, 143 weeks, 45 stores"), so the person sees what was understood before importing.
 */
import { calendarOfFlag, HOLIDAY_FLAG_PATTERN } from '@/ml/features/holidays';
import type { DateFormat } from '@/lib/schemas/ingest';

/** The detected mapping of a CSV sample. Column names are the CSV's. */
export interface DetectedMapping {
  date: string | null;
  dateFormat: DateFormat | null;
  target: string | null;
  /** Series key columns: their values repeat on every date, and with the date they make each row unique. */
  keys: string[];
  numeric: string[];
  categorical: string[];
  frequency: 'daily' | 'weekly' | null;
  /** Distinct dates, series (key tuples) and values per key in the sample. */
  periods: number;
  series: number;
  keyCounts: Record<string, number>;
  /** Whether (date, keys) is unique over the sample: when not, an import would refuse the repeated rows. */
  unique: boolean;
  /** A 0/1 holiday column and the built-in calendar it follows (null: none). */
  holidays: { column: string; calendar: string | null } | null;
  /** In words: `weekly, 143 weeks, 45 stores`. */
  summary: string;
}

export type ColumnKind = 'number' | 'date' | 'text' | 'empty';

/** Names that say "this is the quantity to forecast". */
const TARGET_NAME = /(sales|sold|qty|quantity|units|demand|revenue|volume|amount|orders|target)/i;
/** Names that say "this identifies a series". */
const KEY_NAME = /(^id$|_id$|^id_|store|shop|item|sku|product|dept|department|region|branch|location|code|key|category)/i;
const INTEGER = /^[+-]?\d+$/;

/** "45 stores", "1 item", "300 sku values" from a key column's name and count. */
function counted(name: string, n: number): string {
  const word = name.replace(/[_-]+/g, ' ').trim().toLowerCase() || 'series';
  const plural = n === 1 ? word : /s$/.test(word) ? word : /[^aeiou]y$/.test(word) ? `${word.slice(0, -1)}ies` : `${word}s`;
  return `${n.toLocaleString('en')} ${plural}`;
}

/**
 * Detects a mapping from sample rows. `types` and `dateFormats` are the preview's per-column
 * detections; `parseDay` reads a date in a format (NaN when it is not one); `frequencyOf` gives
 * daily or weekly from day numbers.
 */
export function detectMapping(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  types: Readonly<Record<string, ColumnKind>>,
  dateFormats: Readonly<Record<string, { format: DateFormat | null }>>,
  parseDay: (text: string, format: DateFormat) => number,
  frequencyOf: (days: ArrayLike<number>) => 'daily' | 'weekly' | null,
): DetectedMapping {
  const index = new Map(columns.map((c, i) => [c, i]));
  const memo = new Map<string, string[]>();
  const values = (c: string): string[] => {
    let v = memo.get(c);
    if (!v) memo.set(c, (v = rows.map((r) => (r[index.get(c) ?? -1] ?? '').trim())));
    return v;
  };
  const dateColumns = columns.filter((c) => types[c] === 'date');
  const date = dateColumns.find((c) => /date|week|day|period|time/i.test(c)) ?? dateColumns[0] ?? null;
  const dateFormat = date ? (dateFormats[date]?.format ?? null) : null;
  const days = date && dateFormat ? values(date).map((v) => parseDay(v, dateFormat)) : rows.map(() => NaN);
  const known = days.filter((d) => Number.isFinite(d));
  const frequency = known.length > 1 ? frequencyOf(Int32Array.from(known)) : null;
  const periods = new Set(known).size;

  const numbers = columns.filter((c) => c !== date && types[c] === 'number');
  const texts = columns.filter((c) => c !== date && types[c] === 'text');
  const isFlag = (c: string) => values(c).every((v) => v === '' || v === '0' || v === '1');
  const targetByName = numbers.find((c) => TARGET_NAME.test(c) && !isFlag(c)) ?? null;

  // Key candidates: ids (text, or whole numbers) whose values each recur on several dates.
  const candidates = [...texts, ...numbers.filter((c) => c !== targetByName && values(c).every((v) => v === '' || INTEGER.test(v)))].filter((c) => {
    const vs = values(c);
    const distinct = new Set(vs).size;
    if (distinct < 2 || distinct > rows.length / 2) return false;
    const pairs = new Set(vs.map((v, i) => `${v}\u0000${days[i]}`)).size;
    return pairs >= 2 * distinct;
  });
  const groupCount = (cols: readonly string[]) => {
    const cs = cols.map(values);
    return new Set(days.map((d, i) => `${d}\u0000${cs.map((v) => v[i]).join('\u0000')}`)).size;
  };
  const keys: string[] = [];
  let groups = groupCount([]);
  while (groups < rows.length) {
    const rest = candidates.filter((c) => !keys.includes(c));
    // Columns named like keys are tried first: an integer measure could also tell rows apart.
    const pools = [rest.filter((c) => KEY_NAME.test(c)), rest];
    let best: { column: string; groups: number } | null = null;
    for (const pool of pools) {
      for (const c of pool) {
        const g = groupCount([...keys, c]);
        if (g > groups && (!best || g > best.groups)) best = { column: c, groups: g };
      }
      if (best) break;
    }
    if (!best) break;
    keys.push(best.column);
    groups = best.groups;
  }
  // In the file's column order (store before item), whatever order they were found in.
  keys.sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0));
  const target = targetByName ?? numbers.find((c) => !keys.includes(c) && !isFlag(c)) ?? null;
  const numeric = numbers.filter((c) => c !== target && !keys.includes(c));
  const categorical = texts.filter((c) => !keys.includes(c) && new Set(values(c)).size <= Math.max(50, rows.length / 10));
  const keyCounts = Object.fromEntries(keys.map((k) => [k, new Set(values(k)).size]));
  const series = keys.length ? new Set(rows.map((r) => keys.map((k) => r[index.get(k) ?? -1]).join('\u0000'))).size : rows.length > 0 ? 1 : 0;

  const flag = numeric.find((c) => HOLIDAY_FLAG_PATTERN.test(c) && isFlag(c)) ?? null;
  let holidays: DetectedMapping['holidays'] = null;
  if (flag && frequency) {
    const fv = values(flag);
    const flagged = new Set(days.filter((d, i) => fv[i] === '1' && Number.isFinite(d)));
    holidays = { column: flag, calendar: calendarOfFlag(known, flagged, frequency === 'weekly' ? 7 : 1)?.name ?? null };
  }
  const parts = [frequency ?? 'frequency not detected'];
  if (frequency) parts.push(`${periods.toLocaleString('en')} ${frequency === 'weekly' ? (periods === 1 ? 'week' : 'weeks') : periods === 1 ? 'day' : 'days'}`);
  for (const k of keys) parts.push(counted(k, keyCounts[k]));
  if (keys.length > 1) parts.push(`${series.toLocaleString('en')} series`);
  return { date, dateFormat, target, keys, numeric, categorical, frequency, periods, series, keyCounts, unique: groups === rows.length, holidays, summary: parts.join(', ') };
}
