import { NextResponse } from 'next/server';
import { apiRoute } from '@/lib/api/handler';
import { readManifest } from '@/lib/datasets/store';
import { readUploadForm, startIngest } from '@/lib/datasets/upload';
import { AppError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** The tenant's dataset: what was imported and its profile. */
export const GET = apiRoute({ permission: 'data.read' }, async (ctx) => {
  const manifest = await readManifest(ctx.tenantId);
  if (!manifest) throw new AppError('not_found', 'No dataset imported yet.');
  const { tableFile: _t, plannedFile: _p, ...visible } = manifest;
  return { dataset: visible, generated_at: new Date().toISOString() };
});

/** Uploads files (multipart: format, files, mapping, joins) and starts the ingest job: 202 with the job. */
export const POST = apiRoute({ permission: 'data.import' }, async (ctx, { req }) => {
  const { request, files } = await readUploadForm(req, ctx);
  const job = await startIngest(ctx, request, files);
  return NextResponse.json({ job, generated_at: new Date().toISOString() }, { status: 202 });
});
