import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant } from '@/lib/tenants';
import { auditQuerySchema, queryAudit } from '@/lib/audit';
import { authorize, lacksPermission, requirePermission, tenantOf } from '@/lib/auth/authorize';
import type { Principal } from '@/lib/auth/context';
import { isAppError } from '@/lib/errors';

// The one step every page, action and route takes; the wrappers only answer its refusals.
let home: string;
let viewer: Principal;
const admin: Principal = { kind: 'platform', userId: 'u_0000000000000001', email: 'root@platform.test', name: 'Root' };

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-authorize-'));
  process.env.FORESIGHT_HOME = home;
  const tenant = await createTenant({ id: 'shop', name: 'Shop', tier: 'pro' });
  viewer = { kind: 'user', userId: 'u_00000000000000aa', email: 'vic@shop.test', name: 'Vic', tenantId: 'shop', role: 'viewer', tenant };
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

const denied = async () => (await queryAudit('shop', auditQuerySchema.parse({ outcome: 'denied' }))).records;

describe('authorize', () => {
  it('gives a tenant user holding the permission its context, the tenant from the session', async () => {
    const r = await authorize(viewer, 'dashboards.read', { ip: '203.0.113.9', audit: true });
    expect(r).toEqual({ ok: true, ctx: { tenantId: 'shop', tenant: expect.objectContaining({ id: 'shop' }), role: 'viewer', actor: { type: 'user', id: 'u_00000000000000aa', label: 'vic@shop.test' }, ip: '203.0.113.9', userId: 'u_00000000000000aa' } });
  });

  it('refuses a role without the permission with the one 403 message, audited with role, address and target only when asked', async () => {
    const before = (await denied()).length;
    const quiet = await authorize(viewer, 'models.train', { ip: '203.0.113.9', audit: false });
    expect(quiet).toMatchObject({ ok: false, refusal: 'forbidden' });
    expect((await denied()).length).toBe(before);
    const r = await authorize(viewer, 'models.train', { ip: '203.0.113.9', target: '/api/v1/x', audit: true });
    if (r.ok) throw new Error('expected a refusal');
    expect(r.refusal).toBe('forbidden');
    expect(r.error.status).toBe(403);
    expect(r.error.message).toBe('Your role (viewer) lacks the permission "models.train".');
    expect(r.error.message).toBe(lacksPermission('viewer', 'models.train').message);
    const [last] = await denied();
    expect(last).toMatchObject({ action: 'models.train', outcome: 'denied', ip: '203.0.113.9', target: '/api/v1/x', actor: { label: 'vic@shop.test' }, details: { reason: 'role viewer' } });
  });

  it('tells a missing session from a platform admin at a tenant door from a tenant user at a platform one', async () => {
    expect(await authorize(null, 'dashboards.read', { ip: '', audit: true })).toMatchObject({ ok: false, refusal: 'signed_out', error: { code: 'unauthorized' } });
    expect(await authorize(admin, 'dashboards.read', { ip: '', audit: true })).toMatchObject({ ok: false, refusal: 'no_tenant', error: { code: 'forbidden' } });
    expect(tenantOf(admin, '')).toMatchObject({ ok: false, refusal: 'no_tenant' });
    const before = (await denied()).length;
    expect(await authorize(viewer, 'tenants.manage', { ip: '198.51.100.1', audit: true })).toMatchObject({ ok: false, refusal: 'not_platform', error: { code: 'forbidden' } });
    const after = await denied();
    expect(after.length).toBe(before + 1);
    expect(after[0]).toMatchObject({ action: 'tenants.manage', ip: '198.51.100.1', details: { reason: 'not a platform admin' } });
    expect(await authorize(admin, 'tenants.manage', { ip: '198.51.100.1', audit: true })).toEqual({ ok: true, ctx: { actor: { type: 'platform', id: admin.userId, label: 'root@platform.test' }, ip: '198.51.100.1', userId: admin.userId, email: 'root@platform.test' } });
  });
});

describe('requirePermission', () => {
  it('passes a context holding the permission and throws the audited 403 otherwise', async () => {
    const t = tenantOf(viewer, '203.0.113.9');
    if (!t.ok) throw new Error('expected a tenant');
    await expect(requirePermission(t.ctx, 'alerts.read')).resolves.toBeUndefined();
    const before = (await denied()).length;
    const e = await requirePermission(t.ctx, 'reports.download', { target: 'executive.pdf' }).catch((x: unknown) => x);
    expect(isAppError(e) && e.code === 'forbidden' && e.message).toBe('Your role (viewer) lacks the permission "reports.download".');
    expect((await denied()).length).toBe(before + 1);
  });
});
