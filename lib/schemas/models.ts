import { z } from 'zod';

export const versionIdSchema = z.string().regex(/^v[0-9]{1,6}$/, 'Unknown model version');
export const versionRefSchema = z.object({ versionId: versionIdSchema });
export const trainFormSchema = z.object({
  algorithms: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? ['gbm', 'rf', 'ridge', 'ensemble'] : Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.enum(['gbm', 'rf', 'ridge', 'ensemble'])).min(1, 'Choose at least one algorithm')),
  tune: z.enum(['on']).optional().transform((v) => v === 'on'),
});
