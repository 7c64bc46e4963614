import { NextResponse } from 'next/server';
import { apiRoute } from '@/lib/api/handler';
import { readManifest } from '@/lib/datasets/store';
import { receiveUpload } from '@/lib/datasets/upload';
import { AppError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** The tenant's dataset: what was imported and its profile. */
export const GET = apiRoute({ permission: 'data.read' }, async (ctx) => {
  const manifest = await readManifest(ctx.tenantId);
  if (!manifest) throw new AppError('not_found', 'No dataset imported yet.');
  const { tableFile: _t, plannedFile: _p, ...visible } = manifest;
  return { dataset: visible, generated_at: new Date().toISOString() };
});

/**
 * Uploads files (multipart: format, files, mapping, joins), streamed to disk, and starts the ingest
 * job: 202 with the job; 409 while another import is active and 413 over the upload cap or the
 * storage left, both before the body is read (see receiveUpload).
 */
export const POST = apiRoute({ permission: 'data.import' }, async (ctx, { req }) => {
  const job = await receiveUpload(ctx, req);
  return NextResponse.json({ job, generated_at: new Date().toISOString() }, { status: 202 });
});
