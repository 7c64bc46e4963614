import { describe, it, expect, beforeAll, inject } from 'vitest';
import { api, makeKey, sessionCookie } from '../support/http';
import { can, ROLES, type Permission, type Role } from '@/lib/auth/permissions';

/**
 * Every /api/v1 route that exists, with the permission it must enforce and the status a permitted
 * caller gets. Routes that change state are called on ids that do not exist (404) or with an empty
 * form (400): a permitted role gets past the permission check to that answer, a refused one gets 403
 * before anything is looked up, and the matrix changes nothing in the demo tenant.
 */
const ROUTES: { method: string; path: string; permission: Permission; body?: unknown; ok: number }[] = [
  { method: 'GET', path: '/api/v1/me', permission: 'dashboards.read', ok: 200 },
  { method: 'GET', path: '/api/v1/users', permission: 'users.manage', ok: 200 },
  { method: 'GET', path: '/api/v1/apikeys', permission: 'apikeys.manage', ok: 200 },
  { method: 'POST', path: '/api/v1/apikeys', permission: 'apikeys.manage', body: { name: 'matrix', role: 'viewer' }, ok: 201 },
  { method: 'DELETE', path: '/api/v1/apikeys/k_000000000000', permission: 'apikeys.manage', ok: 404 },
  { method: 'GET', path: '/api/v1/audit', permission: 'audit.read', ok: 200 },
  { method: 'GET', path: '/api/v1/datasets', permission: 'data.read', ok: 200 },
  { method: 'POST', path: '/api/v1/datasets', permission: 'data.import', ok: 400 },
  { method: 'POST', path: '/api/v1/datasets/preview', permission: 'data.import', ok: 400 },
  { method: 'GET', path: '/api/v1/jobs', permission: 'dashboards.read', ok: 200 },
  { method: 'GET', path: '/api/v1/jobs/j_0000000000000000', permission: 'dashboards.read', ok: 404 },
  { method: 'POST', path: '/api/v1/jobs/j_0000000000000000/cancel', permission: 'dashboards.read', ok: 404 },
  { method: 'GET', path: '/api/v1/models', permission: 'models.read', ok: 200 },
  { method: 'POST', path: '/api/v1/models/v999999/promote', permission: 'models.promote', ok: 404 },
  { method: 'GET', path: '/api/v1/alerts', permission: 'alerts.read', ok: 200 },
  { method: 'POST', path: '/api/v1/alerts/a_000000000000/ack', permission: 'alerts.acknowledge', ok: 404 },
  { method: 'GET', path: '/api/v1/reports/no-such-report.pdf', permission: 'reports.download', ok: 404 },
];

/** Session-only routes (CSV downloads) and every permission each needs. */
const SESSION_ROUTES: { path: string; permissions: Permission[] }[] = [
  { path: '/audit/export', permissions: ['audit.read', 'exports.download'] },
  { path: '/experiments/export', permissions: ['models.read', 'exports.download'] },
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

  for (const route of SESSION_ROUTES) {
    for (const role of ROLES) {
      const allowed = route.permissions.every((p) => can(role, p));
      it(`GET ${route.path} as ${role} via session -> ${allowed ? 200 : 403}`, async () => {
        const res = await api(route.path, { cookie: cookies[role] });
        expect(res.status).toBe(allowed ? 200 : 403);
        if (allowed) expect(res.headers.get('content-type')).toContain('text/csv');
        await res.arrayBuffer();
      });
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
    // Issue 13 item 10: the time as a spreadsheet reads it, and each detail in a column of its own.
    expect(csv.split('\r\n')[0]).toMatch(/^at_utc,actor_type,actor,action,target,outcome,ip(,|$)/);
    expect(csv.split('\r\n')[0].split(',')).not.toContain('details');
    expect(csv).toContain('auth.signin');
    expect((await api('/audit/export', { cookie: cookies.viewer })).status).toBe(403);
  });

  it('escapes spreadsheet formulas in the exported CSV, whoever wrote them', async () => {
    process.env.FORESIGHT_HOME = inject('home');
    const { recordAudit } = await import('@/lib/audit');
    // A sign-in attempt records the typed email as the actor: attacker-controlled text.
    await recordAudit('demo', { actor: { type: 'anonymous', id: 'x', label: '=HYPERLINK("http://evil.example","x")' }, action: 'csvcheck', outcome: 'failure', target: '@SUM(A1:A9)', ip: '+1+1' });
    const csv = await (await api('/audit/export?action=csvcheck', { cookie: cookies.analyst })).text();
    const line = csv.split('\r\n').find((l) => l.includes('csvcheck')) ?? '';
    expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(line).toContain(`,'@SUM(A1:A9),`);
    expect(line).toContain(`,'+1+1,`);
    expect(line).not.toMatch(/(^|,)[=@]/);
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
    // Pages, API answers (errors included) and the sign-in page carry them too.
    for (const [path, init] of [['/signin', {}], ['/api/v1/me', { key: keys.viewer }], ['/api/v1/users', { key: keys.viewer }], ['/', { cookie: cookies.viewer }]] as const) {
      const r = await api(path, init);
      await r.arrayBuffer();
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      const csp = r.headers.get('content-security-policy') ?? '';
      // Pages: their own origin and nonce'd scripts only; anything else (API answers): nothing at all.
      const directives = path.startsWith('/api/') ? ["default-src 'none'", "frame-ancestors 'none'"] : ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"];
      for (const directive of directives) expect(csp, path).toContain(directive);
      expect(r.headers.get('x-powered-by'), path).toBeNull();
    }
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
