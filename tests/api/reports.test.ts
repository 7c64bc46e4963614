import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { inject } from 'vitest';
import { api, makeKey, sessionCookie } from '../support/http';

let manager: string;
let viewer: string;
beforeAll(async () => {
  manager = await makeKey('demo', 'manager');
  viewer = await makeKey('demo', 'viewer');
});

function pdfText(bytes: ArrayBuffer): string {
  const r = spawnSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(bytes) });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout.toString('utf8');
}

describe('PDF reports', () => {
  it('the executive summary holds the tenant name, the KPI figures of the Overview and the top products', async () => {
    const res = await api('/api/v1/reports/executive.pdf', { key: manager });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(await res.arrayBuffer());

    process.env.FORESIGHT_HOME = inject('home');
    const { getTenantOrThrow } = await import('@/lib/tenants');
    const { loadTable } = await import('@/lib/datasets/store');
    const { breakdown } = await import('@/ml/data/analytics');
    const { dateRange } = await import('@/ml/data/table');
    expect(text).toContain((await getTenantOrThrow('demo')).branding.displayName);

    // The KPI figures exactly as the Overview page shows them.
    const overview = await (await api('/', { cookie: await sessionCookie('manager@demo.test') })).text();
    for (const id of ['kpi-sales', 'kpi-units']) {
      const m = new RegExp(`data-testid="${id}"[^>]*>([^<]+)<`).exec(overview);
      expect(m, id).not.toBeNull();
      expect(text).toContain(m![1]);
    }

    // The best-selling items of the last 30 days, computed independently.
    const loaded = await loadTable('demo');
    const { last } = dateRange(loaded!.table);
    const top = breakdown(loaded!.table, 'item', last - 29, last).slice(0, 3);
    for (const t of top) expect(text).toContain(t.value);
  });

  it('a store report covers one store; an unknown store is 404; viewers are refused', async () => {
    const res = await api('/api/v1/reports/store.pdf?store=1', { key: manager });
    expect(res.status).toBe(200);
    expect(pdfText(await res.arrayBuffer())).toContain('Store 1');
    const unknown = await api('/api/v1/reports/store.pdf?store=999', { key: manager });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await api('/api/v1/reports/executive.pdf', { key: viewer })).status).toBe(403);
    expect((await api('/api/v1/reports/other.pdf', { key: manager })).status).toBe(404);
  });
});
