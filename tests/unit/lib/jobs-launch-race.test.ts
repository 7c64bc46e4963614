import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTenant, setTenantQuotaOverrides } from '@/lib/tenants';
import { listJobs } from '@/lib/jobs/store';
import { launchJob } from '@/lib/jobs/spawn';

// launchJob as it is (lock, one-per-kind check, quota, job record, audit); only the worker process
// is not started.
vi.mock('node:child_process', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:child_process')>();
  return { ...actual, spawn: () => ({ pid: undefined, unref: () => undefined }) };
});

const manager = { type: 'user' as const, id: 'u_1', label: 'manager@race.test' };
let home: string;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-launch-race-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'race', name: 'Race', tier: 'enterprise' });
  await createTenant({ id: 'quota', name: 'Quota', tier: 'enterprise' });
});

afterAll(() => fs.rm(home, { recursive: true, force: true }));

describe('launchJob under simultaneous clicks', () => {
  it('starts one training job when several are asked for at the same moment; the others get a conflict naming it', async () => {
    const ctx = { tenantId: 'race', actor: manager, ip: '' };
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => launchJob(ctx, 'train', { algorithms: ['ridge'] })));
    const started = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(4);
    const jobs = await listJobs('race', { kind: 'train', limit: 20 });
    expect(jobs).toHaveLength(1);
    for (const r of refused) expect(r.reason).toMatchObject({ code: 'conflict', details: { jobId: jobs[0].id } });
    // Another kind is not held up by it.
    await expect(launchJob(ctx, 'retrain', { trigger: 'manual' })).resolves.toMatchObject({ kind: 'retrain' });
  });

  it('a train and a retrain at the same moment cannot both take the last training job of the day', async () => {
    await setTenantQuotaOverrides('quota', { trainingJobsPerDay: 1 });
    const ctx = { tenantId: 'quota', actor: manager, ip: '' };
    const results = await Promise.allSettled([launchJob(ctx, 'train', { algorithms: ['ridge'] }), launchJob(ctx, 'retrain', { trigger: 'schedule' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'quota_exceeded' });
  });
});
