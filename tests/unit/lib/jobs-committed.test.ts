import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/tenants';
import { createJob, getJobOrThrow, listJobs, updateJob } from '@/lib/jobs/store';

const actor = { type: 'user' as const, id: 'u_1', label: 'analyst@shop.test' };
let home: string;
/** The pid of a process that has ended. */
let deadPid: number;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-jobs-committed-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
  deadPid = spawnSync(process.execPath, ['-e', '0']).pid as number;
});

afterAll(() => fs.rm(home, { recursive: true, force: true }));

describe('a job whose process ends after its work was saved', () => {
  it('ends as succeeded with what it saved, not as cancelled, when it was killed after saving an import', async () => {
    const job = await createJob('shop', 'ingest', {}, actor);
    await updateJob('shop', job.id, (j) => ({ ...j, status: 'running', pid: deadPid, cancelRequested: true, committed: 'Appended 120 rows of newer days; their drift and decay checks did not finish.' }));
    const settled = await getJobOrThrow({ tenantId: 'shop', jobId: job.id });
    expect(settled.status).toBe('succeeded');
    expect(settled.error).toBeNull();
    expect(settled.result?.message).toMatch(/^Appended 120 rows of newer days; their drift and decay checks did not finish\. Its process ended .*what was saved stands\.$/);
    expect(settled.progress.done).toBe(settled.progress.total);
    expect((await listJobs('shop', { kind: 'ingest', limit: 5 })).find((j) => j.id === job.id)?.status).toBe('succeeded');
  });

  it('still ends as cancelled, or failed, when it was stopped before saving anything', async () => {
    const cancelled = await createJob('shop', 'ingest', {}, actor);
    await updateJob('shop', cancelled.id, (j) => ({ ...j, status: 'running', pid: deadPid, cancelRequested: true }));
    expect((await getJobOrThrow({ tenantId: 'shop', jobId: cancelled.id })).status).toBe('cancelled');
    const crashed = await createJob('shop', 'ingest', {}, actor);
    await updateJob('shop', crashed.id, (j) => ({ ...j, status: 'running', pid: deadPid }));
    const failed = await getJobOrThrow({ tenantId: 'shop', jobId: crashed.id });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/stopped unexpectedly/);
  });
});
