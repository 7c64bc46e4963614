import { z } from 'zod';
import { apiRoute } from '../handler';
import { answerSchema } from '../definition';
import { forecastQuerySchema, topProductsQuerySchema } from '../../schemas/forecast';
import { getSelectionForecast, getTopProducts } from '../../forecast/service';
import { noProductionModel } from '../../forecast/api';

/** An interval `[low, high]`. */
export const bandSchema = z.tuple([z.number(), z.number()]).describe('[low, high]');

const forecastPointSchema = z.object({ date: z.string(), forecast: z.number(), p80: bandSchema.describe('80% interval [low, high]'), p95: bandSchema.describe('95% interval [low, high]') });

const forecastSchema = answerSchema({
  model_version: z.string().describe('The production version that made it'),
  selection: z.object({ store: z.string().optional(), category: z.string().optional(), item: z.string().optional(), label: z.string(), series: z.number().int().describe('Series summed') }),
  horizon: z.number().int().describe('Periods (days; weekly data: whole weeks)'),
  step: z.union([z.literal(1), z.literal(7)]).describe('Days per period'),
  points: z.array(forecastPointSchema),
  intervals: z.object({
    calibrated_on: z.enum(['series', 'store', 'category', 'total']).nullable().describe('The level whose calibration the intervals come from'),
    method: z.enum(['level', 'scaled_from_level', 'none']),
  }),
});

const topProductsSchema = answerSchema({
  model_version: z.string(),
  time_period: z.string().describe('week, month or quarter, as asked'),
  periods: z.number().int().describe('Periods each side of the origin that are compared (days; weekly data: weeks)'),
  products: z.array(
    z.object({
      item: z.string(),
      name: z.string().nullable(),
      category: z.string().nullable(),
      forecast: z.number().describe('Forecast over the next period, summed over stores'),
      previous: z.number().describe('Sales over the same-length period before the origin'),
      growth: z.number().nullable().describe('forecast / previous - 1; null when nothing sold before'),
      material: z.boolean().describe('Sold enough before for its growth to mean something; the others follow the ranked ones'),
    }),
  ),
});

/** `GET /api/v1/forecast?store=&category=&item=&horizon=`: a selection's forecast with 80% / 95% intervals. */
export const getForecastRoute = apiRoute(
  {
    method: 'GET',
    path: '/forecast',
    operationId: 'getForecast',
    summary: "Forecast of a store, category, item (any combination) or the total, with 80% / 95% intervals; 409 without a production model. `horizon` is in days, also for weekly data, which forecasts whole weeks (rounded up: 30 days = 5 weeks); the answer's `horizon` counts periods and `step` gives the days per period",
    permission: 'dashboards.read',
    query: forecastQuerySchema,
    exampleRequest: { query: { store: '1', horizon: '2' } },
    errors: ['conflict'],
    fast: true,
    response: {
      status: 200,
      description: 'The forecast, generated_at and model_version',
      schema: forecastSchema,
      example: {
        generated_at: '2024-05-02T08:00:00.000Z',
        model_version: 'v3',
        selection: { store: '1', label: 'store 1', series: 60 },
        horizon: 2,
        step: 1,
        points: [
          { date: '2024-05-01', forecast: 412.5, p80: [371.2, 455.9], p95: [350.4, 480.1] },
          { date: '2024-05-02', forecast: 398.1, p80: [355.0, 442.7], p95: [333.8, 468.2] },
        ],
        intervals: { calibrated_on: 'store', method: 'level' },
      },
    },
  },
  async (ctx, { query }) => {
    const forecast = await getSelectionForecast(ctx.tenantId, query);
    if (!forecast) throw noProductionModel();
    return { ...forecast };
  },
);

/** `GET /api/v1/forecast/top-products?time_period=week|month|quarter&category=&limit=`: items by forecast growth. */
export const getTopProductsRoute = apiRoute(
  {
    method: 'GET',
    path: '/forecast/top-products',
    operationId: 'getTopProducts',
    summary: "Items ranked by forecast growth: the next period's forecast against the period before",
    permission: 'dashboards.read',
    query: topProductsQuerySchema,
    exampleRequest: { query: { time_period: 'week', limit: '1' } },
    errors: ['conflict'],
    fast: true,
    response: {
      status: 200,
      description: 'Products, generated_at and model_version',
      schema: topProductsSchema,
      example: {
        generated_at: '2024-05-02T08:00:00.000Z',
        model_version: 'v3',
        time_period: 'week',
        periods: 7,
        products: [{ item: 'i0042', name: null, category: 'Bakery', forecast: 96.4, previous: 71, growth: 0.358, material: true }],
      },
    },
  },
  async (ctx, { query }) => {
    const top = await getTopProducts(ctx.tenantId, query);
    if (!top) throw noProductionModel();
    return { ...top };
  },
);
