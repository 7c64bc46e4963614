import { NextResponse } from 'next/server';
import { auditQuerySchema, queryAudit, recordAudit } from '@/lib/audit';
import { toCsv } from '@/lib/csv';
import { AppError } from '@/lib/errors';
import { sessionRoute } from '@/lib/api/session-route';

export const dynamic = 'force-dynamic';

/** The filtered audit log as CSV (formula-escaped), for analysts and above. */
export const GET = sessionRoute(['audit.read', 'exports.download'], async (ctx, req) => {
  const parsed = auditQuerySchema.safeParse({ ...Object.fromEntries(req.nextUrl.searchParams), page: 1, pageSize: 500 });
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const rows: (string | number)[][] = [];
  for (let page = 1; ; page++) {
    const { records } = await queryAudit(ctx.tenantId, { ...parsed.data, page, pageSize: 500 });
    for (const r of records) rows.push([r.at, r.actor.type, r.actor.label, r.action, r.target, r.outcome, r.ip, JSON.stringify(r.details)]);
    if (records.length < 500) break;
  }
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'audit.export', outcome: 'success', details: { rows: rows.length } });
  return new NextResponse(toCsv(['at', 'actor_type', 'actor', 'action', 'target', 'outcome', 'ip', 'details'], rows), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-${ctx.tenantId}-${new Date().toISOString().slice(0, 10)}.csv"`,
    },
  });
});
