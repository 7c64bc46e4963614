import { z } from 'zod';
import { apiRoute } from '../handler';
import { answerSchema } from '../definition';
import { datasetManifestSchema, readManifest } from '../../datasets/store';
import { previewUploadStart, receiveUpload } from '../../datasets/upload';
import { dateFormatSchema, genericMappingSchema, validationReportSchema } from '../../schemas/ingest';
import { jobSchema } from '../../schemas/jobs';
import { AppError } from '../../errors';
import { exampleJob } from './jobs';

/** A statistic of the target, null for an empty table (NaN is null in JSON). */
const statistic = z.number().nullable();

/** ml/data/profile.ts TableProfile as JSON. */
const tableProfileSchema = z.object({
  rows: z.number().int(),
  series: z.number().int(),
  frequency: z.enum(['daily', 'weekly']),
  dateRange: z.object({ first: z.string(), last: z.string() }).nullable(),
  periods: z.number().int(),
  keys: z.record(z.string(), z.number().int()).describe('Distinct values per series key'),
  missingShare: z.record(z.string(), z.number()).describe('Share of rows where the column is missing'),
  target: z.object({
    name: z.string(),
    sum: statistic,
    mean: statistic,
    min: statistic,
    max: statistic,
    zeroShare: statistic,
    negativeShare: statistic,
    quantiles: z.array(statistic).describe('Quantiles 0, 0.05, 0.25, 0.5, 0.75, 0.95, 1 of the known values'),
  }),
  top: z.record(z.string(), z.array(z.object({ value: z.string(), total: z.number() }))).describe('Per series key, the values with the largest target totals'),
  overTime: z.array(z.object({ date: z.string(), total: z.number() })).describe('Target total per period, in date order'),
});

/** The manifest as the API shows it: without the names of its internal files. */
const datasetViewSchema = datasetManifestSchema.omit({ tableFile: true, plannedFile: true }).extend({ profile: tableProfileSchema });

const csvPreviewSchema = z.object({
  report: validationReportSchema,
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())).describe('The first rows, as text'),
  types: z.record(z.string(), z.enum(['number', 'date', 'text', 'empty'])),
  dateFormats: z.record(z.string(), z.object({ format: dateFormatSchema.nullable(), candidates: z.array(dateFormatSchema), ambiguous: z.boolean() })).describe('For date columns: the detected format'),
  totalRows: z.number().int(),
  totalRowsEstimated: z.boolean(),
});

/** `GET /api/v1/datasets`: the tenant's dataset: what was imported and its profile. */
export const getDatasetRoute = apiRoute(
  {
    method: 'GET',
    path: '/datasets',
    operationId: 'getDataset',
    summary: "The tenant's dataset: imports, fingerprints, profile",
    permission: 'data.read',
    response: {
      status: 200,
      description: 'The dataset manifest',
      schema: answerSchema({ dataset: datasetViewSchema }),
      example: {
        dataset: {
          version: 1,
          format: 'retail',
          frequency: 'daily',
          rows: 182_400,
          series: 240,
          dateRange: { first: '2022-05-01', last: '2024-04-30' },
          mapping: null,
          imports: [{ at: '2024-05-01T01:00:00.000Z', by: 'ana@acme.test', fingerprint: 'sha256:9c4d…', files: ['sales.csv', 'stores.csv', 'catalog.csv'], rows: 182_400, appendedRows: 182_400, changedRows: 0, mode: 'append' }],
          profile: {
            rows: 182_400,
            series: 240,
            frequency: 'daily',
            dateRange: { first: '2022-05-01', last: '2024-04-30' },
            periods: 760,
            keys: { store: 4, item: 60 },
            missingShare: { quantity: 0, price: 0.02 },
            target: { name: 'quantity', sum: 1_203_555, mean: 6.6, min: -2, max: 140, zeroShare: 0.18, negativeShare: 0.001, quantiles: [-2, 0, 2, 5, 9, 20, 140] },
            top: { store: [{ value: '1', total: 480_211 }] },
            overTime: [{ date: '2022-05-01', total: 1510 }],
          },
          updatedAt: '2024-05-01T01:00:00.000Z',
        },
        generated_at: '2024-05-02T08:00:00.000Z',
      },
    },
  },
  async (ctx) => {
    const manifest = await readManifest(ctx.tenantId);
    if (!manifest) throw new AppError('not_found', 'No dataset imported yet.');
    const { tableFile: _t, plannedFile: _p, ...visible } = manifest;
    return { dataset: visible };
  },
);

/**
 * `POST /api/v1/datasets`: uploads files (multipart: format, files, mapping, joins), streamed to
 * disk, and starts the ingest job: 202 with the job; 409 while another import is active and 413
 * over the upload cap or the storage left, both before the body is read (see receiveUpload).
 */
export const uploadDatasetRoute = apiRoute(
  {
    method: 'POST',
    path: '/datasets',
    operationId: 'uploadDataset',
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
    errors: ['conflict', 'payload_too_large'],
    response: { status: 202, description: 'The ingest job', schema: answerSchema({ job: jobSchema }), example: { job: { ...exampleJob, status: 'queued', progress: { done: 0, total: 0, message: 'Queued' }, startedAt: null, pid: null }, generated_at: '2024-05-02T07:59:00.000Z' } },
  },
  async (ctx, { req }) => ({ job: await receiveUpload(ctx, req) }),
);

/**
 * `POST /api/v1/datasets/preview`: reads the start of one CSV (multipart field "file", at most
 * PREVIEW_MAX_BYTES, and "size", the whole file's bytes) for the mapping wizard: columns, detected
 * types, date formats, sample rows, the row count. Stores nothing.
 */
export const previewDatasetRoute = apiRoute(
  {
    method: 'POST',
    path: '/datasets/preview',
    operationId: 'previewDataset',
    summary: 'Columns, detected types and date formats of a CSV, for a mapping, from its start (a body over 2 MB: 413)',
    permission: 'data.import',
    multipart: {
      file: { type: 'file', description: 'One CSV, or its first part (e.g. 1 MB, cut at a line end)', required: true },
      size: { type: 'string', description: "The whole file's size in bytes, when `file` is its first part: the row count is estimated from it" },
    },
    errors: ['payload_too_large'],
    response: {
      status: 200,
      description: 'The preview',
      schema: answerSchema({ preview: csvPreviewSchema }),
      example: {
        preview: {
          report: { ok: true, errors: [], errorCount: 0, warnings: [], warningCount: 0, rowsByFile: { 'Walmart.csv': 8 } },
          columns: ['Store', 'Date', 'Weekly_Sales'],
          rows: [['1', '05/02/2010', '1643690.9']],
          types: { Store: 'number', Date: 'date', Weekly_Sales: 'number' },
          dateFormats: { Date: { format: 'DD/MM/YYYY', candidates: ['DD/MM/YYYY', 'MM/DD/YYYY'], ambiguous: true } },
          totalRows: 6435,
          totalRowsEstimated: true,
        },
        generated_at: '2024-05-02T08:00:00.000Z',
      },
    },
  },
  async (_ctx, { req }) => ({ preview: await previewUploadStart(req) }),
);
