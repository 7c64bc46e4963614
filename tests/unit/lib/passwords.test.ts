import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import type { RequestInternal } from 'next-auth';
import { createTenant, setTenantStatus } from '@/lib/tenants';
import { createPlatformAdmin, createUser, listUsers, updateUser, verifySignIn } from '@/lib/users';
import { createTenantWithAdmin } from '@/lib/provisioning';
import { SYSTEM_ACTOR, queryAudit } from '@/lib/audit';
import { authOptions, SIGNIN_ERRORS } from '@/lib/auth/options';
import { decodeOrganisationChoice } from '@/lib/auth/signin-choice';
import { seedDemo } from '@/lib/demo';
import { PASSWORD_MESSAGES } from '@/lib/auth/password-policy';

/** Issue 11 item 5: how passwords are stored and checked, lockout answers, and one email in several organisations. */
const GOOD = 'Tram-Lantern-Oyster-91';
const OTHER_GOOD = 'velvet quarry orchid hinge';

beforeEach(async () => {
  process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-passwords-'));
  process.env.BCRYPT_ROUNDS = '4';
  process.env.NEXTAUTH_SECRET = 'unit-test-secret-unit-test-secret-0123456789';
  await createTenant({ id: 'acme', name: 'Acme Stores', tier: 'enterprise' });
  await createTenant({ id: 'globex', name: 'Globex', tier: 'enterprise' });
});
afterEach(() => vi.restoreAllMocks());

