import { NextResponse } from 'next/server';
import { recordAudit } from '@/lib/audit';
import { toCsv } from '@/lib/csv';
import { AppError } from '@/lib/errors';
import { sessionRoute } from '@/lib/api/session-route';
import { forecastQuerySchema } from '@/lib/schemas/forecast';
import { getSelectionForecast } from '@/lib/forecast/service';
import { noProductionModel } from '@/lib/forecast/api';
import { loadTable } from '@/lib/datasets/store';
import { forecastCsv } from '@/lib/exports';
import { resolveSelection, SelectionError } from '@/ml/data/selection';

export const dynamic = 'force-dynamic';

/**
 * The Forecasts page's selection as CSV (formula-escaped): the points `GET /api/v1/forecast`
 * returns for the same query (rounded), with the selection's store, item and names, the recent
 * actuals before them and last year's beside them, and the model version and generation time on
 * every row (see lib/exports.ts `forecastCsv`). Analysts, managers and admins (exports.download).
 */
export const GET = sessionRoute(['dashboards.read', 'exports.download'], async (ctx, req) => {
  const parsed = forecastQuerySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), { issues: parsed.error.issues });
  const forecast = await getSelectionForecast(ctx.tenantId, parsed.data);
  if (!forecast) throw noProductionModel();
  const loaded = await loadTable(ctx.tenantId);
  if (!loaded) throw noProductionModel();
  let selection;
  try {
    selection = resolveSelection(loaded.table, parsed.data);
  } catch (e) {
    if (e instanceof SelectionError) throw new AppError('not_found', e.message, { field: e.field });
    throw e;
  }
  const csv = forecastCsv(loaded.table, selection, forecast);
  const rows = csv.rows;
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'forecasts.export', outcome: 'success', details: { ...parsed.data, rows: rows.length, model_version: forecast.model_version } });
  const slug = [forecast.selection.store && `store-${forecast.selection.store}`, forecast.selection.category && `cat-${forecast.selection.category}`, forecast.selection.item && `item-${forecast.selection.item}`].filter(Boolean).join('_') || 'all';
  return new NextResponse(toCsv(csv.header, rows), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="forecast-${ctx.tenantId}-${slug.replace(/[^A-Za-z0-9_-]/g, '_')}-${forecast.horizon}.csv"`,
      'X-Generated-At': forecast.generated_at,
      'X-Model-Version': forecast.model_version,
    },
  });
});
