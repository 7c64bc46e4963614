import { z, type ZodType } from 'zod';
import type { Permission } from '../auth/permissions';
import { auditQuerySchema } from '../audit';
import { createApiKeySchema } from '../schemas/admin';
import { jobListQuerySchema } from '../schemas/jobs';
import { reportQuerySchema } from '../schemas/reports';
import { genericMappingSchema } from '../schemas/ingest';
import { alertListQuerySchema } from '../schemas/alerts';
import { forecastQuerySchema, predictBatchSchema, predictRowSchema, topProductsQuerySchema } from '../schemas/forecast';

/**
 * Every `/api/v1` endpoint, with the same zod schemas its handler validates with: the source of
 * the OpenAPI document (a test checks that each route file is listed here).
 */
export interface ApiEndpoint {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  permission: Permission;
  query?: ZodType;
  body?: ZodType;
  /** multipart/form-data fields, for uploads. */
  multipart?: Record<string, { type: 'string' | 'file'; description: string; required?: boolean }>;
  response: { status: number; description: string; contentType?: string };
}

export const API_ENDPOINTS: readonly ApiEndpoint[] = [
  { method: 'get', path: '/me', summary: 'Who the caller is: tenant, role, permissions', permission: 'dashboards.read', response: { status: 200, description: 'The caller' } },
  { method: 'get', path: '/users', summary: "The tenant's users (no password hashes)", permission: 'users.manage', response: { status: 200, description: 'Users' } },
  { method: 'get', path: '/apikeys', summary: "The tenant's API keys (never their secrets)", permission: 'apikeys.manage', response: { status: 200, description: 'Keys' } },
  { method: 'post', path: '/apikeys', summary: 'Create an API key; the secret is in this response only', permission: 'apikeys.manage', body: createApiKeySchema, response: { status: 201, description: 'The key and its secret' } },
  { method: 'delete', path: '/apikeys/{id}', summary: 'Revoke an API key', permission: 'apikeys.manage', response: { status: 200, description: 'The revoked key' } },
  { method: 'get', path: '/audit', summary: 'The audit log, newest first, filtered and paged', permission: 'audit.read', query: auditQuerySchema, response: { status: 200, description: 'Audit records' } },
  { method: 'get', path: '/datasets', summary: "The tenant's dataset: imports, fingerprints, profile", permission: 'data.read', response: { status: 200, description: 'The dataset manifest' } },
  {
    method: 'post',
    path: '/datasets',
    summary: 'Upload files, streamed to disk, and start the import job (validated before anything is stored). 413 over FORESIGHT_UPLOAD_MAX_MB or the storage left, 409 while another import is active: both before the body is read',
    permission: 'data.import',
    multipart: {
      format: { type: 'string', description: '"retail" (the 8 CSV files) or "generic" (one CSV and a mapping)', required: true },
      files: { type: 'file', description: 'The CSV files (repeat the field)', required: true },
      mapping: { type: 'string', description: `Generic format: JSON of ${JSON.stringify(Object.keys(genericMappingSchema.shape))}` },
      joins: { type: 'string', description: 'Generic format: JSON list of { name, key, column } attribute files joined on a key' },
      mode: {
        type: 'string',
        description:
          '"append" (default): add newer days; rows for stored days that differ refuse the import (the job fails with their lines). "replace": the rows of the files overwrite the stored values of their days and series; the job result says how many rows changed',
      },
    },
    response: { status: 202, description: 'The ingest job' },
  },
  { method: 'post', path: '/datasets/preview', summary: 'Columns, detected types and date formats of a CSV, for a mapping, from its start (a body over 2 MB: 413)', permission: 'data.import', multipart: { file: { type: 'file', description: 'One CSV, or its first part (e.g. 1 MB, cut at a line end)', required: true }, size: { type: 'string', description: "The whole file's size in bytes, when `file` is its first part: the row count is estimated from it" } }, response: { status: 200, description: 'The preview' } },
  { method: 'get', path: '/jobs', summary: 'Recent jobs (imports, training), newest first', permission: 'dashboards.read', query: jobListQuerySchema, response: { status: 200, description: 'Jobs' } },
  { method: 'get', path: '/jobs/{id}', summary: 'One job: status, progress, result or why it failed', permission: 'dashboards.read', response: { status: 200, description: 'The job' } },
  { method: 'post', path: '/jobs/{id}/cancel', summary: 'Cancel a running job (needs the permission that starts it)', permission: 'dashboards.read', response: { status: 200, description: 'The job' } },
  { method: 'get', path: '/models', summary: 'The model registry, newest first; model_version is the production one', permission: 'models.read', response: { status: 200, description: 'Model versions' } },
  { method: 'post', path: '/models/{id}/promote', summary: 'Put a version in production (the previous one is archived)', permission: 'models.promote', response: { status: 200, description: 'The new production version' } },
  { method: 'get', path: '/alerts', summary: 'Alerts (decay, drift, anomalies), newest first', permission: 'alerts.read', query: alertListQuerySchema, response: { status: 200, description: 'Alerts' } },
  { method: 'post', path: '/alerts/{id}/ack', summary: 'Acknowledge an alert', permission: 'alerts.acknowledge', response: { status: 200, description: 'Acknowledged' } },
  { method: 'get', path: '/forecast', summary: 'Forecast of a store, category, item (any combination) or the total, with 80% / 95% intervals; 409 without a production model. `horizon` is in days, also for weekly data, which forecasts whole weeks (rounded up: 30 days = 5 weeks); the answer\'s `horizon` counts periods and `step` gives the days per period', permission: 'dashboards.read', query: forecastQuerySchema, response: { status: 200, description: 'The forecast, generated_at and model_version' } },
  { method: 'get', path: '/forecast/top-products', summary: "Items ranked by forecast growth: the next period's forecast against the period before", permission: 'dashboards.read', query: topProductsQuerySchema, response: { status: 200, description: 'Products, generated_at and model_version' } },
  { method: 'post', path: '/predict', summary: 'One prediction (series keys, date, optional feature overrides) with 80% / 95% intervals', permission: 'dashboards.read', body: predictRowSchema, response: { status: 200, description: 'The prediction, generated_at and model_version' } },
  { method: 'post', path: '/predict/batch', summary: 'Up to 100,000 predictions in one call (more rows, or a body over 10 MB: 413)', permission: 'dashboards.read', body: predictBatchSchema, response: { status: 200, description: 'Predictions in the order of the rows, generated_at and model_version' } },
  { method: 'get', path: '/reports/{file}', summary: 'A branded PDF: executive.pdf, or store.pdf?store=<id>', permission: 'reports.download', query: reportQuerySchema, response: { status: 200, description: 'The PDF', contentType: 'application/pdf' } },
];

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } } },
};

