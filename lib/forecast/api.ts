import 'server-only';
import { z } from 'zod';
import { AppError } from '../errors';
import { MAX_BATCH_ROWS, predictRowSchema, type PredictRow } from '../schemas/forecast';
import type { PredictRequestRow } from './service';

/** What `/api/v1/forecast*` and `/api/v1/predict*` answer when the tenant has no production model. */
export function noProductionModel(): AppError {
  return new AppError('conflict', 'No model is in production for this organisation yet: a manager trains one on the Models page (or `npm run foresight -- train`), and the first one goes to production.', {
    model_version: null,
  });
}

/** A validated request row as the service takes it: every series key in one record. */
export function requestRow(row: PredictRow): PredictRequestRow {
  const keys: Record<string, string> = { ...row.keys };
  if (row.store !== undefined) keys.store = row.store;
  if (row.item !== undefined) keys.item = row.item;
  return { keys, date: row.date, features: row.features };
}

const rowsSchema = z.array(predictRowSchema).min(1, 'rows must hold at least one row');

/**
 * The rows of a batch body whose envelope is already parsed: more than MAX_BATCH_ROWS is a 413
 * (before any row is validated), a bad row a 400 naming `rows.<i>.<field>`.
 */
export function batchRows(rows: unknown[]): PredictRequestRow[] {
  if (rows.length > MAX_BATCH_ROWS) {
    throw new AppError('payload_too_large', `A batch takes at most ${MAX_BATCH_ROWS} rows; this one has ${rows.length}. Split it.`, { limit: MAX_BATCH_ROWS, rows: rows.length });
  }
  const parsed = rowsSchema.safeParse(rows);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 100).map((i) => ({ path: ['rows', ...i.path.map(String)].join('.'), message: i.message }));
    throw new AppError('bad_request', `Invalid body: ${issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ')}${parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : ''}`, { issues });
  }
  return parsed.data.map(requestRow);
}
