import 'server-only';
import { z } from 'zod';
import type { ApiRequest } from '../api/handler';
import { AppError } from '../errors';
import type { TenantContext } from '../auth/guards';
import { effectiveQuotas } from '../tiers';
import { genericMappingSchema, attributeJoinSchema, importModeSchema } from '../schemas/ingest';
import type { UploadedFile } from '../ingest/csv';
import { submitJob } from '../jobs/submit';
import { stageUpload, type StagedRequest } from '../jobs/staging';
import type { Job } from '../schemas/jobs';
import { tenantStorageBytes } from './store';

/**
 * Reads a multipart upload (`format`, `files`, `mode` append or replace, and for the generic
 * format `mapping` and `joins` as JSON) and starts the ingest job. Nothing reaches the dataset
 * before the job validated it all.
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

export async function readUploadForm(req: Pick<ApiRequest, 'header' | 'formData'>, ctx: TenantContext): Promise<{ request: StagedRequest; files: UploadedFile[] }> {
  const quota = effectiveQuotas(ctx.tenant.tier, ctx.tenant.quotaOverrides).storageBytes;
  const room = quota - (await tenantStorageBytes(ctx.tenantId));
  const declared = Number(req.header('content-length') ?? '0');
  if (declared > room) throw new AppError('payload_too_large', `The upload is ${(declared / 1048576).toFixed(1)} MB; the plan has ${(Math.max(0, room) / 1048576).toFixed(1)} MB of storage left.`, { limit: room });
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw new AppError('bad_request', 'Send the files as multipart/form-data.');
  }
  const parsed = formSchema.safeParse({ format: form.get('format'), mode: form.get('mode') ?? undefined, mapping: form.get('mapping') ?? undefined, joins: form.get('joins') ?? undefined });
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues.map((i) => i.message).join('; '), { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  const entries = form.getAll('files').filter((f): f is File => typeof f !== 'string');
  if (entries.length === 0) throw new AppError('bad_request', 'No files were uploaded (field "files").');
  if (entries.length > 20) throw new AppError('bad_request', `${entries.length} files were uploaded; at most 20 are accepted.`);
  const files = await Promise.all(entries.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  const names = files.map((f) => f.name);
  const { mode } = parsed.data;
  const request: StagedRequest = parsed.data.format === 'retail' ? { format: 'retail', names, mode } : { format: 'generic', names, mapping: parsed.data.mapping, joins: parsed.data.joins, mode };
  return { request, files };
}

export async function startIngest(ctx: TenantContext, request: StagedRequest, files: UploadedFile[]): Promise<Job> {
  return submitJob(ctx, 'ingest', { format: request.format, files: request.names, mode: request.mode ?? 'append' }, (job) => stageUpload(ctx.tenantId, job.id, request, files));
}
