import { NextResponse, type NextRequest } from 'next/server';
import { currentPrincipal, actorOf } from '@/lib/auth/context';
import { can } from '@/lib/auth/permissions';
import { auditQuerySchema, queryAudit, recordAudit } from '@/lib/audit';
import { toCsv } from '@/lib/csv';

export const dynamic = 'force-dynamic';

/** The filtered audit log as CSV (formula-escaped), for analysts and above. */
export async function GET(req: NextRequest) {
  const p = await currentPrincipal();
  if (!p) return NextResponse.json({ error: { code: 'unauthorized', message: 'Sign in first.', details: {} } }, { status: 401 });
  if (p.kind !== 'user' || !can(p.role, 'audit.read') || !can(p.role, 'exports.download')) {
    return NextResponse.json({ error: { code: 'forbidden', message: 'Your role cannot export the audit log.', details: {} } }, { status: 403 });
  }
  const parsed = auditQuerySchema.safeParse({ ...Object.fromEntries(req.nextUrl.searchParams), page: 1, pageSize: 500 });
  if (!parsed.success) {
    return NextResponse.json({ error: { code: 'bad_request', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), details: {} } }, { status: 400 });
  }
  const rows: (string | number)[][] = [];
  for (let page = 1; ; page++) {
    const { records } = await queryAudit(p.tenantId, { ...parsed.data, page, pageSize: 500 });
    for (const r of records) rows.push([r.at, r.actor.type, r.actor.label, r.action, r.target, r.outcome, r.ip, JSON.stringify(r.details)]);
    if (records.length < 500) break;
  }
  await recordAudit(p.tenantId, { actor: actorOf(p), action: 'audit.export', outcome: 'success', details: { rows: rows.length } });
  return new NextResponse(toCsv(['at', 'actor_type', 'actor', 'action', 'target', 'outcome', 'ip', 'details'], rows), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-${p.tenantId}-${new Date().toISOString().slice(0, 10)}.csv"`,
    },
  });
}
