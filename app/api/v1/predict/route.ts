import { apiRoute } from '@/lib/api/handler';
import { meterPredictions } from '@/lib/usage';
import { predictRowSchema } from '@/lib/schemas/forecast';
import { predict } from '@/lib/forecast/service';
import { noProductionModel, requestRow } from '@/lib/forecast/api';

export const dynamic = 'force-dynamic';

/** `POST /api/v1/predict`: one series and day (optionally with feature overrides) → prediction with p80 / p95. */
export const POST = apiRoute({ permission: 'dashboards.read', body: predictRowSchema, maxBodyBytes: 64 * 1024 }, async (ctx, { body }) => {
  const result = await predict(ctx.tenantId, [requestRow(body)]);
  if (!result) throw noProductionModel();
  meterPredictions(ctx.tenantId, 1);
  return { generated_at: result.generated_at, model_version: result.model_version, prediction: result.predictions[0] };
});
