import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Issue 2, CLI: `npm run foresight -- tenant create|list|suspend|reactivate|delete`, `user create`
 * and `apikey create`, run as real processes on a temporary FORESIGHT_HOME, then checked through
 * the same library code the app uses (sign-in, API key lookup, tenant files).
 */
const CLI = path.resolve(__dirname, '../../../scripts/foresight.ts');
let home: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, FORESIGHT_HOME: home, BCRYPT_ROUNDS: '4' }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-cli-'));
  process.env.FORESIGHT_HOME = home;
  process.env.BCRYPT_ROUNDS = '4';
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

describe('foresight CLI: tenants, users, API keys', () => {
  it('creates, lists, suspends, re-activates and deletes a tenant; users and keys made by it work', async () => {
    const created = await cli('tenant', 'create', '--id', 'acme', '--name', 'Acme Co', '--tier', 'enterprise');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created tenant acme');
    expect((await cli('tenant', 'create', '--id', 'acme', '--name', 'Again')).code).not.toBe(0);

    const listed = await cli('tenant', 'list');
    expect(listed.stdout).toMatch(/^acme\s+active\s+enterprise\s+Acme Co$/m);

    // A user with a generated password, printed once; it signs in with it and is never stored in clear.
    const user = await cli('user', 'create', '--tenant', 'acme', '--email', 'boss@acme.test', '--role', 'admin');
    expect(user.code, user.stderr).toBe(0);
    const password = /Password \(shown once, not stored\): (\S+)/.exec(user.stdout)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(12);
    const { verifySignIn } = await import('@/lib/users');
    expect((await verifySignIn('boss@acme.test', password)).ok).toBe(true);
    const users = await fs.readFile(path.join(home, 'tenants', 'acme', 'users.json'), 'utf8');
    expect(users).toContain('boss@acme.test');
    expect(users).not.toContain(password);

    // An API key printed once, stored hashed, scoped to the tenant and role.
    const key = await cli('apikey', 'create', '--tenant', 'acme', '--role', 'analyst', '--name', 'erp');
    expect(key.code, key.stderr).toBe(0);
    const secret = key.stdout.trim().split('\n').find((l) => l.startsWith('fsk.')) ?? '';
    expect(secret).toMatch(/^fsk\.acme\.k_[a-z0-9]{12}\./);
    const { findApiKeyBySecret } = await import('@/lib/apikeys');
    const found = await findApiKeyBySecret(secret);
    expect(found).toMatchObject({ tenantId: 'acme', key: { role: 'analyst', name: 'erp' } });
    expect(await fs.readFile(path.join(home, 'tenants', 'acme', 'apikeys.json'), 'utf8')).not.toContain(secret.split('.')[3]);

    // Suspended: its users cannot sign in; re-activated: they can again.
    expect((await cli('tenant', 'suspend', '--id', 'acme')).code).toBe(0);
    expect((await cli('tenant', 'list')).stdout).toMatch(/^acme\s+suspended/m);
    expect((await verifySignIn('boss@acme.test', password)).ok).toBe(false);
    expect((await cli('tenant', 'reactivate', '--id', 'acme')).code).toBe(0);
    expect((await verifySignIn('boss@acme.test', password)).ok).toBe(true);

    // Delete asks for --yes, then removes every file of the tenant, and its key no longer matches.
    const unconfirmed = await cli('tenant', 'delete', '--id', 'acme');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
    await fs.access(path.join(home, 'tenants', 'acme'));
    const deleted = await cli('tenant', 'delete', '--id', 'acme', '--yes');
    expect(deleted.code, deleted.stderr).toBe(0);
    for (const area of ['data', 'models', 'tenants']) await expect(fs.access(path.join(home, area, 'acme'))).rejects.toThrow();
    expect((await cli('tenant', 'list')).stdout).toContain('No tenants.');
    expect(await findApiKeyBySecret(secret)).toBeUndefined();
  }, 120_000);

  it('refuses bad options with exit code 2, naming the option', async () => {
    const badId = await cli('tenant', 'create', '--id', '../etc', '--name', 'X');
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('--id');
    const badRole = await cli('user', 'create', '--tenant', 'nobody', '--email', 'a@b.test', '--role', 'root');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--tenant');
    // A chosen password meets the password policy, and the refusal says why.
    expect((await cli('tenant', 'create', '--id', 'pwco', '--name', 'Pw Co')).code).toBe(0);
    for (const weak of ['Password2026', 'aaaaaaaaaaa1', 'pwco-2026-admin!']) {
      const refused = await cli('user', 'create', '--tenant', 'pwco', '--email', 'boss@pwco.test', '--role', 'admin', '--password', weak);
      expect(refused.code, weak).toBe(2);
      expect(refused.stderr).toMatch(/--password: This password (is|repeats)/);
    }
    expect(await fs.readFile(path.join(home, 'tenants', 'pwco', 'users.json'), 'utf8').catch(() => '')).not.toContain('boss@pwco.test');
    const unknown = await cli('tenant', 'create', '--id', 'x', '--name', 'X', '--colour', 'red');
    expect(unknown.code).toBe(2);
    // A starter plan has no API access: no key is made that could never be used.
    expect((await cli('tenant', 'create', '--id', 'small', '--name', 'Small', '--tier', 'starter')).code).toBe(0);
    const noApi = await cli('apikey', 'create', '--tenant', 'small', '--role', 'viewer');
    expect(noApi.code).toBe(2);
    expect(noApi.stderr).toMatch(/--tenant: API access is not part of the starter plan/);
    expect(noApi.stdout).not.toContain('fsk.');
  }, 60_000);
});
