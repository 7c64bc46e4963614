import { NextResponse, type NextRequest } from 'next/server';
import { currentPrincipal, actorOf } from '@/lib/auth/context';
import { can } from '@/lib/auth/permissions';
import { experimentQuerySchema, queryExperiments } from '@/lib/experiments';
import { recordAudit } from '@/lib/audit';
import { toCsv } from '@/lib/csv';

export const dynamic = 'force-dynamic';

/** The filtered experiments as CSV (formula-escaped). */
export async function GET(req: NextRequest) {
  const p = await currentPrincipal();
  if (!p) return NextResponse.json({ error: { code: 'unauthorized', message: 'Sign in first.', details: {} } }, { status: 401 });
  if (p.kind !== 'user' || !can(p.role, 'models.read') || !can(p.role, 'exports.download')) {
    return NextResponse.json({ error: { code: 'forbidden', message: 'Your role cannot export experiments.', details: {} } }, { status: 403 });
  }
  const parsed = experimentQuerySchema.safeParse({ ...Object.fromEntries(req.nextUrl.searchParams), page: 1, pageSize: 500 });
  if (!parsed.success) return NextResponse.json({ error: { code: 'bad_request', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), details: {} } }, { status: 400 });
  const rows: unknown[][] = [];
  for (let page = 1; ; page++) {
    const { experiments } = await queryExperiments(p.tenantId, { ...parsed.data, page, pageSize: 500 });
    for (const e of experiments) rows.push([e.id, e.at, e.kind, e.algorithm, e.status, e.metrics.wape, e.metrics.mae, e.metrics.rmse, e.durationMs, e.datasetFingerprint, e.versionId, JSON.stringify(e.params), e.error]);
    if (experiments.length < 500) break;
  }
  await recordAudit(p.tenantId, { actor: actorOf(p), action: 'experiments.export', outcome: 'success', details: { rows: rows.length } });
  return new NextResponse(toCsv(['id', 'at', 'kind', 'algorithm', 'status', 'wape', 'mae', 'rmse', 'duration_ms', 'dataset_fingerprint', 'version', 'params', 'error'], rows), {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="experiments-${p.tenantId}.csv"` },
  });
}
