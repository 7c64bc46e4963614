import { z } from 'zod';

const pick = z.string().trim().min(1).max(100).optional().or(z.literal('').transform(() => undefined));

/** What the Forecasts page and `GET /api/v1/forecast` take: a selection and a horizon. */
export const forecastQuerySchema = z.object({
  store: pick,
  category: pick,
  item: pick,
  horizon: z.coerce.number({ message: 'horizon must be a number of days' }).int('horizon must be a whole number of days').min(1, 'horizon must be 1 to 90 days').max(90, 'horizon must be 1 to 90 days').default(30),
});
export type ForecastQuery = z.infer<typeof forecastQuerySchema>;
