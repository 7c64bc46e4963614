import { apiRoute } from '@/lib/api/handler';
import { AppError } from '@/lib/errors';
import { previewCsv } from '@/lib/ingest/generic';
import { tenantStorageBytes } from '@/lib/datasets/store';
import { effectiveQuotas } from '@/lib/tiers';

export const dynamic = 'force-dynamic';

/** Reads the start of one CSV (multipart field "file") for the mapping wizard: columns, detected types, date formats, sample rows. Stores nothing. */
export const POST = apiRoute({ permission: 'data.import' }, async (ctx, { req }) => {
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw new AppError('bad_request', 'Send the file as multipart/form-data (field "file").');
  }
  const file = form.get('file');
  if (!file || typeof file === 'string') throw new AppError('bad_request', 'No file was uploaded (field "file").');
  const room = effectiveQuotas(ctx.tenant.tier, ctx.tenant.quotaOverrides).storageBytes - (await tenantStorageBytes(ctx.tenantId));
  const preview = previewCsv({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }, { rows: 8, limits: { maxFileBytes: Math.max(1, room) } });
  return { preview, generated_at: new Date().toISOString() };
});
