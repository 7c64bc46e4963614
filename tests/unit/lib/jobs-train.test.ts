import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { createTenant, getTenantOrThrow } from '@/lib/tenants';
import { ingestDataset } from '@/lib/datasets/ingest';
import { createJob, getJobOrThrow } from '@/lib/jobs/store';
import { runJob } from '@/lib/jobs/run';
import { launchJob } from '@/lib/jobs/spawn';
import { launchScheduledRetrain } from '@/lib/jobs/scheduled';
import { listVersions } from '@/lib/registry/store';
import { experimentQuerySchema, queryExperiments } from '@/lib/experiments';
import { auditQuerySchema, queryAudit } from '@/lib/audit';

const manager = { type: 'user' as const, id: 'u_1', label: 'manager@shop.test' };

describe('train and retrain jobs', () => {
  beforeAll(async () => {
    process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-jobs-train-'));
    await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
    await createTenant({ id: 'empty', name: 'Empty', tier: 'enterprise' });
    const demo = generateRetailDemo({ seed: 9, scale: 0.1, days: 450 });
    await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] })) }, manager);
  });

  it('a train job trains, registers the first version in production and reports progress', async () => {
    const job = await createJob('shop', 'train', { algorithms: ['ridge'], tune: false }, manager);
    const seen: string[] = [];
    const done = await runJob('shop', job.id, { onProgress: (_d, _t, m) => seen.push(m) });
    expect(done.status).toBe('succeeded');
    expect(done.result).toMatchObject({ versionId: 'v1', stage: 'production', best: 'ridge' });
    expect(done.progress.done).toBe(done.progress.total);
    expect(seen).toContain('Registering the model version');
    const [v1] = await listVersions('shop');
    expect(v1).toMatchObject({ id: 'v1', stage: 'production', author: manager.label });
    const exps = (await queryExperiments('shop', experimentQuerySchema.parse({}))).experiments;
    expect(exps.find((e) => e.kind === 'train')?.jobId).toBe(job.id);
  }, 120_000);

  it('a retrain job with no new days since the champion skips training and registers nothing, saying why', async () => {
    const job = await createJob('shop', 'retrain', { trigger: 'test' }, manager);
    const done = await runJob('shop', job.id);
    expect(done.status).toBe('succeeded');
    expect(done.result?.promoted).toBe(false);
    expect(done.result?.versionId).toBeNull();
    expect(String(done.result?.reason)).toMatch(/Only 0 new days since v1 .*nothing retrained/);
    const versions = await listVersions('shop');
    expect(versions.map((v) => [v.id, v.stage])).toEqual([['v1', 'production']]);
    expect((await queryAudit('shop', auditQuerySchema.parse({ pageSize: 200 }))).records.some((r) => r.action === 'models.retrain' && r.actor.label === manager.label)).toBe(true);
  }, 240_000);

  it('a train job on a tenant without data fails and says why', async () => {
    const job = await createJob('empty', 'train', {}, manager);
    const done = await runJob('empty', job.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/no dataset yet/);
    expect((await getJobOrThrow({ tenantId: 'empty', jobId: job.id })).status).toBe('failed');
  });

  it('a train job with bad parameters fails without touching the registry', async () => {
    const job = await createJob('shop', 'train', { algorithms: ['xgboost'] }, manager);
    const done = await runJob('shop', job.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/xgboost|Invalid/i);
    expect(await listVersions('shop')).toHaveLength(1);
  });

  it('launchJob refuses a second active job of a kind, and the scheduler takes that as already running', async () => {
    const active = await createJob('shop', 'retrain', { trigger: 'schedule' }, manager);
    await expect(launchJob({ tenantId: 'shop', actor: manager, ip: '' }, 'retrain', { trigger: 'again' })).rejects.toMatchObject({ code: 'conflict', details: { jobId: active.id } });
    expect(await launchScheduledRetrain('shop', 'schedule')).toEqual({ skipped: `already running (${active.id})` });
    expect(await launchScheduledRetrain('empty', 'schedule')).toEqual({ skipped: 'no dataset' });
  });
});
