import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { createTenant, getTenantOrThrow } from '@/lib/tenants';
import { ingestDataset } from '@/lib/datasets/ingest';
import { queryExperiments, experimentQuerySchema } from '@/lib/experiments';
import { listVersions, readArtifact, readRegistry } from '@/lib/registry/store';
import { trainAndRegister } from '@/lib/training/register';
import { trainingArtifactSchema } from '@/ml/training';

const manager = { type: 'user' as const, id: 'u_manager', label: 'manager@shop.test' };
const experiments = async (tenantId: string) => (await queryExperiments(tenantId, experimentQuerySchema.parse({ order: 'asc', pageSize: 500 }))).experiments;

describe('trainAndRegister', () => {
  beforeAll(async () => {
    process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-register-'));
    await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
    const demo = generateRetailDemo({ seed: 5, scale: 0.1, days: 450 });
    await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] })) }, manager);
  });

  it('puts the first version in production with every registry field (docs/architecture.md), and records the run', async () => {
    const steps: [number, number][] = [];
    const { version, run, experiment } = await trainAndRegister('shop', { algorithms: ['ridge'], seed: 3 }, manager, (d, t) => steps.push([d, t]));
    expect(version).toMatchObject({ id: 'v1', stage: 'production', algorithm: 'ridge', author: manager.label, promotedBy: manager.label, experimentId: experiment.id });
    expect(version.metrics.wape).toBeCloseTo(run.models.ridge.wape, 12);
    expect(version.baselineMetrics.wape).toBeCloseTo(run.baselines.seasonal_naive.wape, 12);
    expect(version.metrics.coverage_p80).toBeGreaterThan(0);
    expect(version.segmentMetrics.store?.length).toBeGreaterThan(0);
    expect(version.segmentMetrics.category?.length).toBeGreaterThan(0);
    expect(version.featureSchema).toEqual(run.artifact.featureNames);
    expect(version.datasetFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(version.trainingWindow).toEqual(run.trainingWindow);
    expect(version.codeVersion.length).toBeGreaterThan(0);
    expect(trainingArtifactSchema.parse(await readArtifact('shop', 'v1')).algorithm).toBe('ridge');
    // progress only moves forward and ends full
    expect(steps.at(-1)).toEqual([1, 1]);
    const exps = await experiments('shop');
    expect(exps).toHaveLength(1);
    expect(exps[0]).toMatchObject({ kind: 'train', status: 'succeeded', algorithm: 'ridge', author: manager.label, datasetFingerprint: version.datasetFingerprint });
    expect(exps[0].metrics.wape).toBeCloseTo(run.models.ridge.wape, 12);
  }, 120_000);

  it('puts a later version in staging with how it compares, and records every tuning trial', async () => {
    const { version, trialExperiments } = await trainAndRegister('shop', { algorithms: ['gbm'], tune: true, tuneTrials: 2, seed: 3 }, manager);
    expect(version.id).toBe('v2');
    expect(version.stage).toBe('staging');
    expect(version.stageReason).toMatch(/production v1/);
    expect(version.stageReason).toMatch(/hold-out WAPE \d/);
    expect((await listVersions('shop')).find((v) => v.id === 'v1')?.stage).toBe('production');
    expect(trialExperiments).toBe(2);
    const exps = await experiments('shop');
    const trials = exps.filter((e) => e.kind === 'tune-trial');
    expect(trials).toHaveLength(2);
    expect(trials.every((t) => t.algorithm === 'gbm' && t.folds.length === 3 && t.datasetFingerprint === version.datasetFingerprint)).toBe(true);
    expect(exps.filter((e) => e.kind === 'train').map((e) => e.algorithm)).toEqual(['ridge', 'gbm']);
  }, 180_000);

  it('a cancelled run is recorded as cancelled and leaves the registry as it was', async () => {
    const before = JSON.stringify(await readRegistry('shop'));
    const controller = new AbortController();
    const run = trainAndRegister('shop', { algorithms: ['ridge'] }, manager, (done) => {
      if (done >= 1) controller.abort(new Error('cancelled'));
    }, controller.signal);
    await expect(run).rejects.toThrow(/cancelled/);
    expect(JSON.stringify(await readRegistry('shop'))).toBe(before);
    const last = (await experiments('shop')).at(-1);
    expect(last).toMatchObject({ kind: 'train', status: 'cancelled', versionId: null });
  }, 120_000);
});
