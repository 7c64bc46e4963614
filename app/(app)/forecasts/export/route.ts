import { NextResponse } from 'next/server';
import { recordAudit } from '@/lib/audit';
import { toCsv } from '@/lib/csv';
import { AppError } from '@/lib/errors';
import { sessionRoute } from '@/lib/api/session-route';
import { forecastQuerySchema } from '@/lib/schemas/forecast';
import { getSelectionForecast } from '@/lib/forecast/service';
import { noProductionModel } from '@/lib/forecast/api';

export const dynamic = 'force-dynamic';

const FORECAST_CSV_HEADER = ['date', 'forecast', 'p80_low', 'p80_high', 'p95_low', 'p95_high'] as const;

/**
 * The Forecasts page's selection as CSV (formula-escaped): the same points `GET /api/v1/forecast`
 * returns for the same query, one row per date. Analysts, managers and admins (exports.download).
 */
export const GET = sessionRoute(['dashboards.read', 'exports.download'], async (ctx, req) => {
  const parsed = forecastQuerySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), { issues: parsed.error.issues });
  const forecast = await getSelectionForecast(ctx.tenantId, parsed.data);
  if (!forecast) throw noProductionModel();
  const rows = forecast.points.map((pt) => [pt.date, pt.forecast, pt.p80[0], pt.p80[1], pt.p95[0], pt.p95[1]]);
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'forecasts.export', outcome: 'success', details: { ...parsed.data, rows: rows.length, model_version: forecast.model_version } });
  const slug = [forecast.selection.store && `store-${forecast.selection.store}`, forecast.selection.category && `cat-${forecast.selection.category}`, forecast.selection.item && `item-${forecast.selection.item}`].filter(Boolean).join('_') || 'all';
  return new NextResponse(toCsv(FORECAST_CSV_HEADER, rows), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="forecast-${ctx.tenantId}-${slug.replace(/[^A-Za-z0-9_-]/g, '_')}-${forecast.horizon}.csv"`,
      'X-Generated-At': forecast.generated_at,
      'X-Model-Version': forecast.model_version,
    },
  });
});
