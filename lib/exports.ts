/**
 * The shapes of the CSV exports (docs/serving.md), made for a spreadsheet: one column per thing a person
 * filters or charts (dimensions, model version, time), values rounded to what they mean, ratios as
 * percentages (`61.9%`, which Excel and Sheets read as numbers), times as `YYYY-MM-DD HH:MM:SS`
 * UTC, and nested details spread over columns instead of one JSON cell. Formula escaping is
 * `toCsv`'s (lib/csv.ts), applied to every cell. No 'server-only': pure shaping, unit-tested.
 */
import type { AuditRecord } from './audit';
import type { Experiment } from './experiments';
import type { SelectionForecast } from './forecast/service';
import { totalsByDay } from '@/ml/data/analytics';
import { formatDay, parseIsoDay } from '@/ml/data/dates';
import { itemCategory, nameBook } from '@/ml/data/names';
import { categoryColumn, type ResolvedSelection } from '@/ml/data/selection';
import type { DailyTable } from '@/ml/data/table';

export type Cell = string | number | null;
export interface CsvTable {
  header: string[];
  rows: Cell[][];
}

/**
 * A figure rounded to what it means: whole numbers from 1,000 up (sales of a store a week), two
 * decimals below (0.4 units of an item a day); null for a missing value.
 */
export function roundFigure(x: number | null | undefined): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const r = Math.abs(x) >= 1000 ? Math.round(x) : Math.round(x * 100) / 100;
  return r === 0 ? 0 : r;
}

/** A ratio as a percentage cell: 0.619 -> `61.9%`, -0.034 -> `-3.4%`; null when missing. */
export function percentCell(x: number | null | undefined, digits = 1): string | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : `${(x * 100).toFixed(digits)}%`;
}

