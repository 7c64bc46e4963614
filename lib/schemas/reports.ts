import { z } from 'zod';

export const reportQuerySchema = z.object({ store: z.string().trim().min(1).max(100).optional() });
