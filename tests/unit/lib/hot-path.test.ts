import { describe, it, expect, beforeEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant, findTenant, setTenantStatus } from '@/lib/tenants';
import { createApiKey, findApiKeyBySecret, revokeApiKey } from '@/lib/apikeys';
import { apiCallsThisMonth, flushUsage, meterApiCall, meterPredictions, readUsage } from '@/lib/usage';

const root = path.resolve(__dirname, '../../..');
let home: string;

beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-hot-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'acme', name: 'Acme', tier: 'enterprise' });
});

/** A write by another process: temp file + rename, as lib/storage does, behind this process's back. */
async function writeBehindTheBack(file: string, change: (doc: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const doc = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  const tmp = `${file}.other.tmp`;
  await fs.writeFile(tmp, JSON.stringify(change(doc)));
  await fs.rename(tmp, file);
}

describe('cached lookups on the API hot path', () => {
  it('a tenant suspended by another process is seen on the very next lookup', async () => {
    expect((await findTenant('acme'))?.status).toBe('active');
    expect((await findTenant('acme'))?.status).toBe('active'); // now from the cache
    await writeBehindTheBack(path.join(home, 'platform', 'tenants.json'), (d) => ({
      tenants: (d.tenants as { status: string }[]).map((t) => ({ ...t, status: 'suspended' })),
    }));
    expect((await findTenant('acme'))?.status).toBe('suspended');
  });

  it('a suspension by this process applies at once, and the record handed out is a copy', async () => {
    const t = await findTenant('acme');
    if (!t) throw new Error('no tenant');
    t.status = 'suspended';
    expect((await findTenant('acme'))?.status).toBe('active');
    await setTenantStatus('acme', 'suspended');
    expect((await findTenant('acme'))?.status).toBe('suspended');
  });

  it('a key revoked here or by another process fails on the next lookup; a forged secret never matches', async () => {
    const a = await createApiKey('acme', { name: 'a', role: 'viewer', createdBy: 't' });
    const b = await createApiKey('acme', { name: 'b', role: 'viewer', createdBy: 't' });
    expect(await findApiKeyBySecret(a.secret)).toBeDefined();
    expect(await findApiKeyBySecret(b.secret)).toBeDefined();
    await revokeApiKey('acme', a.key.id);
    expect(await findApiKeyBySecret(a.secret)).toBeUndefined();
    await writeBehindTheBack(path.join(home, 'tenants', 'acme', 'apikeys.json'), (d) => ({
      keys: (d.keys as { id: string }[]).map((k) => (k.id === b.key.id ? { ...k, revokedAt: new Date().toISOString() } : k)),
    }));
    expect(await findApiKeyBySecret(b.secret)).toBeUndefined();
    const c = await createApiKey('acme', { name: 'c', role: 'viewer', createdBy: 't' });
    expect((await findApiKeyBySecret(c.secret))?.key.id).toBe(c.key.id);
    expect(await findApiKeyBySecret(`${c.secret.slice(0, -2)}xx`)).toBeUndefined();
  });
});

describe('usage metering', () => {
  const month = new Date().toISOString().slice(0, 7);

  it('counts every call, before and after it is written', async () => {
    for (let i = 0; i < 25; i++) meterApiCall('acme');
    expect(await apiCallsThisMonth('acme')).toBe(25);
    await flushUsage();
    expect((await readUsage('acme')).months[month]?.apiCalls).toBe(25);
    meterApiCall('acme');
    expect(await apiCallsThisMonth('acme')).toBe(26);
    await flushUsage();
    expect((await readUsage('acme')).months[month]?.apiCalls).toBe(26);
  });

  it('meters predictions beside the calls: a batch of n rows counts n, calls are unchanged by it', async () => {
    meterApiCall('acme');
    meterPredictions('acme', 1);
    meterApiCall('acme');
    meterPredictions('acme', 10_000);
    meterPredictions('acme', 0);
    expect(() => meterPredictions('acme', -1)).toThrow(RangeError);
    await flushUsage();
    expect((await readUsage('acme')).months[month]).toMatchObject({ apiCalls: 2, predictions: 10_001 });
  });

  it('a failed write keeps the calls and the retry adds them once', async () => {
    const file = path.join(home, 'tenants', 'acme', 'usage.json');
    await fs.mkdir(file, { recursive: true }); // a directory where the file should be: the write fails
    for (let i = 0; i < 7; i++) meterApiCall('acme');
    await flushUsage();
    await fs.rm(file, { recursive: true });
    expect(await apiCallsThisMonth('acme')).toBe(7); // kept in memory, still counted
    meterApiCall('acme');
    await flushUsage(); // the failed batch (7)
    await flushUsage(); // the newer call (1)
    expect((await readUsage('acme')).months[month]?.apiCalls).toBe(8);
  });

  for (const [mode, before, after] of [['await', 40, 3], ['race', 12, 5]] as const) {
    it(`calls still in memory when the process exits are written, exactly once (${mode})`, async () => {
      execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support/usage-exit-child.ts'), 'acme', String(before), String(after), mode], {
        cwd: root,
        env: { ...process.env, FORESIGHT_HOME: home },
      });
      expect((await readUsage('acme')).months[month]?.apiCalls).toBe(before + after);
      expect(await fs.readdir(path.join(home, 'tenants', 'acme'))).not.toContain('usage.json.lock');
    });
  }
});
