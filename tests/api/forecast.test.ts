import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { api, makeKey, sessionCookie } from '../support/http';

/**
 * The forecast API against the running app, on a small tenant trained here (two ridge versions:
 * v1 in production, v2 in staging), so the promotion test disturbs no other test.
 */
const TENANT = 'fcast';
let viewerKey: string;
let managerKey: string;
let otherKey: string;
let store: string;
let item: string;
let pair: { store: string; item: string };
let lastDay: string;

interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

async function expectError(res: Response, status: number, code: string): Promise<ErrorBody['error']> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.details).toBeTypeOf('object');
  return body.error;
}

beforeAll(async () => {
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { createUser } = await import('@/lib/users');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  const { getTenantOrThrow } = await import('@/lib/tenants');
  const { ingestDataset } = await import('@/lib/datasets/ingest');
  const { loadTable } = await import('@/lib/datasets/store');
  const { generateRetailDemo, RETAIL_FILES } = await import('@/ml/data/generator');
  const { trainAndRegister } = await import('@/lib/training/register');
  const { seriesKeyValues, dateRange } = await import('@/ml/data/table');
  const { formatDay } = await import('@/ml/data/dates');
  await createTenantWithAdmin({ id: TENANT, name: 'Forecast Co', tier: 'enterprise', adminEmail: `admin@${TENANT}.test`, adminName: 'A', adminPassword: inject('password') }, SYSTEM_ACTOR);
  await createUser(TENANT, { email: `viewer@${TENANT}.test`, name: 'V', role: 'viewer', password: inject('password') });
  const demo = generateRetailDemo({ seed: 11, scale: 0.08, days: 420 });
  await ingestDataset(await getTenantOrThrow(TENANT), { format: 'retail', files: RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] })) }, SYSTEM_ACTOR);
  await trainAndRegister(TENANT, { algorithms: ['ridge'], seed: 1 }, SYSTEM_ACTOR);
  await trainAndRegister(TENANT, { algorithms: ['ridge'], seed: 2, holdoutDays: 21 }, SYSTEM_ACTOR);
  const loaded = await loadTable(TENANT);
  if (!loaded) throw new Error('no table');
  const t = loaded.table;
  const last = dateRange(t).last;
  lastDay = formatDay(last);
  // A series that exists at the origin with a long history.
  const s = Array.from({ length: t.seriesStart.length - 1 }, (_, i) => i).find((i) => t.day[t.seriesStart[i + 1] - 1] === last && t.day[t.seriesStart[i]] < last - 60);
  if (s === undefined) throw new Error('no long series');
  const keys = seriesKeyValues(t, s);
  pair = { store: keys.store, item: keys.item };
  store = pair.store;
  item = pair.item;
  viewerKey = await makeKey(TENANT, 'viewer');
  managerKey = await makeKey(TENANT, 'manager');
  otherKey = await makeKey('other', 'admin');
}, 300_000);

describe('GET /api/v1/forecast', () => {
  it('answers a viewer with the forecast, its intervals, generated_at and model_version', async () => {
    const res = await api(`/api/v1/forecast?store=${store}&horizon=14`, { key: viewerKey });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { generated_at: string; model_version: string; horizon: number; points: { date: string; forecast: number; p80: number[]; p95: number[] }[]; selection: { store: string; series: number } };
    expect(body.model_version).toBe('v1');
    expect(Number.isNaN(Date.parse(body.generated_at))).toBe(false);
    expect(body.horizon).toBe(14);
    expect(body.points).toHaveLength(14);
    expect(body.points[0].date > lastDay).toBe(true);
    expect(body.selection.series).toBeGreaterThan(1);
    for (const p of body.points) expect(p.p95[0] <= p.p80[0] && p.p80[0] <= p.forecast && p.forecast <= p.p80[1] && p.p80[1] <= p.p95[1]).toBe(true);
    // A viewer signed in reads it too (dashboards.read).
    const bySession = await api(`/api/v1/forecast?store=${store}&horizon=14`, { cookie: await sessionCookie(`viewer@${TENANT}.test`) });
    expect(bySession.status).toBe(200);
    expect(((await bySession.json()) as { points: unknown[] }).points).toEqual(body.points);
  });

  it('refuses a bad horizon (400 naming the field) and an unknown store or item (404)', async () => {
    for (const h of ['0', '91', 'abc', '2.5']) {
      const e = await expectError(await api(`/api/v1/forecast?horizon=${h}`, { key: viewerKey }), 400, 'bad_request');
      expect((e.details.issues as { path: string }[]).map((i) => i.path)).toContain('horizon');
    }
    const e = await expectError(await api('/api/v1/forecast?store=no-such-store', { key: viewerKey }), 404, 'not_found');
    expect(e.details).toMatchObject({ field: 'store', value: 'no-such-store' });
    expect(e.message).toContain('no-such-store');
    expect((await expectError(await api('/api/v1/forecast?item=nope', { key: viewerKey }), 404, 'not_found')).details).toMatchObject({ field: 'item' });
  });

  it("an API key of another tenant reads its own tenant, never this one's forecast", async () => {
    // 'other' has no data and no model: its key gets 409, whatever store it names.
    const e = await expectError(await api(`/api/v1/forecast?store=${store}`, { key: otherKey }), 409, 'conflict');
    expect(e.message).toMatch(/No model is in production/);
    await expectError(await api('/api/v1/forecast/top-products', { key: otherKey }), 409, 'conflict');
    await expectError(await api('/api/v1/predict', { key: otherKey, method: 'POST', body: JSON.stringify({ ...pair, date: lastDay }) }), 409, 'conflict');
    // Without credentials: 401.
    await expectError(await api('/api/v1/forecast'), 401, 'unauthorized');
  });

  it('a promotion changes model_version in the next response (by the API, and by another process)', async () => {
    const before = (await (await api('/api/v1/forecast?horizon=30', { key: viewerKey })).json()) as { model_version: string; points: { forecast: number }[] };
    expect(before.model_version).toBe('v1');
    const promoted = await api('/api/v1/models/v2/promote', { key: managerKey, method: 'POST' });
    expect(promoted.status).toBe(200);
    const after = (await (await api('/api/v1/forecast?horizon=30', { key: viewerKey })).json()) as { model_version: string; points: { forecast: number }[] };
    expect(after.model_version).toBe('v2');
    expect(after.points).not.toEqual(before.points);
    const top = (await (await api('/api/v1/forecast/top-products?time_period=week&limit=3', { key: viewerKey })).json()) as { model_version: string };
    expect(top.model_version).toBe('v2');
    // Rolled back by another process (the CLI's code path): the server reads the registry on each request.
    const { rollbackProduction } = await import('@/lib/registry/store');
    const { SYSTEM_ACTOR } = await import('@/lib/audit');
    await rollbackProduction(TENANT, SYSTEM_ACTOR);
    const back = (await (await api('/api/v1/forecast?horizon=30', { key: viewerKey })).json()) as { model_version: string; points: { forecast: number }[] };
    expect(back.model_version).toBe('v1');
    expect(back.points).toEqual(before.points);
  });
});

