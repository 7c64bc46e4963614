import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant } from '@/lib/tenants';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { createJob, getJobOrThrow, updateJob } from '@/lib/jobs/store';
import { launchJob } from '@/lib/jobs/spawn';
import { removeDeadStagedUploadsOfAllTenants, stageUpload } from '@/lib/jobs/staging';
import { currentProcess } from '@/lib/process';
import type { Job } from '@/lib/schemas/jobs';

/** A pid no process has (above Linux's pid_max ceiling of 2^22). */
const DEAD_PID = 2 ** 22 + 12345;

let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-staged-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
});

const uploads = () => path.join(home, 'data', 'shop', 'uploads');
const staged = async () => (await fs.readdir(uploads()).catch(() => [])).sort();

/** An ingest job in the given state, with a 1 MB staged upload. */
async function jobWithUpload(change: (j: Job) => Job): Promise<string> {
  const job = await createJob('shop', 'ingest', {}, SYSTEM_ACTOR);
  await updateJob('shop', job.id, change);
  await stageUpload('shop', job.id, { format: 'retail', names: ['sales.csv'] }, [{ name: 'sales.csv', bytes: new Uint8Array(1024 * 1024) }]);
  return job.id;
}

describe('staged uploads of dead jobs', () => {
  it('at server start, removes the uploads of killed, ended and unknown jobs, and keeps those of running and arriving ones', async () => {
    const running = await jobWithUpload((j) => ({ ...j, status: 'running', pid: process.pid }));
    const arriving = await jobWithUpload((j) => ({ ...j, preparedBy: currentProcess() }));
    const killed = await jobWithUpload((j) => ({ ...j, status: 'running', pid: DEAD_PID }));
    const succeeded = await jobWithUpload((j) => ({ ...j, status: 'succeeded', finishedAt: new Date().toISOString() }));
    const cancelled = await jobWithUpload((j) => ({ ...j, status: 'cancelled', finishedAt: new Date().toISOString() }));
    // A server that stopped mid-upload and came back with the same pid (pid 1 in a container).
    const cutByRestart = await jobWithUpload((j) => ({ ...j, preparedBy: { pid: process.pid, startedAt: currentProcess().startedAt - 3_600_000 } }));
    const unknown = 'j_0123456789abcdef';
    await fs.mkdir(path.join(uploads(), unknown), { recursive: true });
    await fs.writeFile(path.join(uploads(), unknown, 'f0'), 'left over');
    expect(await staged()).toHaveLength(7);

    expect(await removeDeadStagedUploadsOfAllTenants()).toBe(5);
    expect(await staged()).toEqual([running, arriving].sort());
    // The jobs whose folders went read as ended, with the reason.
    expect((await getJobOrThrow({ tenantId: 'shop', jobId: killed })).status).toBe('failed');
    const cut = await getJobOrThrow({ tenantId: 'shop', jobId: cutByRestart });
    expect(cut.status).toBe('failed');
    expect(cut.error).toMatch(/never started/);
    for (const id of [succeeded, cancelled]) expect((await getJobOrThrow({ tenantId: 'shop', jobId: id })).status).not.toMatch(/queued|running/);
    // The kept files are whole.
    expect((await fs.stat(path.join(uploads(), running, 'f0'))).size).toBe(1024 * 1024);
  });

  it('launching the next job removes a killed import\'s staged upload, never the running one\'s', async () => {
    const killed = await jobWithUpload((j) => ({ ...j, status: 'running', pid: DEAD_PID }));
    const training = await createJob('shop', 'train', {}, SYSTEM_ACTOR);
    await updateJob('shop', training.id, (j) => ({ ...j, status: 'running', pid: process.pid }));
    await stageUpload('shop', training.id, { format: 'retail', names: [] }, []);
    // The import's own staging fails before a worker starts, so the test starts no process.
    await expect(launchJob({ tenantId: 'shop', actor: SYSTEM_ACTOR, ip: '' }, 'ingest', {}, async () => {
      throw new Error('staging failed');
    })).rejects.toThrow('staging failed');
    expect(await staged()).toEqual([training.id]);
    expect((await getJobOrThrow({ tenantId: 'shop', jobId: killed })).status).toBe('failed');
  });
});
