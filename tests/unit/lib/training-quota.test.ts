import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant } from '@/lib/tenants';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { createJob } from '@/lib/jobs/store';
import { assertTrainingQuota } from '@/lib/jobs/spawn';
import { registerVersion } from '@/lib/registry/store';
import { isAppError } from '@/lib/errors';

let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-quota-'));
  process.env.FORESIGHT_HOME = home;
  process.env.FORESIGHT_CODE_VERSION = 'test';
  await createTenant({ id: 'small', name: 'Small', tier: 'starter' });
});

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
}

const version = { algorithm: 'ridge', params: {}, metrics: { wape: 0.5 }, baselineMetrics: {}, segmentMetrics: {}, featureSchema: [], datasetFingerprint: 'fp', trainingWindow: { from: '2023-01-01', to: '2023-12-31' }, author: 't', stage: 'staging' as const, experimentId: null };

describe('training quotas of the plan', () => {
  it('refuses the 6th training job in 24 hours on the starter plan (5 a day), train and retrain alike', async () => {
    for (let i = 0; i < 5; i++) {
      await assertTrainingQuota('small', i % 2 ? 'retrain' : 'train');
      await createJob('small', i % 2 ? 'retrain' : 'train', {}, SYSTEM_ACTOR);
    }
    const r = await refusal(assertTrainingQuota('small', 'retrain'));
    expect(r.code).toBe('quota_exceeded');
    expect(r.message).toMatch(/allows 5 training jobs a day, and 5 were started/);
    // A day later the window has moved on.
    await expect(assertTrainingQuota('small', 'retrain', Date.now() + 86_400_001)).resolves.toBeUndefined();
  });

  it('refuses a manual training run when the plan’s model versions are all kept, but lets a retraining cycle renew it', async () => {
    await registerVersion('small', version, {}, SYSTEM_ACTOR); // v1, in production: the starter plan's one model
    const r = await refusal(assertTrainingQuota('small', 'train'));
    expect(r.code).toBe('quota_exceeded');
    expect(r.message).toMatch(/keeps 1 model version besides archived ones.*archive one/);
    await expect(assertTrainingQuota('small', 'retrain')).resolves.toBeUndefined();
  });
});
