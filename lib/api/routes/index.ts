import type { ApiRoute } from '../handler';
import { getMeRoute } from './me';
import { listUsersRoute } from './users';
import { createApiKeyRoute, listApiKeysRoute, revokeApiKeyRoute } from './apikeys';
import { listAuditRecordsRoute } from './audit';
import { getDatasetRoute, previewDatasetRoute, uploadDatasetRoute } from './datasets';
import { cancelJobRoute, getJobRoute, listJobsRoute } from './jobs';
import { listModelsRoute, promoteModelRoute } from './models';
import { acknowledgeAlertRoute, listAlertsRoute } from './alerts';
import { getForecastRoute, getTopProductsRoute } from './forecast';
import { predictBatchRoute, predictRoute } from './predict';
import { getReportRoute } from './reports';

/**
 * Every `/api/v1` route, in the order the document and the API page list them: the one list the
 * OpenAPI document, the fast path and the route files (which re-export these) come from. A new
 * route is one definition in its file here and one re-export in `app/api/v1/.../route.ts`.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  getMeRoute,
  listUsersRoute,
  listApiKeysRoute,
  createApiKeyRoute,
  revokeApiKeyRoute,
  listAuditRecordsRoute,
  getDatasetRoute,
  uploadDatasetRoute,
  previewDatasetRoute,
  listJobsRoute,
  getJobRoute,
  cancelJobRoute,
  listModelsRoute,
  promoteModelRoute,
  listAlertsRoute,
  acknowledgeAlertRoute,
  getForecastRoute,
  getTopProductsRoute,
  predictRoute,
  predictBatchRoute,
  getReportRoute,
];
