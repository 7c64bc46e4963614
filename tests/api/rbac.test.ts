import { describe, it, expect, beforeAll } from 'vitest';
import { api, makeKey, sessionCookie } from '../support/http';
import { can, ROLES, type Permission, type Role } from '@/lib/auth/permissions';

/** Every /api/v1 route that exists, with the permission it must enforce. */
const ROUTES: { method: string; path: string; permission: Permission; body?: unknown; ok: number }[] = [
  { method: 'GET', path: '/api/v1/me', permission: 'dashboards.read', ok: 200 },
  { method: 'GET', path: '/api/v1/users', permission: 'users.manage', ok: 200 },
  { method: 'GET', path: '/api/v1/apikeys', permission: 'apikeys.manage', ok: 200 },
  { method: 'POST', path: '/api/v1/apikeys', permission: 'apikeys.manage', body: { name: 'matrix', role: 'viewer' }, ok: 201 },
  { method: 'GET', path: '/api/v1/audit', permission: 'audit.read', ok: 200 },
];

const keys = {} as Record<Role, string>;
const cookies = {} as Record<Role, string>;

beforeAll(async () => {
  for (const role of ROLES) {
    keys[role] = await makeKey('demo', role);
    cookies[role] = await sessionCookie(`${role}@demo.test`);
  }
});

describe('role x permission matrix', () => {
  for (const route of ROUTES) {
    for (const role of ROLES) {
      const expected = can(role, route.permission) ? route.ok : 403;
      for (const via of ['apikey', 'session'] as const) {
        it(`${route.method} ${route.path} as ${role} via ${via} -> ${expected}`, async () => {
          const res = await api(route.path, {
            method: route.method,
            body: route.body ? JSON.stringify(route.body) : undefined,
            ...(via === 'apikey' ? { key: keys[role] } : { cookie: cookies[role] }),
          });
          expect(res.status).toBe(expected);
          const body = (await res.json()) as { error?: { code: string; message: string } };
          if (expected === 403) {
            expect(body.error?.code).toBe('forbidden');
            expect(body.error?.message).toContain(route.permission);
          }
        });
      }
    }
  }

  it('the matrix has the documented shape: viewers read, analysts read the audit log, only admins manage users and keys', () => {
    expect(can('viewer', 'dashboards.read')).toBe(true);
    expect(can('viewer', 'audit.read')).toBe(false);
    expect(can('analyst', 'audit.read')).toBe(true);
    expect(can('analyst', 'apikeys.manage')).toBe(false);
    expect(can('manager', 'models.promote')).toBe(true);
    expect(can('manager', 'users.manage')).toBe(false);
    expect(can('admin', 'users.manage')).toBe(true);
  });

  it('exports the audit log as CSV for analysts, and refuses viewers', async () => {
    const ok = await api('/audit/export?action=auth.signin', { cookie: cookies.analyst });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/csv');
    const csv = await ok.text();
    expect(csv.split('\r\n')[0]).toBe('at,actor_type,actor,action,target,outcome,ip,details');
    expect(csv).toContain('auth.signin');
    expect((await api('/audit/export', { cookie: cookies.viewer })).status).toBe(403);
  });

  it('refuses calls without credentials with 401 in the error shape', async () => {
    const res = await api('/api/v1/me');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('sends security headers', async () => {
    const res = await api('/api/health');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers unknown API paths with 404 JSON', async () => {
    const res = await api('/api/v1/nothing-here', { key: keys.admin });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('rejects a body that is not JSON or not valid with 400 and says where', async () => {
    let res = await api('/api/v1/apikeys', { method: 'POST', key: keys.admin, body: '{not json' });
    expect(res.status).toBe(400);
    res = await api('/api/v1/apikeys', { method: 'POST', key: keys.admin, body: JSON.stringify({ name: '', role: 'root' }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { issues: { path: string }[] } } };
    expect(body.error.details.issues.map((i) => i.path).sort()).toEqual(['name', 'role']);
  });
});