/** An ISO time as a spreadsheet reads it: `2026-03-04T10:20:30.123Z` -> `2026-03-04 10:20:30` (UTC). */
export function utcCell(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** A nested value as one cell: text and numbers as they are, anything else as JSON. */
function flatCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * The keys of a list of records as columns: the most frequent first (then by name), at most
 * `limit`; a key that would repeat a fixed column gets `prefix`. Returns the columns and their keys.
 */
function spreadKeys(records: readonly Record<string, unknown>[], taken: readonly string[], prefix: string, limit: number): { columns: string[]; keys: string[]; rest: boolean } {
  const count = new Map<string, number>();
  for (const r of records) for (const k of Object.keys(r)) count.set(k, (count.get(k) ?? 0) + 1);
  const ordered = [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  const keys = ordered.slice(0, limit);
  return { keys, columns: keys.map((k) => (taken.includes(k) || taken.includes(`${prefix}${k}`) ? `${prefix}${k}` : k)), rest: ordered.length > limit };
}

/** Detail keys spread over columns at most; the others share one JSON column. */
const MAX_DETAIL_COLUMNS = 40;

/** The audit log as CSV: who, when, what, target, outcome, address, one column per detail key, and the record's id. */
export function auditCsv(records: readonly AuditRecord[]): CsvTable {
  const base = ['at_utc', 'actor_type', 'actor', 'action', 'target', 'outcome', 'ip'];
  const spread = spreadKeys(records.map((r) => r.details), [...base, 'id'], 'detail_', MAX_DETAIL_COLUMNS);
  // The record's id last: a reference to quote when asking about one line.
  const header = [...base, ...spread.columns, ...(spread.rest ? ['other_details'] : []), 'id'];
  const rows = records.map((r) => {
    const other = spread.rest ? Object.fromEntries(Object.entries(r.details).filter(([k]) => !spread.keys.includes(k))) : null;
    return [
      utcCell(r.at),
      r.actor.type,
      r.actor.label,
      r.action,
      r.target,
      r.outcome,
      r.ip,
      ...spread.keys.map((k) => flatCell(r.details[k])),
      ...(other ? [Object.keys(other).length ? JSON.stringify(other) : null] : []),
      r.id,
    ];
  });
  return { header, rows };
}

/** Metrics that are ratios of the sales (shown as percentages). */
const RATIO_METRIC = /(wape|smape|mape|ratio|coverage|fva|share)/i;
const FIRST_METRICS = ['wape', 'mae', 'rmse', 'bias', 'r2'];

/** Experiments as CSV: one column per metric (ratios as percentages) and per parameter, the duration in seconds. */
export function experimentsCsv(experiments: readonly Experiment[]): CsvTable {
  const metricNames = [...new Set(experiments.flatMap((e) => Object.keys(e.metrics)))].sort((a, b) => {
    const ia = FIRST_METRICS.indexOf(a);
    const ib = FIRST_METRICS.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
  });
  const base = ['id', 'at_utc', 'kind', 'algorithm', 'status', 'version', 'duration_s'];
  const params = spreadKeys(experiments.map((e) => e.params), [], 'param_', MAX_DETAIL_COLUMNS);
  const header = [...base, ...metricNames, ...params.keys.map((k) => `param_${k}`), ...(params.rest ? ['other_params'] : []), 'dataset_fingerprint', 'error'];
  const rows = experiments.map((e) => {
    const other = params.rest ? Object.fromEntries(Object.entries(e.params).filter(([k]) => !params.keys.includes(k))) : null;
    return [
      e.id,
      utcCell(e.at),
      e.kind,
      e.algorithm,
      e.status,
      e.versionId,
      Math.round(e.durationMs / 100) / 10,
      ...metricNames.map((m) => (RATIO_METRIC.test(m) ? percentCell(e.metrics[m]) : roundFigure(e.metrics[m]))),
      ...params.keys.map((k) => flatCell(e.params[k])),
      ...(other ? [Object.keys(other).length ? JSON.stringify(other) : null] : []),
      e.datasetFingerprint,
      e.error,
    ];
  });
  return { header, rows };
}

/**
 * A forecast as CSV: the selection's dimensions (store, item and their names, the category (an
 * item's own when one is chosen); `all` where the selection spans them), then per date the actual where there is one, the forecast and
 * its 80% / 95% intervals, the same days last year, and the model version and generation time.
 * The rows run over as many periods of history before the forecast as it has periods ahead, so
 * a spreadsheet can chart both; figures are rounded (`roundFigure`).
 */
export function forecastCsv(table: DailyTable, selection: ResolvedSelection, forecast: SelectionForecast): CsvTable {
  const names = nameBook(table);
  const sel = selection.canonical;
  const dims: [string, Cell][] = [];
  if (table.keyNames.includes('store')) dims.push(['store', sel.store ?? 'all'], ['store_name', sel.store ? names.name('store', sel.store) : null]);
  if (categoryColumn(table)) dims.push(['category', sel.category ?? (sel.item ? itemCategory(table, sel.item) : 'all')]);
  if (table.keyNames.includes('item')) dims.push(['item', sel.item ?? 'all'], ['item_name', sel.item ? names.name('item', sel.item) : null]);
  const header = ['date', ...dims.map((d) => d[0]), 'actual', 'forecast', 'p80_low', 'p80_high', 'p95_low', 'p95_high', 'last_year', 'model_version', 'generated_at_utc'];
  const step = table.step;
  const points = forecast.points;
  const firstForecast = points.length ? parseIsoDay(points[0].date) : NaN;
  const lastForecast = points.length ? parseIsoDay(points[points.length - 1].date) : NaN;
  const historyFrom = firstForecast - points.length * step;
  const actual = new Map(totalsByDay(table, historyFrom, firstForecast - 1, selection.mask).map((h) => [h.day, h.total]));
  // Last year: the same weekdays 52 weeks back, as the Forecasts chart draws it.
  const lastYear = new Map(totalsByDay(table, historyFrom - 364, lastForecast - 364, selection.mask).map((h) => [h.day + 364, h.total]));
  const tail: Cell[] = [forecast.model_version, utcCell(forecast.generated_at)];
  const dimCells = dims.map((d) => d[1]);
  const rows: Cell[][] = [];
  for (let d = historyFrom; d < firstForecast; d += step) {
    if (!actual.has(d)) continue;
    rows.push([formatDay(d), ...dimCells, roundFigure(actual.get(d)), null, null, null, null, null, roundFigure(lastYear.get(d)), ...tail]);
  }
  for (const p of points) {
    const d = parseIsoDay(p.date);
    rows.push([p.date, ...dimCells, roundFigure(actual.get(d)), roundFigure(p.forecast), roundFigure(p.p80[0]), roundFigure(p.p80[1]), roundFigure(p.p95[0]), roundFigure(p.p95[1]), roundFigure(lastYear.get(d)), ...tail]);
  }
  return { header, rows };
}
