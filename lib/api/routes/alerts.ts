import { z } from 'zod';
import { apiRoute } from '../handler';
import { answerSchema } from '../definition';
import { acknowledgeAlert, alertSchema, listAlerts } from '../../alerts';
import { alertListQuerySchema } from '../../schemas/alerts';
import { AppError } from '../../errors';

const alertViewSchema = alertSchema.extend({ acknowledged: z.object({ at: z.string(), by: z.string() }).nullable().describe('Who acknowledged it and when; null while open') });

/** `GET /api/v1/alerts`: alerts, newest first. */
export const listAlertsRoute = apiRoute(
  {
    method: 'GET',
    path: '/alerts',
    operationId: 'listAlerts',
    summary: 'Alerts (decay, drift, anomalies), newest first',
    permission: 'alerts.read',
    query: alertListQuerySchema,
    exampleRequest: { query: { status: 'open', kind: 'drift' } },
    response: {
      status: 200,
      description: 'Alerts',
      schema: answerSchema({ alerts: z.array(alertViewSchema) }),
      example: {
        alerts: [
          {
            id: 'a_0f3b9c2d8e71',
            at: '2024-05-01T22:10:00.000Z',
            kind: 'drift',
            severity: 'warning',
            title: 'Feature drift: price',
            message: 'price moved away from its training distribution (PSI 0.31).',
            details: { feature: 'price', psi: 0.31 },
            acknowledged: null,
          },
        ],
        generated_at: '2024-05-02T08:00:00.000Z',
      },
    },
  },
  async (ctx, { query }) => ({
    alerts: await listAlerts(ctx.tenantId, { open: query.status === 'all' ? undefined : query.status === 'open', kind: query.kind, limit: query.limit }),
  }),
);

/** `POST /api/v1/alerts/{id}/ack`: acknowledges an alert of the caller's tenant. */
export const acknowledgeAlertRoute = apiRoute(
  {
    method: 'POST',
    path: '/alerts/{id}/ack',
    operationId: 'acknowledgeAlert',
    summary: 'Acknowledge an alert',
    permission: 'alerts.acknowledge',
    params: z.object({ id: z.string() }),
    exampleRequest: { params: { id: 'a_0f3b9c2d8e71' } },
    errors: ['conflict'],
    response: {
      status: 200,
      description: 'Acknowledged',
      schema: answerSchema({ acknowledged: z.string().describe('The alert id') }),
      example: { acknowledged: 'a_0f3b9c2d8e71', generated_at: '2024-05-02T08:00:00.000Z' },
    },
  },
  async (ctx, { params }) => {
    if (!/^a_[a-f0-9]{12}$/.test(params.id)) throw new AppError('not_found', 'Alert not found.');
    await acknowledgeAlert(ctx.tenantId, params.id, ctx.actor, ctx.ip);
    return { acknowledged: params.id };
  },
);
