import { z } from 'zod';
import { apiRoute } from '../handler';
import { answerSchema } from '../definition';
import { meterPredictions } from '../../usage';
import { MAX_BATCH_BYTES, predictBatchEnvelopeSchema, predictBatchSchema, predictRowSchema } from '../../schemas/forecast';
import { predict } from '../../forecast/service';
import { batchRows, noProductionModel, requestRow } from '../../forecast/api';
import { bandSchema } from './forecast';

const predictionSchema = z.object({
  series: z.string().describe('The series, as key=value pairs joined by |'),
  date: z.string(),
  horizon: z.number().int().describe('Periods after the origin (0 or less: a day inside the history, predicted one step ahead from true lags)'),
  prediction: z.number(),
  p80: bandSchema.describe('80% interval [low, high]'),
  p95: bandSchema.describe('95% interval [low, high]'),
});

const examplePrediction = { series: 'store=1|item=i0042', date: '2024-05-03', horizon: 3, prediction: 14.2, p80: [10.9, 17.8], p95: [9.1, 19.9] } satisfies z.infer<typeof predictionSchema>;

/** `POST /api/v1/predict`: one series and day (optionally with feature overrides) → prediction with p80 / p95. */
export const predictRoute = apiRoute(
  {
    method: 'POST',
    path: '/predict',
    operationId: 'predict',
    summary: 'One prediction (series keys, date, optional feature overrides) with 80% / 95% intervals',
    permission: 'dashboards.read',
    body: predictRowSchema,
    maxBodyBytes: 64 * 1024,
    exampleRequest: { body: { store: '1', item: 'i0042', date: '2024-05-03', features: { promo: 1 } } },
    errors: ['conflict'],
    fast: true,
    response: {
      status: 200,
      description: 'The prediction, generated_at and model_version',
      schema: answerSchema({ model_version: z.string(), prediction: predictionSchema }),
      example: { generated_at: '2024-05-02T08:00:00.000Z', model_version: 'v3', prediction: examplePrediction },
    },
  },
  async (ctx, { body }) => {
    const result = await predict(ctx.tenantId, [requestRow(body)]);
    if (!result) throw noProductionModel();
    meterPredictions(ctx.tenantId, 1);
    return { generated_at: result.generated_at, model_version: result.model_version, prediction: result.predictions[0] };
  },
);

/**
 * `POST /api/v1/predict/batch` with `{ rows: [...] }`, up to 100,000 rows: a body over
 * MAX_BATCH_BYTES is refused from its Content-Length before it is read, more rows than the limit
 * before any row is validated (both 413).
 */
export const predictBatchRoute = apiRoute(
  {
    method: 'POST',
    path: '/predict/batch',
    operationId: 'predictBatch',
    summary: 'Up to 100,000 predictions in one call (more rows, or a body over 10 MB: 413)',
    permission: 'dashboards.read',
    body: predictBatchEnvelopeSchema,
    documentedBody: predictBatchSchema,
    maxBodyBytes: MAX_BATCH_BYTES,
    exampleRequest: { body: { rows: [{ store: '1', item: 'i0042', date: '2024-05-03' }, { store: '2', item: 'i0042', date: '2024-05-03' }] } },
    errors: ['conflict'],
    fast: true,
    response: {
      status: 200,
      description: 'Predictions in the order of the rows, generated_at and model_version',
      schema: answerSchema({ model_version: z.string(), predictions: z.array(predictionSchema), count: z.number().int() }),
      example: {
        generated_at: '2024-05-02T08:00:00.000Z',
        model_version: 'v3',
        predictions: [examplePrediction, { ...examplePrediction, series: 'store=2|item=i0042', prediction: 9.8, p80: [7.1, 12.6], p95: [5.9, 14.3] }],
        count: 2,
      },
    },
  },
  async (ctx, { body }) => {
    const rows = batchRows(body.rows);
    const result = await predict(ctx.tenantId, rows);
    if (!result) throw noProductionModel();
    meterPredictions(ctx.tenantId, result.predictions.length);
    return { ...result, count: result.predictions.length };
  },
);
