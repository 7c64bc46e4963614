import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant, deleteTenant } from '@/lib/tenants';
import { createApiKey, touchApiKey } from '@/lib/apikeys';
import { flushUsage, meterApiCall } from '@/lib/usage';
import { spawn } from 'node:child_process';
import { createJob, updateJob } from '@/lib/jobs/store';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { processAlive } from '@/lib/process';

let home: string;
beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-delete-race-'));
  process.env.FORESIGHT_HOME = home;
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

const exists = (p: string) => fs.access(p).then(() => true, () => false);

describe('deleting a tenant while background writes are under way', () => {
  it('leaves none of its files behind, whichever finishes first (key last-use and usage batches)', async () => {
    for (let round = 0; round < 40; round++) {
      const id = `race${round}`;
      await createTenant({ id, name: `Race ${round}`, tier: 'enterprise' });
      const { key } = await createApiKey(id, { name: 'k', role: 'viewer', createdBy: 'test' });
      // The platform admin deletes the tenant while a request that had already found its key
      // records the key's use and flushes its metered call, neither awaited by the request: the
      // background writes start at a different moment of the deletion in each round.
      const deletion = deleteTenant(id);
      for (let tick = 0; tick < round % 20; tick++) await new Promise((r) => setImmediate(r));
      if (round >= 20) await new Promise((r) => setTimeout(r, round - 20));
      meterApiCall(id);
      const background = Promise.all([touchApiKey(id, key.id), flushUsage()]);
      await deletion;
      await background;
      for (const area of ['data', 'models', 'tenants']) expect(await exists(path.join(home, area, id)), `${area}/${id} after round ${round}`).toBe(false);
    }
  }, 60_000);

  it('still records a live tenant’s usage when its folder does not exist yet', async () => {
    await createTenant({ id: 'fresh', name: 'Fresh', tier: 'enterprise' });
    expect(await exists(path.join(home, 'tenants', 'fresh'))).toBe(false);
    meterApiCall('fresh');
    await flushUsage();
    const usage = JSON.parse(await fs.readFile(path.join(home, 'tenants', 'fresh', 'usage.json'), 'utf8')) as { months: Record<string, { apiCalls: number }> };
    expect(Object.values(usage.months)[0].apiCalls).toBe(1);
  });

  it('stops the tenant’s running job workers before removing its files, so none writes them back', async () => {
    await createTenant({ id: 'busy', name: 'Busy', tier: 'enterprise' });
    // A stand-in job worker that keeps writing into the tenant's models folder until it is stopped.
    const file = path.join(home, 'models', 'busy', 'progress.json');
    const worker = spawn(process.execPath, ['-e', `const fs = require('fs'); setInterval(() => { fs.mkdirSync(${JSON.stringify(path.dirname(file))}, { recursive: true }); fs.writeFileSync(${JSON.stringify(file)}, String(Date.now())); }, 5);`, 'job-worker'], { stdio: 'ignore' });
    const job = await createJob('busy', 'train', {}, SYSTEM_ACTOR);
    await updateJob('busy', job.id, (j) => ({ ...j, status: 'running', pid: worker.pid ?? null }));
    await expect.poll(() => exists(file)).toBe(true);
    await deleteTenant('busy');
    expect(processAlive(worker.pid as number)).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    for (const area of ['data', 'models', 'tenants']) expect(await exists(path.join(home, area, 'busy')), area).toBe(false);
  });
});
