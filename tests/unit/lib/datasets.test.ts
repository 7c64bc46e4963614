import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { createTenant, getTenantOrThrow, setTenantQuotaOverrides } from '@/lib/tenants';
import { ingestDataset } from '@/lib/datasets/ingest';
import { loadTable, readManifest } from '@/lib/datasets/store';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { createJob, getJobOrThrow, updateJob } from '@/lib/jobs/store';
import { runJob } from '@/lib/jobs/run';
import { stageUpload } from '@/lib/jobs/staging';

let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-datasets-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
});

const demoFiles = (days: number) => {
  const demo = generateRetailDemo({ seed: 7, scale: 0.05, days });
  return RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] }));
};

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await fs.readdir(dir).catch(() => [])).sort()) out[name] = (await fs.readFile(path.join(dir, name))).toString('base64');
  return out;
}

describe('ingestDataset', () => {
  it('imports, does nothing for the same files again, and appends newer days', async () => {
    const tenant = await getTenantOrThrow('shop');
    const first = await ingestDataset(tenant, { format: 'retail', files: demoFiles(120) }, SYSTEM_ACTOR);
    expect(first.status).toBe('imported');
    const rows = first.rows;
    expect(rows).toBeGreaterThan(0);

    const dataDir = path.join(home, 'data', 'shop');
    const before = await snapshot(dataDir);
    const again = await ingestDataset(tenant, { format: 'retail', files: demoFiles(120) }, SYSTEM_ACTOR);
    expect(again.status).toBe('unchanged');
    expect(await snapshot(dataDir)).toEqual(before);

    const newer = await ingestDataset(tenant, { format: 'retail', files: demoFiles(150) }, SYSTEM_ACTOR);
    expect(newer.status).toBe('imported');
    expect(newer.appendedRows).toBeGreaterThan(0);
    expect(newer.rows).toBe(rows + newer.appendedRows);
    const loaded = await loadTable('shop');
    expect(loaded?.table.rows).toBe(newer.rows);
    expect(loaded?.manifest.imports).toHaveLength(2);
    // Only the current table file is left.
    expect((await fs.readdir(dataDir)).filter((n) => n.startsWith('table-'))).toHaveLength(1);
  });

  it('writes nothing when a file has errors, and says where', async () => {
    const tenant = await getTenantOrThrow('shop');
    await ingestDataset(tenant, { format: 'retail', files: demoFiles(60) }, SYSTEM_ACTOR);
    const dataDir = path.join(home, 'data', 'shop');
    const before = await snapshot(dataDir);
    const files = demoFiles(90).map((f) => (f.name === 'sales.csv' ? { ...f, bytes: String(f.bytes).replace(/\n([^\n]*)\n/, '\n$1\n0,2030-99-99,x,1,1,1,1\n') } : f));
    const outcome = await ingestDataset(tenant, { format: 'retail', files }, SYSTEM_ACTOR);
    expect(outcome.status).toBe('invalid');
    expect(outcome.report.errors[0]).toMatchObject({ file: 'sales.csv' });
    expect(outcome.report.errors[0].line).toBeGreaterThan(1);
    expect(await snapshot(dataDir)).toEqual(before);
  });

  it('refuses files over the storage quota, and a table that would not fit, writing nothing', async () => {
    await setTenantQuotaOverrides('shop', { storageBytes: 10_000 });
    let tenant = await getTenantOrThrow('shop');
    const outcome = await ingestDataset(tenant, { format: 'retail', files: demoFiles(120) }, SYSTEM_ACTOR);
    expect(outcome.status).toBe('invalid');
    expect(outcome.report.errors.some((e) => /over the limit/.test(e.reason))).toBe(true);

    // The files fit, the processed table does not.
    await setTenantQuotaOverrides('shop', { storageBytes: 200_000 });
    tenant = await getTenantOrThrow('shop');
    await expect(ingestDataset(tenant, { format: 'retail', files: demoFiles(120) }, SYSTEM_ACTOR)).rejects.toThrow(/storage/);
    expect(await readManifest('shop')).toBeUndefined();
    expect(await fs.readdir(path.join(home, 'data', 'shop')).catch(() => [])).toEqual([]);
  });
});

describe('jobs', () => {
  it('runs a staged import to its end and removes the staged files', async () => {
    const job = await createJob('shop', 'ingest', {}, SYSTEM_ACTOR);
    await stageUpload('shop', job.id, { format: 'retail', names: RETAIL_FILES.slice() }, demoFiles(60));
    const progress: number[] = [];
    const done = await runJob('shop', job.id, { onProgress: (d, t) => progress.push(d / t) });
    expect(done.status).toBe('succeeded');
    expect(done.result?.status).toBe('imported');
    expect(progress.at(-1)).toBe(1);
    await expect(fs.access(path.join(home, 'data', 'shop', 'uploads', job.id))).rejects.toThrow();
  });

  it('a job cancelled before it starts ends cancelled and imports nothing', async () => {
    const job = await createJob('shop', 'ingest', {}, SYSTEM_ACTOR);
    await stageUpload('shop', job.id, { format: 'retail', names: RETAIL_FILES.slice() }, demoFiles(60));
    await updateJob('shop', job.id, (j) => ({ ...j, cancelRequested: true }));
    const done = await runJob('shop', job.id);
    expect(done.status).toBe('cancelled');
    expect(await readManifest('shop')).toBeUndefined();
  });

  it('a job whose process died is reported as failed, with the reason', async () => {
    const job = await createJob('shop', 'ingest', {}, SYSTEM_ACTOR);
    await updateJob('shop', job.id, (j) => ({ ...j, status: 'running', pid: 2 ** 22 + 12345 }));
    const seen = await getJobOrThrow({ tenantId: 'shop', jobId: job.id });
    expect(seen.status).toBe('failed');
    expect(seen.error).toMatch(/stopped unexpectedly/);
  });

  it("finds only the tenant's own jobs", async () => {
    await createTenant({ id: 'rival', name: 'Rival', tier: 'enterprise' });
    const job = await createJob('rival', 'ingest', {}, SYSTEM_ACTOR);
    await expect(getJobOrThrow({ tenantId: 'shop', jobId: job.id })).rejects.toThrow(/not found/);
  });
});
