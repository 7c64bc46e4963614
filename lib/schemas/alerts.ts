import { z } from 'zod';

export const alertListQuerySchema = z.object({
  status: z.enum(['open', 'acknowledged', 'all']).default('open'),
  kind: z.enum(['decay', 'drift', 'anomaly', 'retraining']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const alertRefSchema = z.object({ alertId: z.string().regex(/^a_[a-f0-9]{12}$/, 'Unknown alert') });
