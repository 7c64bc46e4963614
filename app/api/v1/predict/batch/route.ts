import { apiRoute } from '@/lib/api/handler';
import { meterPredictions } from '@/lib/usage';
import { MAX_BATCH_BYTES, predictBatchEnvelopeSchema } from '@/lib/schemas/forecast';
import { predict } from '@/lib/forecast/service';
import { batchRows, noProductionModel } from '@/lib/forecast/api';

export const dynamic = 'force-dynamic';

/**
 * `POST /api/v1/predict/batch` with `{ rows: [...] }`, up to 100,000 rows: a body over
 * MAX_BATCH_BYTES is refused from its Content-Length before it is read, more rows than the limit
 * before any row is validated (both 413).
 */
export const POST = apiRoute({ permission: 'dashboards.read', body: predictBatchEnvelopeSchema, maxBodyBytes: MAX_BATCH_BYTES }, async (ctx, { body }) => {
  const rows = batchRows(body.rows);
  const result = await predict(ctx.tenantId, rows);
  if (!result) throw noProductionModel();
  meterPredictions(ctx.tenantId, result.predictions.length);
  return { ...result, count: result.predictions.length };
});
