import { NextResponse } from 'next/server';
import { experimentQuerySchema, queryExperiments } from '@/lib/experiments';
import { recordAudit } from '@/lib/audit';
import { toCsv } from '@/lib/csv';
import { AppError } from '@/lib/errors';
import { sessionRoute } from '@/lib/api/session-route';

export const dynamic = 'force-dynamic';

/** The filtered experiments as CSV (formula-escaped). */
export const GET = sessionRoute(['models.read', 'exports.download'], async (ctx, req) => {
  const parsed = experimentQuerySchema.safeParse({ ...Object.fromEntries(req.nextUrl.searchParams), page: 1, pageSize: 500 });
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const rows: unknown[][] = [];
  for (let page = 1; ; page++) {
    const { experiments } = await queryExperiments(ctx.tenantId, { ...parsed.data, page, pageSize: 500 });
    for (const e of experiments) rows.push([e.id, e.at, e.kind, e.algorithm, e.status, e.metrics.wape, e.metrics.mae, e.metrics.rmse, e.durationMs, e.datasetFingerprint, e.versionId, JSON.stringify(e.params), e.error]);
    if (experiments.length < 500) break;
  }
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'experiments.export', outcome: 'success', details: { rows: rows.length } });
  return new NextResponse(toCsv(['id', 'at', 'kind', 'algorithm', 'status', 'wape', 'mae', 'rmse', 'duration_ms', 'dataset_fingerprint', 'version', 'params', 'error'], rows), {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="experiments-${ctx.tenantId}.csv"` },
  });
});