describe('GET /api/v1/forecast/top-products', () => {
  it('ranks items by forecast growth, validated', async () => {
    const res = await api('/api/v1/forecast/top-products?time_period=month&limit=5', { key: viewerKey });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { generated_at: string; model_version: string; time_period: string; products: { item: string; forecast: number; previous: number; growth: number | null }[] };
    expect(body.model_version).toMatch(/^v\d+$/);
    expect(body.time_period).toBe('month');
    expect(body.products).toHaveLength(5);
    for (const p of body.products) if (p.growth !== null) expect(p.growth).toBeCloseTo(p.forecast / p.previous - 1, 9);
    const e = await expectError(await api('/api/v1/forecast/top-products?time_period=year', { key: viewerKey }), 400, 'bad_request');
    expect((e.details.issues as { path: string }[])[0].path).toBe('time_period');
    await expectError(await api('/api/v1/forecast/top-products?category=nope', { key: viewerKey }), 404, 'not_found');
  });
});

describe('POST /api/v1/predict and /predict/batch', () => {
  it('predicts one row with p80 / p95 and a what-if override', async () => {
    const res = await api('/api/v1/predict', { key: viewerKey, method: 'POST', body: JSON.stringify({ ...pair, date: lastDay }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { generated_at: string; model_version: string; prediction: { series: string; horizon: number; prediction: number; p80: number[]; p95: number[] } };
    expect(body.model_version).toMatch(/^v\d+$/);
    expect(body.prediction.horizon).toBe(0);
    expect(body.prediction.p95[0]).toBeLessThanOrEqual(body.prediction.prediction);
    expect(body.prediction.p95[1]).toBeGreaterThanOrEqual(body.prediction.p80[1]);
    const e = await expectError(await api('/api/v1/predict', { key: viewerKey, method: 'POST', body: JSON.stringify({ ...pair, date: lastDay, features: { no_such_feature: 1 } }) }), 400, 'bad_request');
    expect(e.details).toMatchObject({ row: 0, field: 'features.no_such_feature' });
    await expectError(await api('/api/v1/predict', { key: viewerKey, method: 'POST', body: JSON.stringify({ ...pair, date: '24-01-01' }) }), 400, 'bad_request');
    await expectError(await api('/api/v1/predict', { key: viewerKey, method: 'POST', body: JSON.stringify({ store: 'nope', item, date: lastDay }) }), 400, 'bad_request');
  });

  it('predicts a batch in row order; 100,001 rows or an oversized body is a 413', async () => {
    const { formatDay, parseIsoDay } = await import('@/ml/data/dates');
    const origin = parseIsoDay(lastDay);
    const rows = Array.from({ length: 2000 }, (_, i) => ({ ...pair, date: formatDay(origin - 10 + (i % 30)) }));
    const res = await api('/api/v1/predict/batch', { key: viewerKey, method: 'POST', body: JSON.stringify({ rows }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model_version: string; count: number; predictions: { date: string; horizon: number }[] };
    expect(body.count).toBe(2000);
    expect(body.predictions.map((p) => p.date)).toEqual(rows.map((r) => r.date));

    const tooMany = Array.from({ length: 100_001 }, () => ({ store, item, date: lastDay }));
    const e = await expectError(await api('/api/v1/predict/batch', { key: viewerKey, method: 'POST', body: JSON.stringify({ rows: tooMany }) }), 413, 'payload_too_large');
    expect(e.details).toMatchObject({ limit: 100_000, rows: 100_001 });
    const huge = JSON.stringify({ rows: [{ store, item, date: lastDay, pad: 'x'.repeat(11 * 1024 * 1024) }] });
    await expectError(await api('/api/v1/predict/batch', { key: viewerKey, method: 'POST', body: huge }), 413, 'payload_too_large');
    const bad = await expectError(await api('/api/v1/predict/batch', { key: viewerKey, method: 'POST', body: JSON.stringify({ rows: [{ store, item, date: lastDay }, { store, date: 'x' }] }) }), 400, 'bad_request');
    expect((bad.details.issues as { path: string }[])[0].path).toBe('rows.1.date');
  });
});
