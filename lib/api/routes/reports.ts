import { z } from 'zod';
import { apiRoute } from '../handler';
import { reportQuerySchema } from '../../schemas/reports';
import { AppError } from '../../errors';
import { reportData } from '../../reports/data';
import { renderReportPdf } from '../../reports/pdf';
import { readLogo } from '../../branding';
import { tierHas } from '../../tiers';
import { recordAudit } from '../../audit';

/** `GET /api/v1/reports/executive.pdf` and `GET /api/v1/reports/store.pdf?store=1`: branded PDFs for managers and admins. */
export const getReportRoute = apiRoute(
  {
    method: 'GET',
    path: '/reports/{file}',
    operationId: 'getReport',
    summary: 'A branded PDF: executive.pdf, or store.pdf?store=<id>',
    permission: 'reports.download',
    params: z.object({ file: z.string() }),
    query: reportQuerySchema,
    exampleRequest: { params: { file: 'store.pdf' }, query: { store: '1' } },
    errors: ['conflict'],
    response: {
      status: 200,
      description: 'The PDF',
      contentType: 'application/pdf',
      headers: {
        'Content-Disposition': { description: 'attachment; the file name holds the tenant, the report, the store and the day', example: 'attachment; filename="acme-store-1-2024-05-02.pdf"' },
        'X-Generated-At': { description: 'When the report was computed', example: '2024-05-02T08:00:00.000Z' },
        'X-Model-Version': { description: 'The production version whose forecasts it shows, or "none"', example: 'v3' },
      },
    },
  },
  async (ctx, { params, query }) => {
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
      // Logged here, once, with the cause; the caller gets an error in the API's shape instead of a hung request.
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
  },
);
