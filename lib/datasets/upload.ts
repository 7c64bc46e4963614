import 'server-only';
import { z } from 'zod';
import type { ApiRequest } from '../api/handler';
import { settings } from '../config';
import { AppError } from '../errors';
import type { TenantContext } from '../auth/guards';
import { readMultipart } from '../http/multipart';
import { effectiveQuotas } from '../tiers';
import { genericMappingSchema, attributeJoinSchema, importModeSchema } from '../schemas/ingest';
import { submitJob } from '../jobs/submit';
import { removeStagedUpload, stageFile, stageRequest, type StagedRequest } from '../jobs/staging';
import { updateJob } from '../jobs/store';
import type { Job } from '../schemas/jobs';
import { tenantStorageBytes } from './store';
import { byteLength, type UploadedFile } from '../ingest/csv';
import { previewCsv, type CsvPreview } from '../ingest/generic';

/** The most files one upload takes (the retail format has 8; a generic one adds attribute files). */
export const MAX_UPLOAD_FILES = 20;
/** The largest text field of an upload form (the mapping and joins are small JSON documents). */
const MAX_FIELD_BYTES = 64 * 1024;

/**
 * The form's text fields: `format`, `mode` (append or replace), and for the generic format
 * `mapping` and `joins` as JSON.
 */
const formSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('retail'), mode: importModeSchema.default('append') }),
  z.object({
    format: z.literal('generic'),
    mode: importModeSchema.default('append'),
    mapping: z.string().transform((s, ctx) => {
      try {
        return genericMappingSchema.parse(JSON.parse(s));
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `mapping: ${e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'not valid JSON'}` });
        return z.NEVER;
      }
    }),
    joins: z
      .string()
      .default('[]')
      .transform((s, ctx) => {
        try {
          return z.array(attributeJoinSchema).parse(JSON.parse(s));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'joins: expected a JSON list of { name, key, column }' });
          return z.NEVER;
        }
      }),
  }),
]);

const mb = (n: number) => `${(n / 1048576).toFixed(n % 1048576 === 0 ? 0 : 1)} MB`;

/**
 * The most bytes one upload may carry for this tenant: the per-upload cap (FORESIGHT_UPLOAD_MAX_MB)
 * or the storage the plan has left, whichever is smaller, with the refusal that names it.
 */
export async function uploadRoom(ctx: Pick<TenantContext, 'tenantId' | 'tenant'>): Promise<{ bytes: number; refusal: (size?: number) => AppError }> {
  const cap = settings.uploadMaxBytes();
  const left = Math.max(0, effectiveQuotas(ctx.tenant.tier, ctx.tenant.quotaOverrides).storageBytes - (await tenantStorageBytes(ctx.tenantId)));
  const what = (size?: number) => (size === undefined ? 'The upload is larger than' : `The upload is ${mb(size)}, over`);
  if (cap <= left) return { bytes: cap, refusal: (size) => new AppError('payload_too_large', `${what(size)} the limit of ${mb(cap)} per upload.`, { limit: cap }) };
  return { bytes: left, refusal: (size) => new AppError('payload_too_large', `${what(size)} the storage the plan has left (${mb(left)}).`, { limit: left }) };
}

/** The declared Content-Length, or undefined when the body is chunked (or the header is not a number). */
export function declaredLength(req: Pick<ApiRequest, 'header'>): number | undefined {
  const raw = req.header('content-length');
  return raw !== null && /^\d+$/.test(raw.trim()) ? Number(raw) : undefined;
}

/**
 * Takes a multipart upload (`format`, `mode`, `files`, and for the generic format `mapping` and `joins`)
 * and starts its ingest job: 202 with the job. What can be refused without the body is refused
 * before it is read: not multipart (400), a Content-Length over the per-upload cap or the storage
 * left (413), another import still active (409; the job is created first, so a second upload is
 * refused while the first is still arriving). The files then stream into the job's staging folder,
 * counted as they arrive (413 past the limit, also without a Content-Length); any failure (limit,
 * bad form, client gone) removes what was staged and ends the job as failed with the reason.
 * Nothing reaches the dataset before the job validated it all.
 */
export async function receiveUpload(ctx: TenantContext, req: Pick<ApiRequest, 'header' | 'body'>): Promise<Job> {
  const contentType = req.header('content-type') ?? '';
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(contentType)) throw new AppError('bad_request', 'Send the files as multipart/form-data (fields "format" and "files").');
  const room = await uploadRoom(ctx);
  const declared = declaredLength(req);
  if (declared !== undefined && declared > room.bytes) throw room.refusal(declared);
  return submitJob(ctx, 'ingest', { format: null, files: [] }, async (job) => {
    await updateJob(ctx.tenantId, job.id, (j) => ({ ...j, progress: { ...j.progress, message: 'Receiving the upload' } }));
    try {
      const request = await stageUploadBody(ctx.tenantId, job.id, req.body(), contentType, room);
      await stageRequest(ctx.tenantId, job.id, request);
      // The mapping is kept with the job, so the wizard can fill it in again after a failed import.
      const mapping = request.format === 'generic' ? { mapping: request.mapping } : {};
      await updateJob(ctx.tenantId, job.id, (j) => ({ ...j, params: { format: request.format, files: request.names, mode: request.mode ?? 'append', ...mapping }, progress: { ...j.progress, message: 'Queued' } }));
    } catch (e) {
      await removeStagedUpload(ctx.tenantId, job.id);
      throw e;
    }
  });
}

