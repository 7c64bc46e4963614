import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTenant, getTenantOrThrow } from '@/lib/tenants';
import { queryAudit, SYSTEM_ACTOR } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { registerVersion } from '@/lib/registry/store';
import { updateRetrainingSettings } from '@/lib/retraining-settings';
import { triggerRetraining, type RetrainLauncher } from '@/lib/monitoring/triggers';

beforeEach(async () => {
  process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-triggers-'));
  process.env.FORESIGHT_CODE_VERSION = 'test';
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
});

async function withProduction() {
  await registerVersion(
    'shop',
    { algorithm: 'ridge', params: {}, metrics: { wape: 0.3 }, baselineMetrics: {}, segmentMetrics: {}, featureSchema: [], datasetFingerprint: 'f', trainingWindow: { from: '2022-01-01', to: '2022-12-31' }, author: 'test', stage: 'production', experimentId: null },
    { kind: 'test' },
    SYSTEM_ACTOR,
  );
}

const launcher = () => vi.fn<RetrainLauncher>(async () => ({ id: 'j_0000000000000001' }));
const decayed = { decayed: true, reason: 'v1 WAPE 40% against 30%' };

describe('retraining triggers', () => {
  it('nothing without a production version', async () => {
    const launch = launcher();
    expect(await triggerRetraining('shop', { decay: decayed, drifted: ['price'] }, launch)).toBeNull();
    expect(launch).not.toHaveBeenCalled();
  });

  it('decay starts one retrain as the system with trigger "decay" (decay wins over drift), audited', async () => {
    await withProduction();
    const launch = launcher();
    const out = await triggerRetraining('shop', { decay: decayed, drifted: ['price'] }, launch);
    expect(out).toEqual({ trigger: 'decay', status: 'started', jobId: 'j_0000000000000001', reason: decayed.reason });
    expect(launch).toHaveBeenCalledTimes(1);
    expect(launch).toHaveBeenCalledWith({ tenantId: 'shop', actor: SYSTEM_ACTOR, ip: '' }, 'retrain', { trigger: 'decay' });
    const audit = await queryAudit('shop', { action: 'models.retrain.trigger', page: 1, pageSize: 10 });
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0]).toMatchObject({ actor: SYSTEM_ACTOR, target: 'j_0000000000000001', details: { trigger: 'decay', job: 'started' } });
  });

  it('drift triggers when decay does not, and the settings switch each off', async () => {
    await withProduction();
    const launch = launcher();
    expect(await triggerRetraining('shop', { decay: { decayed: false, reason: '' }, drifted: ['price'] }, launch)).toMatchObject({ trigger: 'drift', status: 'started' });
    expect(launch).toHaveBeenLastCalledWith(expect.anything(), 'retrain', { trigger: 'drift' });
    expect(await triggerRetraining('shop', { decay: null, drifted: [] }, launch)).toBeNull();
    await updateRetrainingSettings(await getTenantOrThrow('shop'), { onDecay: false });
    expect(await triggerRetraining('shop', { decay: decayed, drifted: ['price'] }, launch)).toMatchObject({ trigger: 'drift' });
    await updateRetrainingSettings(await getTenantOrThrow('shop'), { onDrift: false });
    expect(await triggerRetraining('shop', { decay: decayed, drifted: ['price'] }, launch)).toBeNull();
    expect(launch).toHaveBeenCalledTimes(2);
  });

  it('a retrain already running is fine (no second job); other launch errors propagate', async () => {
    await withProduction();
    const busy = vi.fn<RetrainLauncher>(async () => {
      throw new AppError('conflict', 'Another retrain job is still running', { jobId: 'j_00000000000000aa' });
    });
    expect(await triggerRetraining('shop', { decay: decayed, drifted: [] }, busy)).toMatchObject({ status: 'running', jobId: 'j_00000000000000aa' });
    const audit = await queryAudit('shop', { action: 'models.retrain.trigger', page: 1, pageSize: 10 });
    expect(audit.records[0].details.job).toBe('already running');
    const broken = vi.fn<RetrainLauncher>(async () => {
      throw new Error('disk full');
    });
    await expect(triggerRetraining('shop', { decay: decayed, drifted: [] }, broken)).rejects.toThrow('disk full');
  });
});
