import { Readable } from 'node:stream';
import { describe, it, expect, vi, beforeAll, afterAll, afterEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant, getTenantOrThrow, setTenantBranding } from '@/lib/tenants';
import { createApiKey } from '@/lib/apikeys';
import { storage, tenantPath } from '@/lib/storage';
import { queryAudit, auditQuerySchema } from '@/lib/audit';
import type { ApiAnswer, ApiRequest } from '@/lib/api/handler';
import type { ReportData } from '@/lib/reports/data';
import { corruptIdat, pngBytes } from '../../support/images';
import { reportData } from './support/report-data';

// The report's figures come from this test, not from an imported dataset and a trained model:
// what is under test is drawing them and answering.
let figures: ReportData;
vi.mock('@/lib/reports/data', () => ({ reportData: async () => figures }));

const { GET } = await import('@/app/api/v1/reports/[file]/route');

let home: string;
let key: string;
beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-report-route-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
  key = (await createApiKey('shop', { name: 'ci', role: 'manager', createdBy: 't' })).secret;
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function request(file: string): ApiRequest {
  return {
    method: 'GET',
    pathname: `/api/v1/reports/${file}`,
    searchParams: new URLSearchParams(),
    header: (name) => (name.toLowerCase() === 'authorization' ? `Bearer ${key}` : null),
    text: async () => '',
    body: () => Readable.from([]),
    principal: async () => null,
  };
}

/** The route's answer, or a failure after `ms` instead of waiting for ever. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);
}

describe('GET /api/v1/reports/executive.pdf', () => {
  it('answers with the PDF, logo left out, when the stored logo is damaged', { timeout: 15_000 }, async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await storage().writeBlob(tenantPath('shop', 'tenants', 'logo.bin'), corruptIdat(pngBytes(40, 20)));
    const tenant = await getTenantOrThrow('shop');
    await setTenantBranding('shop', { ...tenant.branding, logoType: 'image/png', logoVersion: tenant.branding.logoVersion + 1 });
    figures = reportData({ tenant: 'Shop' });
    const answer: ApiAnswer = await within(8_000, GET.serve(request('executive.pdf'), { file: 'executive.pdf' }));
    expect('response' in answer).toBe(true);
    if (!('response' in answer)) return;
    expect(answer.response.status).toBe(200);
    expect(answer.response.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await answer.response.arrayBuffer()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('a report that cannot be drawn answers a 500 error in the API shape saying so, logged once and audited', { timeout: 15_000 }, async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // A figure pdfkit refuses to write (it throws on a non-finite number while drawing the chart).
    const broken = reportData({ tenant: 'Shop' });
    broken.history[5] = { ...broken.history[5], total: Number.NaN };
    figures = broken;
    const answer = await within(8_000, GET.serve(request('executive.pdf'), { file: 'executive.pdf' }));
    expect('json' in answer).toBe(true);
    if (!('json' in answer)) return;
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ error: { code: 'internal', message: expect.stringMatching(/^The report could not be drawn\./), details: { report: 'executive.pdf' } } });
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toContain('executive.pdf of tenant shop could not be drawn');
    const audit = await queryAudit('shop', auditQuerySchema.parse({ action: 'reports.download' }));
    expect(audit.records.map((r) => r.outcome)).toContain('failure');
  });
});