/** Streams the form's files to the job's folder and checks its fields: the request to stage. */
async function stageUploadBody(tenantId: string, jobId: string, body: ReturnType<ApiRequest['body']>, contentType: string, room: { bytes: number; refusal: () => AppError }): Promise<StagedRequest> {
  const names: string[] = [];
  const fields = await readMultipart(body, contentType, { maxBytes: room.bytes, tooLarge: () => room.refusal(), maxFiles: MAX_UPLOAD_FILES, maxFields: 10, maxFieldBytes: MAX_FIELD_BYTES }, async (file) => {
    if (file.field !== 'files') {
      file.stream.resume();
      throw new AppError('bad_request', `Field "${file.field.slice(0, 40)}" must be text; files go in the field "files".`);
    }
    // Fields sent before the files (as the Data page does) are checked before any file is read:
    // a wrong form is refused without its upload. Fields may also follow the files.
    if (file.index === 0 && formComplete(file.fieldsBefore)) parseForm(file.fieldsBefore);
    names[file.index] = file.filename;
    await stageFile(tenantId, jobId, file.index, file.stream);
  });
  const parsed = parseForm(fields);
  if (names.length === 0) throw new AppError('bad_request', 'No files were uploaded (field "files").');
  const { mode } = parsed;
  return parsed.format === 'retail' ? { format: 'retail', names, mode } : { format: 'generic', names, mapping: parsed.mapping, joins: parsed.joins, mode };
}

/** Whether the fields so far are all a form can have: a retail format, or a generic one with its mapping. */
function formComplete(fields: ReadonlyMap<string, string[]>): boolean {
  const format = fields.get('format')?.[0];
  return format !== undefined && (format !== 'generic' || fields.has('mapping'));
}

/** @throws AppError bad_request saying what is wrong with the form's text fields. */
function parseForm(fields: ReadonlyMap<string, string[]>): z.infer<typeof formSchema> {
  const one = (name: string) => fields.get(name)?.[0];
  const parsed = formSchema.safeParse({ format: one('format'), mode: one('mode'), mapping: one('mapping'), joins: one('joins') });
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues.map((i) => i.message).join('; '), { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  return parsed.data;
}

/** The largest preview request (413 above): the Data page sends the first 1 MB of a file, cut at a line end. */
export const PREVIEW_MAX_BYTES = 2 * 1024 * 1024;

const previewFieldsSchema = z.object({
  /** The whole file's size, when `file` is only its start: the row count is scaled to it. */
  size: z.coerce.number().int().min(0).optional(),
});

/**
 * The mapping wizard's preview of a CSV from the start of it (multipart: `file`, and `size`, the
 * whole file's bytes when `file` is its first part): columns, detected types and date formats,
 * sample rows, and the row count (estimated from `size` when only a part came). Stores nothing.
 * @throws AppError payload_too_large over PREVIEW_MAX_BYTES; bad_request for a missing file.
 */
export async function previewUploadStart(req: Pick<ApiRequest, 'header' | 'body'>): Promise<CsvPreview> {
  const contentType = req.header('content-type') ?? '';
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(contentType)) throw new AppError('bad_request', 'Send the file as multipart/form-data (field "file").');
  const tooLarge = () => new AppError('payload_too_large', `A preview reads at most ${mb(PREVIEW_MAX_BYTES)}: send the start of the file (the Data page sends its first megabyte).`, { limit: PREVIEW_MAX_BYTES });
  const declared = declaredLength(req);
  if (declared !== undefined && declared > PREVIEW_MAX_BYTES) throw tooLarge();
  let file: UploadedFile | undefined;
  const fields = await readMultipart(req.body(), contentType, { maxBytes: PREVIEW_MAX_BYTES, tooLarge, maxFiles: 1, maxFields: 5, maxFieldBytes: 1024 }, async (part) => {
    const chunks: Buffer[] = [];
    for await (const chunk of part.stream) chunks.push(chunk as Buffer);
    if (part.field === 'file') file = { name: part.filename, bytes: new Uint8Array(Buffer.concat(chunks)) };
  });
  if (!file) throw new AppError('bad_request', 'No file was uploaded (field "file").');
  const parsed = previewFieldsSchema.safeParse({ size: fields.get('size')?.[0] });
  if (!parsed.success) throw new AppError('bad_request', `size: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const preview = previewCsv(file, { rows: 8, limits: { maxFileBytes: PREVIEW_MAX_BYTES } });
  const sample = byteLength(file);
  const size = parsed.data.size;
  if (size === undefined || size <= sample || sample === 0) return preview;
  // Only the start came: the rest of the file has about as many rows per byte.
  return { ...preview, totalRows: Math.round((preview.totalRows * size) / sample), totalRowsEstimated: true };
}
