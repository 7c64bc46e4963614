import { describe, it, expect, beforeAll } from 'vitest';
import { inject } from 'vitest';
import { api, signIn } from '../support/http';

beforeAll(async () => {
  process.env.FORESIGHT_HOME = inject('home');
  const { createUser } = await import('@/lib/users');
  await createUser('other', { email: 'locky@other.test', name: 'Locky', role: 'viewer', password: 'Right-pass-2026' });
  await createUser('other', { email: 'quitter@other.test', name: 'Quitter', role: 'viewer', password: 'Right-pass-2026' });
});

describe('sign-in', () => {
  it('each demo user signs in and gets their role', async () => {
    for (const role of ['admin', 'manager', 'analyst', 'viewer']) {
      const r = await signIn(`${role}@demo.test`);
      expect(r.ok, r.error).toBe(true);
      const me = (await (await api('/api/v1/me', { cookie: r.cookie })).json()) as { role: string; tenant: { id: string } };
      expect(me).toMatchObject({ role, tenant: { id: 'demo' } });
    }
  });

  it('a wrong password is refused without saying whether the email exists', async () => {
    const wrong = await signIn('viewer@demo.test', 'nope-nope-nope');
    const unknown = await signIn('nobody@demo.test', 'nope-nope-nope');
    expect(wrong.ok).toBe(false);
    expect(unknown.ok).toBe(false);
    expect(wrong.error).toBe(unknown.error);
  });

  it('locks the account after 5 failures: the 6th attempt is refused even with the right password, answered as a wrong password', async () => {
    const wrong = await signIn('nobody@other.test', 'wrong-x');
    expect(wrong.error).toMatch(/Wrong email or password/);
    for (let i = 0; i < 5; i++) {
      const r = await signIn('locky@other.test', `wrong-${i}`);
      expect(r.ok).toBe(false);
      expect(r.error).toBe(wrong.error);
    }
    const sixth = await signIn('locky@other.test', 'Right-pass-2026');
    expect(sixth.ok).toBe(false);
    // Nothing tells an attacker that the account exists and is locked; the audit does say it.
    expect(sixth.error).toBe(wrong.error);
    const { queryAudit } = await import('@/lib/audit');
    const { records } = await queryAudit('other', { action: 'auth.signin', page: 1, pageSize: 500 });
    expect(records.some((r) => r.actor.label === 'locky@other.test' && r.details.reason === 'locked')).toBe(true);
  });

  it('a password that differs only after its 72nd byte does not sign in', async () => {
    const { createUser } = await import('@/lib/users');
    const long = 'tram lantern oyster velvet quarry marble hinge saffron tundra pebble orchid walnut';
    await createUser('other', { email: 'longpass@other.test', name: 'Long', role: 'viewer', password: long });
    expect((await signIn('longpass@other.test', `${long.slice(0, 72)}XXXXXXXXXX`)).ok).toBe(false);
    expect((await signIn('longpass@other.test', long)).ok).toBe(true);
  });

  it('a session cookie lives for the idle period and is re-issued on activity', async () => {
    const r = await signIn('analyst@demo.test');
    expect(r.ok).toBe(true);
    const res = await api('/api/v1/me', { cookie: r.cookie });
    expect(res.status).toBe(200);
  });

  it('a deactivated user loses access at once, session included', async () => {
    const r = await signIn('quitter@other.test', 'Right-pass-2026');
    expect(r.ok).toBe(true);
    expect((await api('/api/v1/me', { cookie: r.cookie })).status).toBe(200);
    const { listUsers, updateUser } = await import('@/lib/users');
    const user = (await listUsers('other')).find((u) => u.email === 'quitter@other.test');
    await updateUser('other', user!.id, (u) => ({ ...u, active: false }));
    expect((await api('/api/v1/me', { cookie: r.cookie })).status).toBe(401);
    const again = await signIn('quitter@other.test', 'Right-pass-2026');
    expect(again.error).toMatch(/deactivated/);
  });

  it('records sign-ins, successes and failures, in the audit log', async () => {
    const { queryAudit } = await import('@/lib/audit');
    const { records } = await queryAudit('other', { action: 'auth.signin', page: 1, pageSize: 500 });
    expect(records.some((r) => r.outcome === 'failure' && r.actor.label === 'locky@other.test')).toBe(true);
    expect(records.some((r) => r.outcome === 'success' && r.actor.label === 'quitter@other.test')).toBe(true);
    expect(JSON.stringify(records)).not.toContain('Right-pass-2026');
  });
});
