import { apiRoute } from '@/lib/api/handler';
import { forecastQuerySchema } from '@/lib/schemas/forecast';
import { getSelectionForecast } from '@/lib/forecast/service';
import { noProductionModel } from '@/lib/forecast/api';

export const dynamic = 'force-dynamic';

/** `GET /api/v1/forecast?store=&category=&item=&horizon=`: a selection's forecast with 80% / 95% intervals. */
export const GET = apiRoute({ permission: 'dashboards.read', query: forecastQuerySchema }, async (ctx, { query }) => {
  const forecast = await getSelectionForecast(ctx.tenantId, query);
  if (!forecast) throw noProductionModel();
  return { ...forecast };
});
