import { NextResponse } from 'next/server';
import { experimentQuerySchema, queryExperiments, type Experiment } from '@/lib/experiments';
import { experimentsCsv } from '@/lib/exports';
import { recordAudit } from '@/lib/audit';
import { toCsv } from '@/lib/csv';
import { AppError } from '@/lib/errors';
import { sessionRoute } from '@/lib/api/session-route';

export const dynamic = 'force-dynamic';

/** The filtered experiments as CSV (formula-escaped, one column per metric and parameter: lib/exports.ts `experimentsCsv`). */
export const GET = sessionRoute(['models.read', 'exports.download'], async (ctx, req) => {
  const parsed = experimentQuerySchema.safeParse({ ...Object.fromEntries(req.nextUrl.searchParams), page: 1, pageSize: 500 });
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const all: Experiment[] = [];
  for (let page = 1; ; page++) {
    const { experiments } = await queryExperiments(ctx.tenantId, { ...parsed.data, page, pageSize: 500 });
    all.push(...experiments);
    if (experiments.length < 500) break;
  }
  const csv = experimentsCsv(all);
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'experiments.export', outcome: 'success', details: { rows: all.length } });
  return new NextResponse(toCsv(csv.header, csv.rows), {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="experiments-${ctx.tenantId}.csv"` },
  });
});
