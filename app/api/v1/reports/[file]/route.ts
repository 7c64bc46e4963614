import { reportQuerySchema } from '@/lib/schemas/reports';
import { apiRoute } from '@/lib/api/handler';
import { AppError } from '@/lib/errors';
import { reportData } from '@/lib/reports/data';
import { renderReportPdf } from '@/lib/reports/pdf';
import { readLogo } from '@/lib/branding';
import { tierHas } from '@/lib/tiers';
import { recordAudit } from '@/lib/audit';

export const dynamic = 'force-dynamic';

/** `GET /api/v1/reports/executive.pdf` and `GET /api/v1/reports/store.pdf?store=1`: branded PDFs for managers and admins. */
export const GET = apiRoute({ permission: 'reports.download', query: reportQuerySchema }, async (ctx, { params, query }) => {
  const kind = params.file === 'executive.pdf' ? 'executive' : params.file === 'store.pdf' ? 'store' : null;
  if (!kind) throw new AppError('not_found', 'Unknown report. Use executive.pdf or store.pdf?store=<id>.');
  if (kind === 'store' && !query.store) throw new AppError('bad_request', 'Choose the store: store.pdf?store=<id>.', { field: 'store' });
  const data = await reportData(ctx.tenantId, kind, query.store);
  const whiteLabel = tierHas(ctx.tenant.tier, 'whiteLabel');
  const logoBytes = whiteLabel && ctx.tenant.branding.logoType ? await readLogo(ctx.tenantId) : undefined;
  let pdf: Buffer;
  try {
    pdf = await renderReportPdf(whiteLabel ? data : { ...data, branding: { ...data.branding, primaryColor: '#1f6feb' } }, logoBytes && ctx.tenant.branding.logoType ? { bytes: logoBytes, type: ctx.tenant.branding.logoType } : null, { tenantId: ctx.tenantId });
  } catch (e) {
    // Logged here, once, with the cause; the caller gets a SPEC 7 error instead of a hung request.
    console.error(`reports: ${params.file} of tenant ${ctx.tenantId} could not be drawn:`, e);
    await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'reports.download', target: params.file, outcome: 'failure', ip: ctx.ip, details: { store: query.store ?? null, error: 'render' } });
    throw new AppError('internal', 'The report could not be drawn. The error has been logged; try again later, and tell your admin if it keeps failing.', { report: params.file });
  }
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'reports.download', target: params.file, outcome: 'success', ip: ctx.ip, details: { store: query.store ?? null } });
  const name = `${ctx.tenantId}-${kind}${query.store ? `-${query.store.replace(/[^A-Za-z0-9_-]/g, '_')}` : ''}-${data.generatedAt.slice(0, 10)}.pdf`;
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${name}"`,
      'X-Generated-At': data.generatedAt,
      'X-Model-Version': data.model?.id ?? 'none',
    },
  });
});
