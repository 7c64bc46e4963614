import { apiRoute } from '@/lib/api/handler';
import { auditQuerySchema, queryAudit } from '@/lib/audit';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ permission: 'audit.read', query: auditQuerySchema }, async (ctx, { query }) => {
  const { records, total } = await queryAudit(ctx.tenantId, query);
  return { records, total, page: query.page, page_size: query.pageSize, generated_at: new Date().toISOString() };
});
