import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant } from '@/lib/tenants';
import { createUser, verifySignIn, updateUser, listUsers } from '@/lib/users';
import { escapeCsvCell, toCsv } from '@/lib/csv';
import { can, PERMISSIONS, ROLES } from '@/lib/auth/permissions';
import { createApiKey, findApiKeyBySecret, revokeApiKey } from '@/lib/apikeys';
import { readLogo, storeLogo } from '@/lib/branding';
import { LOGO_MAX_BYTES } from '@/lib/schemas/admin';
import { pngOfSize } from '../../support/images';

beforeEach(async () => {
  process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-auth-'));
  process.env.BCRYPT_ROUNDS = '4';
  await createTenant({ id: 'acme', name: 'Acme', tier: 'enterprise' });
  await createUser('acme', { email: 'a@acme.test', name: 'A', role: 'admin', password: 'Good-pass-2026' });
});

describe('lockout', () => {
  it('locks after 5 failures, refuses the right password while locked, and lets it in once the lock expires', async () => {
    const t0 = new Date('2026-01-01T10:00:00Z');
    for (let i = 0; i < 5; i++) expect((await verifySignIn('a@acme.test', 'bad', t0)).ok).toBe(false);
    const sixth = await verifySignIn('a@acme.test', 'Good-pass-2026', new Date(t0.getTime() + 1000));
    expect(sixth).toMatchObject({ ok: false, reason: 'locked' });
    const stillLocked = await verifySignIn('a@acme.test', 'Good-pass-2026', new Date(t0.getTime() + 14 * 60_000));
    expect(stillLocked.ok).toBe(false);
    const after = await verifySignIn('a@acme.test', 'Good-pass-2026', new Date(t0.getTime() + 15 * 60_000 + 1000));
    expect(after.ok).toBe(true);
  });

  it('a success resets the failure count', async () => {
    const now = new Date();
    for (let i = 0; i < 4; i++) await verifySignIn('a@acme.test', 'bad', now);
    expect((await verifySignIn('a@acme.test', 'Good-pass-2026', now)).ok).toBe(true);
    for (let i = 0; i < 4; i++) await verifySignIn('a@acme.test', 'bad', now);
    expect((await verifySignIn('a@acme.test', 'Good-pass-2026', now)).ok).toBe(true);
  });

  it('never stores the password in clear', async () => {
    const raw = await fs.readFile(path.join(process.env.FORESIGHT_HOME!, 'tenants', 'acme', 'users.json'), 'utf8');
    expect(raw).not.toContain('Good-pass-2026');
  });

  it('refuses to leave a tenant without an active admin', async () => {
    const [admin] = await listUsers('acme');
    await expect(updateUser('acme', admin.id, (u) => ({ ...u, role: 'viewer' }))).rejects.toThrow(/without an active admin/);
  });
});

describe('API keys', () => {
  it('are stored hashed, found by secret, and stop working when revoked', async () => {
    const { key, secret } = await createApiKey('acme', { name: 'erp', role: 'viewer', createdBy: 'test' });
    const raw = await fs.readFile(path.join(process.env.FORESIGHT_HOME!, 'tenants', 'acme', 'apikeys.json'), 'utf8');
    expect(raw).not.toContain(secret.split('.')[3]);
    expect((await findApiKeyBySecret(secret))?.key.id).toBe(key.id);
    expect(await findApiKeyBySecret(secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a'))).toBeUndefined();
    await revokeApiKey('acme', key.id);
    expect(await findApiKeyBySecret(secret)).toBeUndefined();
  });
});

describe('logo upload', () => {
  const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const png = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i < 8 ? PNG_SIGNATURE[i] : i % 251));

  it('checks the size and the bytes, not the declared type, and stores nothing it refuses', async () => {
    await expect(storeLogo('acme', png(LOGO_MAX_BYTES + 1), 'image/png')).rejects.toMatchObject({ code: 'payload_too_large' });
    await expect(storeLogo('acme', new TextEncoder().encode('<svg onload="alert(1)"/>'), 'image/png')).rejects.toThrow(/not a real PNG/);
    await expect(storeLogo('acme', png(100), 'image/jpeg')).rejects.toThrow(/not a real JPEG/);
    await expect(storeLogo('acme', png(100), 'image/svg+xml')).rejects.toThrow(/PNG, JPEG or WebP/);
    expect(await readLogo('acme')).toBeUndefined();
    expect(await storeLogo('acme', pngOfSize(LOGO_MAX_BYTES), 'image/png')).toBe('image/png');
    expect((await readLogo('acme'))?.length).toBe(LOGO_MAX_BYTES);
  });
});

describe('CSV export', () => {
  it('escapes spreadsheet formulas but leaves numbers alone', () => {
    expect(escapeCsvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(escapeCsvCell('+1+1')).toBe(`'+1+1`);
    expect(escapeCsvCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(escapeCsvCell(-5)).toBe('-5');
    expect(escapeCsvCell('-5.5')).toBe('-5.5');
    expect(toCsv(['a', 'b'], [['x,y', 'line\nbreak']])).toBe('a,b\r\n"x,y","line\nbreak"\r\n');
  });
});

describe('permissions', () => {
  it('are data: every permission names only known roles, and admin holds every tenant permission', () => {
    for (const [perm, roles] of Object.entries(PERMISSIONS)) {
      for (const r of roles) expect(ROLES).toContain(r);
      expect(can('admin', perm as keyof typeof PERMISSIONS)).toBe(true);
    }
    // Roles are nested: each role holds everything the role below holds.
    for (let i = 1; i < ROLES.length; i++) {
      for (const perm of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
        if (can(ROLES[i - 1], perm)) expect(can(ROLES[i], perm)).toBe(true);
      }
    }
  });
});
