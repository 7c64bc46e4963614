import { z } from 'zod';
import { apiRoute } from '../handler';
import { answerSchema } from '../definition';
import { auditQuerySchema, auditRecordSchema, queryAudit } from '../../audit';

/** `GET /api/v1/audit`: the audit log, newest first, filtered and paged. */
export const listAuditRecordsRoute = apiRoute(
  {
    method: 'GET',
    path: '/audit',
    operationId: 'listAuditRecords',
    summary: 'The audit log, newest first, filtered and paged',
    permission: 'audit.read',
    query: auditQuerySchema,
    exampleRequest: { query: { outcome: 'denied', pageSize: '20' } },
    response: {
      status: 200,
      description: 'Audit records',
      schema: answerSchema({
        records: z.array(auditRecordSchema),
        total: z.number().int().describe('Records matching the filter, over all pages'),
        page: z.number().int(),
        page_size: z.number().int(),
      }),
      example: {
        records: [
          {
            id: '2f1c7e9a-5b3d-4c8e-9f0a-1b2c3d4e5f60',
            at: '2024-05-02T07:59:03.114Z',
            actor: { type: 'apikey', id: 'k_5c0e7a91b2d3', label: 'key nightly-sync' },
            action: 'reports.download',
            target: '/api/v1/reports/executive.pdf',
            outcome: 'denied',
            ip: '203.0.113.9',
            details: { reason: 'role viewer' },
          },
        ],
        total: 1,
        page: 1,
        page_size: 20,
        generated_at: '2024-05-02T08:00:00.000Z',
      },
    },
  },
  async (ctx, { query }) => {
    const { records, total } = await queryAudit(ctx.tenantId, query);
    return { records, total, page: query.page, page_size: query.pageSize };
  },
);
