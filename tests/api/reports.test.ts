import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { inject } from 'vitest';
import { api, makeKey, sessionCookie } from '../support/http';
import { ensureProductionModel } from '../support/demo-model';
import { corruptIdat, pngBytes } from '../support/images';

let manager: string;
let viewer: string;
let productionId: string;
beforeAll(async () => {
  manager = await makeKey('demo', 'manager');
  viewer = await makeKey('demo', 'viewer');
  productionId = await ensureProductionModel('demo');
});

function pdfText(bytes: ArrayBuffer): string {
  const r = spawnSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(bytes) });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout.toString('utf8');
}

/** The text of an element of the Overview page's HTML, by its data-testid. */
function testIdText(html: string, id: string): string {
  const m = new RegExp(`data-testid="${id}"[^>]*>([^<]+)<`).exec(html);
  if (!m) throw new Error(`no ${id} on the page`);
  return m[1];
}

describe('PDF reports', () => {
  it('the executive summary holds the tenant name, the KPI figures of the Overview, the forecast and the top products', async () => {
    const res = await api('/api/v1/reports/executive.pdf', { key: manager });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-model-version')).toBe(productionId);
    const text = pdfText(await res.arrayBuffer());

    process.env.FORESIGHT_HOME = inject('home');
    const { getTenantOrThrow } = await import('@/lib/tenants');
    const { loadTable } = await import('@/lib/datasets/store');
    const { breakdown } = await import('@/ml/data/analytics');
    const { dateRange } = await import('@/ml/data/table');
    const { getSelectionForecast, getTopProducts } = await import('@/lib/forecast/service');
    const { formatInteger } = await import('@/lib/format');
    expect(text).toContain((await getTenantOrThrow('demo')).branding.displayName);

    // The KPI figures exactly as the Overview page shows them: sales, units, the next 30 days'
    // forecast, the model's accuracy and the seasonal-naive baseline's.
    const overview = await (await api('/', { cookie: await sessionCookie('manager@demo.test') })).text();
    for (const id of ['kpi-sales', 'kpi-units', 'kpi-forecast', 'kpi-wape', 'kpi-baseline-wape']) expect(text, id).toContain(testIdText(overview, id));
    expect(testIdText(overview, 'model-version')).toBe(productionId);
    expect(text).toContain(`Alerts (${testIdText(overview, 'kpi-alerts')} open)`);

    // The forecast figure is the production model's 30-day total, computed here independently.
    const forecast = await getSelectionForecast('demo', { horizon: 30 });
    expect(forecast?.model_version).toBe(productionId);
    const total = formatInteger(forecast!.points.reduce((s, p) => s + p.forecast, 0));
    expect(testIdText(overview, 'kpi-forecast')).toBe(total);
    expect(text).toContain('Forecast, next 30 days');
    expect(text).toContain(`Production model ${productionId}`);

    // Top products by forecast growth, and the best sellers of the last 30 days.
    const growth = await getTopProducts('demo', { time_period: 'month', limit: 5 });
    expect(growth!.products.length).toBe(5);
    expect(text).toContain('Top products by forecast growth');
    for (const p of growth!.products) expect(text).toContain(p.item);
    const loaded = await loadTable('demo');
    const { last } = dateRange(loaded!.table);
    const top = breakdown(loaded!.table, 'item', last - 29, last).slice(0, 3);
    for (const t of top) expect(text).toContain(t.value);
  });

  it('a store report covers one store with its own forecast; an unknown store is 404; viewers are refused', async () => {
    const res = await api('/api/v1/reports/store.pdf?store=1', { key: manager });
    expect(res.status).toBe(200);
    const text = pdfText(await res.arrayBuffer());
    expect(text).toContain('Store 1');
    const { getSelectionForecast } = await import('@/lib/forecast/service');
    const { formatInteger } = await import('@/lib/format');
    const store = await getSelectionForecast('demo', { store: '1', horizon: 30 });
    const whole = await getSelectionForecast('demo', { horizon: 30 });
    const sum = (f: typeof store) => f!.points.reduce((s, p) => s + p.forecast, 0);
    expect(sum(store)).toBeLessThan(sum(whole));
    expect(text).toContain(formatInteger(sum(store)));
    const unknown = await api('/api/v1/reports/store.pdf?store=999', { key: manager });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await api('/api/v1/reports/executive.pdf', { key: viewer })).status).toBe(403);
    expect((await api('/api/v1/reports/other.pdf', { key: manager })).status).toBe(404);
  });

  it('a damaged logo stored before uploads were decode-checked does not hang the reports: they answer a PDF without it', async () => {
    process.env.FORESIGHT_HOME = inject('home');
    const { storage, tenantPath } = await import('@/lib/storage');
    const { getTenantOrThrow, setTenantBranding } = await import('@/lib/tenants');
    const before = (await getTenantOrThrow('demo')).branding;
    // RGBA, one byte of its compressed data changed, checksums right: what once hung every report.
    await storage().writeBlob(tenantPath('demo', 'tenants', 'logo.bin'), corruptIdat(pngBytes(64, 32)));
    await setTenantBranding('demo', { ...before, logoType: 'image/png', logoVersion: before.logoVersion + 1 });
    try {
      for (const file of ['executive.pdf', 'store.pdf?store=1']) {
        const started = Date.now();
        const res = await api(`/api/v1/reports/${file}`, { key: manager, signal: AbortSignal.timeout(15_000) });
        expect(res.status, file).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/pdf');
        const text = pdfText(await res.arrayBuffer());
        expect(text).toContain(before.displayName);
        expect(text).toContain('Best sellers, last 30 days');
        expect(Date.now() - started, file).toBeLessThan(15_000);
      }
    } finally {
      await setTenantBranding('demo', { ...before, logoVersion: before.logoVersion + 2 });
    }
  });
});
