import { z } from 'zod';
import { apiRoute } from '../handler';
import { answerSchema } from '../definition';
import { getVersionOrThrow, listVersions, modelVersionSchema, promoteVersion, type ModelVersion } from '../../registry/store';
import { onProductionChange } from '../../registry/events';
import { versionIdSchema } from '../../schemas/models';
import { AppError } from '../../errors';

const exampleVersion: ModelVersion = {
  id: 'v3',
  algorithm: 'gbm',
  params: { learningRate: 0.05, maxLeaves: 31, loss: 'poisson' },
  metrics: { wape: 0.214, mae: 3.1, rmse: 5.4, r2: 0.81, smape: 0.29, mape: 0.33, bias: -0.01 },
  baselineMetrics: { wape: 0.302 },
  segmentMetrics: { store: [{ segment: '1', wape: 0.19, share: 0.41 }] },
  featureSchema: ['dow', 'lag_7', 'rolling_mean_28', 'price', 'promo'],
  datasetFingerprint: 'sha256:6f1e0c…',
  trainingWindow: { from: '2022-01-01', to: '2024-04-30' },
  codeVersion: '1a2b3c4',
  author: 'ana@acme.test',
  createdAt: '2024-05-01T02:00:00.000Z',
  stage: 'production',
  stageReason: null,
  promotedAt: '2024-05-01T02:05:00.000Z',
  promotedBy: 'ana@acme.test',
  experimentId: null,
};

/** `GET /api/v1/models`: the model registry: every version, newest first, with the production one marked. */
export const listModelsRoute = apiRoute(
  {
    method: 'GET',
    path: '/models',
    operationId: 'listModels',
    summary: 'The model registry, newest first; model_version is the production one',
    permission: 'models.read',
    response: {
      status: 200,
      description: 'Model versions',
      schema: answerSchema({ models: z.array(modelVersionSchema), model_version: z.string().nullable().describe('The production version, null before the first is trained') }),
      example: { models: [exampleVersion], model_version: 'v3', generated_at: '2024-05-02T08:00:00.000Z' },
    },
  },
  async (ctx) => {
    const versions = await listVersions(ctx.tenantId);
    const production = versions.find((v) => v.stage === 'production');
    return { models: versions, model_version: production?.id ?? null };
  },
);

/** `POST /api/v1/models/{id}/promote`: puts a version in production; the next forecast request is served by it. */
export const promoteModelRoute = apiRoute(
  {
    method: 'POST',
    path: '/models/{id}/promote',
    operationId: 'promoteModel',
    summary: 'Put a version in production (the previous one is archived)',
    permission: 'models.promote',
    params: z.object({ id: z.string() }),
    exampleRequest: { params: { id: 'v4' } },
    errors: ['conflict'],
    response: {
      status: 200,
      description: 'The new production version',
      schema: answerSchema({ model_version: z.string(), previous_model_version: z.string().nullable() }),
      example: { model_version: 'v4', previous_model_version: 'v3', generated_at: '2024-05-02T08:00:00.000Z' },
    },
  },
  async (ctx, { params }) => {
    const parsed = versionIdSchema.safeParse(params.id);
    if (!parsed.success) throw new AppError('not_found', 'Model version not found.');
    await getVersionOrThrow({ tenantId: ctx.tenantId, versionId: parsed.data });
    const event = await promoteVersion(ctx.tenantId, parsed.data, ctx.actor);
    onProductionChange(ctx.tenantId);
    return { model_version: parsed.data, previous_model_version: event.previousProduction };
  },
);
