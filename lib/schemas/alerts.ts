import { z } from 'zod';
import { queryInteger } from './common';

export const alertListQuerySchema = z.object({
  status: z.enum(['open', 'acknowledged', 'all'], { message: 'status must be open, acknowledged or all' }).default('open'),
  kind: z.enum(['decay', 'drift', 'anomaly', 'retraining'], { message: 'kind must be decay, drift, anomaly or retraining' }).optional(),
  limit: queryInteger('limit', 1, 500).default(100),
});
export const alertRefSchema = z.object({ alertId: z.string().regex(/^a_[a-f0-9]{12}$/, 'Unknown alert') });
