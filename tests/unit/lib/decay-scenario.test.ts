import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { createTenant, getTenantOrThrow } from '@/lib/tenants';
import { ingestDataset } from '@/lib/datasets/ingest';
import { listAlerts } from '@/lib/alerts';
import { queryAudit, SYSTEM_ACTOR } from '@/lib/audit';
import { trainAndRegister } from '@/lib/training/register';
import { trainingDeps } from '@/lib/retraining/deps';
import { runRetrainCycle } from '@/lib/retraining/cycle';
import { listVersions, productionVersion } from '@/lib/registry/store';
import { getJobOrThrow } from '@/lib/jobs/store';
import { retrainJobParamsSchema } from '@/lib/schemas/jobs';
import { latestLiveError } from '@/lib/monitoring/decay';
import { triggerRetraining } from '@/lib/monitoring/triggers';
import { latestDriftReport } from '@/lib/monitoring/drift';
import { updateRetrainingSettings } from '@/lib/retraining-settings';

// The real launchJob runs (job record, one-per-kind conflict, audit); only the worker process is
// not started: the test runs the retraining cycle in this process, with fast training options.
const spawned: string[][] = [];
vi.mock('node:child_process', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:child_process')>();
  return {
    ...actual,
    spawn: (_cmd: string, args: string[]) => {
      spawned.push(args);
      return { pid: undefined, unref: () => undefined };
    },
  };
});

const SHIFT_FROM = '2023-03-01';
const FAST = { algorithms: ['gbm' as const], seed: 3, calibrationWindows: 1 };

/** The demo up to `endDate`; `factor` 0.5 is a new competitor halving demand in every store from SHIFT_FROM on. */
function demoFiles(endDate: string, factor = 0.5) {
  const demo = generateRetailDemo({ seed: 21, scale: 0.1, startDate: '2022-01-01', endDate, demandShift: { from: SHIFT_FROM, factor } });
  return RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] }));
}

async function freshTenant() {
  process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-decay-'));
  process.env.FORESIGHT_CODE_VERSION = 'test';
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
  spawned.length = 0;
}

describe('decay scenario: demand changes after a date', () => {
  it('the production model decays on the new days, a decay retrain is triggered once, and the retrained model is promoted', async () => {
    await freshTenant();

    // Days before the change, and the production model trained on them.
    await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: demoFiles('2023-02-28') }, SYSTEM_ACTOR);
    const first = await trainAndRegister('shop', FAST, SYSTEM_ACTOR);
    expect(first.version.stage).toBe('production');
    expect(first.version.trainingWindow.to).toBe('2023-02-28');
    const holdoutWape = first.version.metrics.wape as number;

    // 75 newer days arrive through the append path.
    const out = await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: demoFiles('2023-05-14') }, SYSTEM_ACTOR);
    expect(out.status).toBe('imported');
    expect(out.decay).toBe('decayed');

    const live = await latestLiveError('shop');
    expect(live).toBeDefined();
    expect(live!.versionId).toBe(first.version.id);
    expect(live!.origin).toBe('2023-02-28');
    expect(live!.scored).toMatchObject({ from: '2023-03-01', to: '2023-05-14', periods: 75 });
    expect(live!.daily).toHaveLength(75);
    expect(live!.referenceWape).toBeCloseTo(holdoutWape, 12);
    expect(live!.current!.days).toBe(14);
    expect(live!.current!.to).toBe('2023-05-14');
    // Demand halved, the model still forecasts the old level: far above its hold-out figure.
    expect(live!.current!.wape!).toBeGreaterThan(holdoutWape * 1.05);
    expect(live!.status).toBe('decayed');
    const decayAlerts = await listAlerts('shop', { kind: 'decay' });
    expect(decayAlerts).toHaveLength(1);
    expect(decayAlerts[0].details.versionId).toBe(first.version.id);
    // The target drifted too (PSI over 0.25): decay wins as the recorded trigger.
    expect((await latestDriftReport('shop'))!.columns.find((c) => c.role === 'target')!.psi!).toBeGreaterThan(0.25);

    // One retrain job, as the system, with trigger 'decay'; a second trigger finds it running.
    expect(out.retrainJobId).toMatch(/^j_/);
    expect(spawned).toHaveLength(1);
    const job = await getJobOrThrow({ tenantId: 'shop', jobId: out.retrainJobId! });
    expect(job.kind).toBe('retrain');
    expect(job.actor?.type).toBe('system');
    const { trigger } = retrainJobParamsSchema.parse(job.params);
    expect(trigger).toBe('decay');
    const again = await triggerRetraining('shop', { decay: { decayed: true, reason: 'test' }, drifted: [] });
    expect(again).toMatchObject({ status: 'running', jobId: job.id });
    expect(spawned).toHaveLength(1);
    const audit = await queryAudit('shop', { action: 'models.retrain.trigger', page: 1, pageSize: 50 });
    expect(audit.records.map((a) => a.details.job)).toEqual(expect.arrayContaining(['started', 'already running']));

    // The cycle the job runs: the challenger, trained on the new days too, beats the champion on
    // the same latest hold-out (all after the change) and is promoted with the reason written.
    const outcome = await runRetrainCycle('shop', trainingDeps(FAST), SYSTEM_ACTOR, trigger);
    expect(outcome.decision.promote, outcome.decision.reason).toBe(true);
    expect(outcome.decision.reason).toMatch(/beats the champion/);
    const prod = await productionVersion('shop');
    expect(prod!.id).toBe(outcome.version?.id);
    expect(prod!.stageReason).toMatch(/^auto-retraining \(decay\): Challenger WAPE/);
    expect((await listVersions('shop')).find((v) => v.id === first.version.id)!.stage).toBe('archived');
    expect((await listAlerts('shop', { kind: 'retraining' }))[0].title).toContain('promoted');
  }, 120_000);

  it('unchanged demand: the same model stays healthy over the same days (no decay alert, no retrain)', async () => {
    await freshTenant();
    await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: demoFiles('2023-02-28', 1) }, SYSTEM_ACTOR);
    const first = await trainAndRegister('shop', FAST, SYSTEM_ACTOR);
    await updateRetrainingSettings(await getTenantOrThrow('shop'), { onDrift: false });
    const out = await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: demoFiles('2023-05-14', 1) }, SYSTEM_ACTOR);
    expect(out.decay).toBe('healthy');
    const live = (await latestLiveError('shop'))!;
    expect(live.current!.full).toBe(true);
    expect(live.current!.wape!).toBeLessThanOrEqual(live.threshold!);
    expect(live.threshold).toBeCloseTo((first.version.metrics.wape as number) * 1.05, 12);
    // The model still beats seasonal naive on the newest window.
    expect(live.current!.wape!).toBeLessThan(live.current!.naiveWape!);
    expect(await listAlerts('shop', { kind: 'decay' })).toHaveLength(0);
    expect(out.retrainJobId).toBeNull();
    expect(spawned).toHaveLength(0);
  }, 120_000);
});
