import { apiRoute } from '@/lib/api/handler';
import { previewUploadStart } from '@/lib/datasets/upload';

export const dynamic = 'force-dynamic';

/**
 * Reads the start of one CSV (multipart field "file", at most PREVIEW_MAX_BYTES, and "size", the
 * whole file's bytes) for the mapping wizard: columns, detected types, date formats, sample rows,
 * the row count. Stores nothing.
 */
export const POST = apiRoute({ permission: 'data.import' }, async (_ctx, { req }) => ({ preview: await previewUploadStart(req), generated_at: new Date().toISOString() }));