function jsonSchema(schema: ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' zod schemas. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of API_ENDPOINTS) {
    const parameters: Record<string, unknown>[] = [];
    for (const m of e.path.matchAll(/\{(\w+)\}/g)) parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
    if (e.query) {
      const q = jsonSchema(e.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
    }
    const op: Record<string, unknown> = {
      summary: e.summary,
      description: `Requires the permission \`${e.permission}\`.`,
      parameters,
      responses: {
        [e.response.status]: { description: e.response.description, content: { [e.response.contentType ?? 'application/json']: { schema: e.response.contentType ? { type: 'string', format: 'binary' } : { type: 'object' } } } },
        ...Object.fromEntries(
          [
            [400, 'Invalid input: what and where'],
            [401, 'No or bad credentials'],
            [403, 'The role lacks the permission, or the plan lacks the feature'],
            [404, 'Not found (or not in your tenant)'],
            [429, 'Rate limit or quota reached; see Retry-After'],
          ].map(([code, description]) => [code, { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
        ),
      },
    };
    if (e.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(e.body) } } };
    if (e.multipart) {
      op.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: Object.entries(e.multipart).filter(([, f]) => f.required).map(([k]) => k),
              properties: Object.fromEntries(Object.entries(e.multipart).map(([k, f]) => [k, f.type === 'file' ? { type: 'string', format: 'binary', description: f.description } : { type: 'string', description: f.description }])),
            },
          },
        },
      };
    }
    (paths[e.path] ??= {})[e.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Foresight API', version: '1', description: 'Forecasts, predictions, data and models of your organisation. Every response carries generated_at; errors are { error: { code, message, details } }.' },
    servers: [{ url: '/api/v1' }],
    security: [{ apiKey: [] }, { session: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key created by an admin: Authorization: Bearer fsk....' },
        session: { type: 'apiKey', in: 'cookie', name: 'next-auth.session-token' },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}