/** The sign-in form's request, through next-auth's credentials provider as the app configures it. */
async function signInForm(email: string, password: string, organisation = ''): Promise<{ ok: true; tenantId: string | null } | { ok: false; error: string }> {
  const provider = authOptions().providers[0] as unknown as {
    options: { authorize: (credentials: Record<string, string>, req: Pick<RequestInternal, 'headers'>) => Promise<{ tenantId: string | null } | null> };
  };
  try {
    const user = await provider.options.authorize({ email, password, organisation }, { headers: { 'x-real-ip': '203.0.113.9' } });
    return user ? { ok: true, tenantId: user.tenantId } : { ok: false, error: 'null' };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

const storedHash = async (tenantId: string, email: string) => (await listUsers(tenantId)).find((u) => u.email === email)?.passwordHash ?? '';

describe('password storage', () => {
  it('counts every byte: two passwords differing only after byte 72 are different passwords', async () => {
    // 80 bytes of passphrase with 2-byte letters in it; bcrypt alone reads only the first 72.
    const first = 'Straße über Flüsse, Tram-Lantern-Oyster-91, velvet quarry orchid hinge: Ölfaß A';
    const second = `${first.slice(0, -1)}B`;
    expect(Buffer.byteLength(first)).toBeGreaterThan(72);
    expect(Buffer.from(first).subarray(0, 72).equals(Buffer.from(second).subarray(0, 72))).toBe(true);
    await createUser('acme', { email: 'long@acme.test', name: 'Long', role: 'viewer', password: first });
    expect((await verifySignIn('long@acme.test', second)).ok).toBe(false);
    expect((await verifySignIn('long@acme.test', first)).ok).toBe(true);
    expect(await storedHash('acme', 'long@acme.test')).toMatch(/^hmac-sha256:\$2[ab]\$04\$/);
  });

  it('keeps an old plain-bcrypt hash working once and migrates it to the current scheme on that sign-in', async () => {
    const user = await createUser('acme', { email: 'old@acme.test', name: 'Old', role: 'viewer', password: GOOD });
    const legacy = bcrypt.hashSync(GOOD, 4);
    await updateUser('acme', user.id, (u) => ({ ...u, passwordHash: legacy }));
    expect((await verifySignIn('old@acme.test', 'Tram-Lantern-Oyster-92')).ok).toBe(false);
    expect(await storedHash('acme', 'old@acme.test')).toBe(legacy);
    expect((await verifySignIn('old@acme.test', GOOD)).ok).toBe(true);
    const migrated = await storedHash('acme', 'old@acme.test');
    expect(migrated).toMatch(/^hmac-sha256:\$2[ab]\$/);
    expect(migrated).not.toContain(legacy);
    expect((await verifySignIn('old@acme.test', GOOD)).ok).toBe(true);
    expect((await verifySignIn('old@acme.test', 'Tram-Lantern-Oyster-92')).ok).toBe(false);
  });

  it('checks the policy on every path that sets a password, with the email and organisation it is for', async () => {
    await expect(createUser('acme', { email: 'ada@acme.test', name: 'Ada', role: 'viewer', password: 'Password2026' })).rejects.toMatchObject({
      code: 'bad_request',
      message: PASSWORD_MESSAGES.common_variant,
      details: { field: 'password' },
    });
    await expect(createUser('acme', { email: 'ada@acme.test', name: 'Ada', role: 'viewer', password: 'AcmeStores2026' })).rejects.toMatchObject({ message: PASSWORD_MESSAGES.organisation });
    await expect(createPlatformAdmin({ email: 'root@foresight.test', name: 'Root', password: 'Foresight2026' })).rejects.toMatchObject({ message: PASSWORD_MESSAGES.product });
    await expect(
      createTenantWithAdmin({ id: 'initech', name: 'Initech', tier: 'starter', adminEmail: 'bill@initech.test', adminName: 'Bill', adminPassword: 'initech-2026!' }, SYSTEM_ACTOR),
    ).rejects.toMatchObject({ message: PASSWORD_MESSAGES.organisation, details: { field: 'adminPassword' } });
    await expect(fs.access(path.join(process.env.FORESIGHT_HOME!, 'tenants', 'initech'))).rejects.toThrow();
    await expect(seedDemo('password1234', null, { train: false })).rejects.toThrow(/^DEMO_PASSWORD is refused: .*common password/);
    expect(await listUsers('acme')).toEqual([]);
  });
});

describe('lockout', () => {
  it('answers a locked account exactly as a wrong password, at the same cost, and still records `locked`', async () => {
    await createUser('acme', { email: 'lock@acme.test', name: 'Lock', role: 'viewer', password: GOOD });
    const wrong = await signInForm('lock@acme.test', 'not-the-password-1');
    const unknown = await signInForm('nobody@acme.test', 'not-the-password-1');
    expect(wrong).toEqual({ ok: false, error: SIGNIN_ERRORS.invalid });
    expect(unknown).toEqual(wrong);
    for (let i = 0; i < 4; i++) await signInForm('lock@acme.test', `not-the-password-${i + 2}`);

    // Locked now: the right password gets the wrong-password answer, after a real bcrypt comparison.
    const compare = vi.spyOn(bcrypt, 'compare');
    const locked = await signInForm('lock@acme.test', GOOD);
    expect(locked).toEqual(wrong);
    expect(compare).toHaveBeenCalledTimes(1);
    expect((await verifySignIn('lock@acme.test', GOOD)).ok).toBe(false);

    // The admin still sees it: the users list has the lock, the audit the reason.
    expect((await listUsers('acme'))[0].lockedUntil).not.toBeNull();
    const { records } = await queryAudit('acme', { action: 'auth.signin', page: 1, pageSize: 50 });
    expect(records.some((r) => r.outcome === 'failure' && r.details.reason === 'locked')).toBe(true);
  });

  it('says deactivated or suspended only after the right password', async () => {
    const user = await createUser('acme', { email: 'gone@acme.test', name: 'Gone', role: 'viewer', password: GOOD });
    await updateUser('acme', user.id, (u) => ({ ...u, active: false }));
    expect(await signInForm('gone@acme.test', 'not-the-password-1')).toEqual({ ok: false, error: SIGNIN_ERRORS.invalid });
    expect(await signInForm('gone@acme.test', GOOD)).toEqual({ ok: false, error: SIGNIN_ERRORS.inactive });
    await createUser('globex', { email: 'sus@globex.test', name: 'Sus', role: 'admin', password: GOOD });
    await setTenantStatus('globex', 'suspended');
    expect(await signInForm('sus@globex.test', 'not-the-password-1')).toEqual({ ok: false, error: SIGNIN_ERRORS.invalid });
    expect(await signInForm('sus@globex.test', GOOD)).toEqual({ ok: false, error: SIGNIN_ERRORS.suspended });
  });
});

describe('one email in several organisations', () => {
  it('adding a user whose email is in another organisation answers as for a new email', async () => {
    await createUser('acme', { email: 'ada@acme.test', name: 'Ada', role: 'admin', password: GOOD });
    const added = await createUser('globex', { email: 'ada@acme.test', name: 'Ada', role: 'viewer', password: OTHER_GOOD });
    const fresh = await createUser('globex', { email: 'bob@globex.test', name: 'Bob', role: 'viewer', password: OTHER_GOOD });
    expect(Object.keys(added).sort()).toEqual(Object.keys(fresh).sort());
    expect(added).toMatchObject({ email: 'ada@acme.test', role: 'viewer', active: true });
    // Only the admin's own organisation is named.
    await expect(createUser('globex', { email: 'ADA@acme.test', name: 'Ada', role: 'viewer', password: OTHER_GOOD })).rejects.toMatchObject({
      code: 'conflict',
      message: 'ada@acme.test is already a user of your organisation.',
    });
    // A new tenant's first admin may be someone who is already elsewhere, too.
    await expect(
      createTenantWithAdmin({ id: 'initech', name: 'Initech', tier: 'starter', adminEmail: 'ada@acme.test', adminName: 'Ada', adminPassword: 'saffron tundra pebble' }, SYSTEM_ACTOR),
    ).resolves.toMatchObject({ id: 'initech' });
  });

  it('signs in to the organisation whose password matches, asks which when several do, and locks per account', async () => {
    await createUser('acme', { email: 'ada@acme.test', name: 'Ada', role: 'admin', password: GOOD });
    await createUser('globex', { email: 'ada@acme.test', name: 'Ada', role: 'viewer', password: OTHER_GOOD });
    expect(await signInForm('ada@acme.test', GOOD)).toEqual({ ok: true, tenantId: 'acme' });
    expect(await signInForm('ada@acme.test', OTHER_GOOD)).toEqual({ ok: true, tenantId: 'globex' });

    // Four failures count against both accounts; a success in one then resets only that one.
    for (let i = 0; i < 4; i++) await signInForm('ada@acme.test', `not-the-password-${i}`);
    expect((await listUsers('acme'))[0].failedAttempts).toBe(4);
    expect((await listUsers('globex'))[0].failedAttempts).toBe(4);
    expect(await signInForm('ada@acme.test', GOOD)).toEqual({ ok: true, tenantId: 'acme' });
    expect((await listUsers('acme'))[0].failedAttempts).toBe(0);
    expect((await listUsers('globex'))[0].failedAttempts).toBe(4);
    // The fifth failure locks globex's account only; acme's still opens.
    await signInForm('ada@acme.test', 'not-the-password-9');
    expect((await listUsers('globex'))[0].lockedUntil).not.toBeNull();
    expect((await listUsers('acme'))[0].lockedUntil).toBeNull();
    expect(await signInForm('ada@acme.test', OTHER_GOOD)).toEqual({ ok: false, error: SIGNIN_ERRORS.invalid });
    expect(await signInForm('ada@acme.test', GOOD)).toEqual({ ok: true, tenantId: 'acme' });
  });

  it('with the same password in several organisations, lists only those and signs in to the one chosen', async () => {
    await createUser('acme', { email: 'ada@acme.test', name: 'Ada', role: 'admin', password: GOOD });
    await createUser('globex', { email: 'ada@acme.test', name: 'Ada', role: 'viewer', password: GOOD });
    await createTenant({ id: 'initech', name: 'Initech', tier: 'starter' });
    await createUser('initech', { email: 'ada@acme.test', name: 'Ada', role: 'viewer', password: OTHER_GOOD });
    const first = await signInForm('ada@acme.test', GOOD);
    expect(first.ok).toBe(false);
    const choices = decodeOrganisationChoice(first.ok ? '' : first.error);
    expect(choices?.map((c) => c.id).sort()).toEqual(['acme', 'globex']);
    expect(choices?.map((c) => c.name).sort()).toEqual(['Acme Stores', 'Globex']);
    expect(await signInForm('ada@acme.test', GOOD, 'globex')).toEqual({ ok: true, tenantId: 'globex' });
    expect(await signInForm('ada@acme.test', GOOD, 'acme')).toEqual({ ok: true, tenantId: 'acme' });
    // Naming an organisation does not let a password in where it does not match.
    expect(await signInForm('ada@acme.test', GOOD, 'initech')).toMatchObject({ ok: false });
    expect(decodeOrganisationChoice(SIGNIN_ERRORS.invalid)).toBeUndefined();
  });
});
