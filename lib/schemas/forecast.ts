import { z } from 'zod';
import { isoDay, queryInteger } from './common';

const pick = z.string().trim().min(1).max(100).optional().or(z.literal('').transform(() => undefined));

/** What the Forecasts page and `GET /api/v1/forecast` take: a selection and a horizon. */
export const forecastQuerySchema = z.object({
  store: pick,
  category: pick,
  item: pick,
  horizon: queryInteger('horizon (days)', 1, 90).default(30),
});
export type ForecastQuery = z.infer<typeof forecastQuerySchema>;

/** `GET /api/v1/forecast/top-products`: items ranked by forecast growth over a period. */
export const topProductsQuerySchema = z.object({
  time_period: z.enum(['week', 'month', 'quarter'], { message: 'time_period must be week, month or quarter' }).default('month'),
  category: pick,
  limit: queryInteger('limit', 1, 1000).default(10),
});
export type TopProductsQuery = z.infer<typeof topProductsQuerySchema>;

/** The most rows one `POST /api/v1/predict/batch` takes (more: 413). */
export const MAX_BATCH_ROWS = 100_000;
/**
 * The largest batch body in bytes (more: 413, before it is read when its Content-Length says so);
 * a row without overrides takes about 55 bytes. The largest JSON body of any route: next.config.ts
 * keeps the proxy's body buffer above it, so a bigger body is always this 413, never a cut body.
 */
export const MAX_BATCH_BYTES = 10 * 1024 * 1024;

const keyValue = z.string().trim().min(1).max(200);

/**
 * One prediction: the series by its keys (`store` and `item` for the retail format; other key
 * names of a generic dataset under `keys`), the day, and optional feature values to use instead
 * of the computed ones (a what-if price, promotion flag or depth).
 */
export const predictRowSchema = z.object({
  store: keyValue.optional(),
  item: keyValue.optional(),
  keys: z.record(z.string().min(1).max(100), keyValue).optional(),
  date: isoDay('date'),
  features: z.record(z.string().min(1).max(100), z.number().finite('feature values must be finite numbers')).optional(),
});
export type PredictRow = z.infer<typeof predictRowSchema>;

export const predictBatchSchema = z.object({
  rows: z.array(predictRowSchema).min(1, 'rows must hold at least one row').max(MAX_BATCH_ROWS, `at most ${MAX_BATCH_ROWS} rows`),
});
/** What the batch route checks before the rows themselves, so an oversized batch is a 413, not a 400. */
export const predictBatchEnvelopeSchema = z.object({ rows: z.array(z.unknown(), { message: 'rows must be an array of rows' }) });
