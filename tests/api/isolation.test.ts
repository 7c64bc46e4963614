import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { inject } from 'vitest';
import { api, baseURL, makeKey, sessionCookie, signIn } from '../support/http';

let demoAdminKey: string;
let otherAdminKey: string;
let otherKeyId: string;
let demoCookie: string;

beforeAll(async () => {
  demoAdminKey = await makeKey('demo', 'admin');
  otherAdminKey = await makeKey('other', 'admin');
  otherKeyId = otherAdminKey.split('.')[2];
  demoCookie = await sessionCookie('admin@demo.test');
});

async function expectNoLeak(res: Response, ...secrets: string[]) {
  const text = await res.text();
  for (const s of secrets) expect(text).not.toContain(s);
  expect(text).not.toContain('passwordHash');
  expect(text).not.toContain('admin@other.test');
}

describe('tenant isolation', () => {
  it('an API key only ever sees its own tenant', async () => {
    const res = await api('/api/v1/users', { key: demoAdminKey });
    expect(res.status).toBe(200);
    const { users } = (await res.json()) as { users: { email: string }[] };
    expect(users.every((u) => u.email.endsWith('@demo.test'))).toBe(true);
  });

  it("tenant A's key cannot revoke tenant B's key by id, and B's key keeps working", async () => {
    const res = await api(`/api/v1/apikeys/${otherKeyId}`, { method: 'DELETE', key: demoAdminKey });
    expect(res.status).toBe(404);
    await expectNoLeak(res, otherKeyId.slice(2));
    expect((await api('/api/v1/me', { key: otherAdminKey })).status).toBe(200);
  });

  it("an id of B's object guessed from A's session is not found", async () => {
    const res = await api(`/api/v1/apikeys/${otherKeyId}`, { method: 'DELETE', cookie: demoCookie });
    expect(res.status).toBe(404);
    await expectNoLeak(res);
  });

  it("ids of B's job, model version and alert, guessed from A's key or session, are not found, and B's objects are untouched", async () => {
    process.env.FORESIGHT_HOME = inject('home');
    const { createJob, getJobOrThrow, updateJob } = await import('@/lib/jobs/store');
    const { raiseAlert, listAlerts } = await import('@/lib/alerts');
    const { registerVersion, listVersions } = await import('@/lib/registry/store');
    const { SYSTEM_ACTOR } = await import('@/lib/audit');
    // A finished job, so that it does not hold B's one-import-at-a-time slot for the other tests.
    const created = await createJob('other', 'ingest', { secret: 'other-job-params' }, SYSTEM_ACTOR);
    const job = await updateJob('other', created.id, (j) => ({ ...j, status: 'succeeded', finishedAt: new Date().toISOString() }));
    const alert = await raiseAlert('other', { kind: 'drift', severity: 'warning', title: 'Other tenant drift', message: 'other-alert-message', details: {} });
    // A version id B holds and A does not (ids count per tenant, so A may hold v1 of its own).
    const demoIds = new Set((await listVersions('demo')).map((v) => v.id));
    let version = '';
    while (!version || demoIds.has(version)) {
      const v = await registerVersion(
        'other',
        { algorithm: 'ridge', params: {}, metrics: { wape: 0.5 }, baselineMetrics: {}, segmentMetrics: {}, featureSchema: ['lag_7'], datasetFingerprint: 'other-fp', trainingWindow: { from: '2023-01-01', to: '2023-06-30' }, author: 'isolation test', stage: 'staging', experimentId: null },
        { isolation: true },
        SYSTEM_ACTOR,
      );
      version = v.id;
    }
    const secrets = [job.id, 'other-job-params', alert.id, 'other-alert-message', 'Other tenant drift', 'other-fp'];
    for (const auth of [{ key: demoAdminKey }, { cookie: demoCookie }]) {
      for (const [method, url] of [
        ['GET', `/api/v1/jobs/${job.id}`],
        ['POST', `/api/v1/jobs/${job.id}/cancel`],
        ['POST', `/api/v1/models/${version}/promote`],
        ['POST', `/api/v1/alerts/${alert.id}/ack`],
      ] as const) {
        const res = await api(url, { method, ...auth });
        expect(res.status, `${method} ${url}`).toBe(404);
        await expectNoLeak(res, ...secrets);
      }
      // Lists show only A's own objects.
      for (const url of ['/api/v1/jobs', '/api/v1/alerts', '/api/v1/models']) {
        const res = await api(url, auth);
        expect(res.status, url).toBe(200);
        await expectNoLeak(res, ...secrets);
      }
    }
    expect((await getJobOrThrow({ tenantId: 'other', jobId: job.id })).cancelRequested).toBe(false);
    expect((await listAlerts('other')).find((a) => a.id === alert.id)?.acknowledged).toBeNull();
    expect((await listVersions('other')).find((v) => v.id === version)?.stage).toBe('staging');
  });

  it("a key whose tenant part is rewritten to B is refused", async () => {
    const parts = demoAdminKey.split('.');
    const forged = ['fsk', 'other', parts[2], parts[3]].join('.');
    const res = await api('/api/v1/users', { key: forged });
    expect(res.status).toBe(401);
    await expectNoLeak(res);
  });

  it('path tricks (../, encoded, absolute) fail with 4xx and leak nothing', async () => {
    const tricks = [
      '/api/v1/apikeys/..%2F..%2Fplatform%2Fadmins.json',
      '/api/v1/apikeys/%2e%2e%2f%2e%2e%2ftenants%2fother%2fapikeys.json',
      '/api/v1/apikeys/%2Fetc%2Fpasswd',
      '/api/v1/apikeys/....//....//etc/passwd',
      '/api/v1/apikeys/k_..%2f..%2fother',
      '/api/v1/jobs/..%2F..%2Fother%2Fjobs',
      '/api/v1/jobs/%2Ftmp%2Fx/cancel',
      '/api/v1/models/..%2F..%2F..%2Fmodels%2Fother/promote',
      '/api/v1/alerts/%2e%2e%2f%2e%2e%2fother%2falerts.jsonl/ack',
      '/api/v1/reports/..%2F..%2F..%2Fplatform%2Ftenants.json',
      '/api/v1/reports/%2Fetc%2Fpasswd',
      '/api/branding/logo/..%2F..%2Fother',
    ];
    for (const t of tricks) {
      const method = t.startsWith('/api/v1/apikeys/') ? 'DELETE' : t.endsWith('/cancel') || t.endsWith('/promote') || t.endsWith('/ack') ? 'POST' : 'GET';
      const res = await api(t, { method, key: demoAdminKey, cookie: demoCookie });
      // 308 is Next.js collapsing '//' into a same-origin redirect; everything else must be refused.
      expect([308, 400, 403, 404], t).toContain(res.status);
      if (res.status === 308) expect(new URL(res.headers.get('location') ?? '', baseURL()).origin).toBe(new URL(baseURL()).origin);
      await expectNoLeak(res, 'root:x:0:0', otherKeyId, '"tenants"', 'Tenant other');
    }
    // A raw request line, which fetch would normalise, straight over a socket.
    const url = new URL(baseURL());
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(Number(url.port), url.hostname, () => {
        sock.write(`GET /api/v1/../../../../etc/passwd HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${demoAdminKey}\r\nConnection: close\r\n\r\n`);
      });
      let data = '';
      sock.on('data', (d) => (data += d.toString()));
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
    });
    expect(raw).not.toContain('root:x:0:0');
  });

  it('the logo route serves only the signed-in tenant, whatever the query says', async () => {
    const res = await api('/api/branding/logo?tenant=other&tenantId=other', { cookie: demoCookie });
    expect([200, 404]).toContain(res.status);
    await expectNoLeak(res);
  });

  it('a suspended tenant: its users cannot sign in and its keys stop working; reactivation restores both', async () => {
    const key = await makeKey('tosuspend', 'viewer');
    expect((await api('/api/v1/me', { key })).status).toBe(200);
    process.env.FORESIGHT_HOME = inject('home');
    const { setTenantStatus } = await import('@/lib/tenants');
    await setTenantStatus('tosuspend', 'suspended');
    const res = await api('/api/v1/me', { key });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/suspended/);
    const attempt = await signIn('admin@tosuspend.test');
    expect(attempt.ok).toBe(false);
    expect(attempt.error).toMatch(/suspended/);
    await setTenantStatus('tosuspend', 'active');
    expect((await api('/api/v1/me', { key })).status).toBe(200);
  });

  it('a starter tenant has no API access even with a valid key', async () => {
    const key = await makeKey('starterco', 'admin');
    const res = await api('/api/v1/me', { key });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/plan/);
  });

  it('deleting a tenant removes all of its files and its keys stop working', async () => {
    process.env.FORESIGHT_HOME = inject('home');
    const { createTenantWithAdmin } = await import('@/lib/provisioning');
    const { deleteTenant } = await import('@/lib/tenants');
    const { SYSTEM_ACTOR } = await import('@/lib/audit');
    await createTenantWithAdmin({ id: 'doomed', name: 'Doomed', tier: 'enterprise', adminEmail: 'admin@doomed.test', adminName: 'D', adminPassword: 'tundra pebble orchid' }, SYSTEM_ACTOR);
    const key = await makeKey('doomed', 'admin');
    expect((await api('/api/v1/me', { key })).status).toBe(200);
    await deleteTenant('doomed');
    expect((await api('/api/v1/me', { key })).status).toBe(401);
    for (const area of ['data', 'models', 'tenants']) expect(fs.existsSync(path.join(inject('home'), area, 'doomed'))).toBe(false);
  });
});
