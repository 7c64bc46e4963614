import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createTenant } from '@/lib/tenants';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { productionVersion, readRegistry, registerVersion } from '@/lib/registry/store';
import { runRetrainCycle } from '@/lib/retraining/cycle';
import { listAlerts } from '@/lib/alerts';
import { fakeDeps } from '../../support/fake-cycle-deps';

let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-cycle-'));
  process.env.FORESIGHT_HOME = home;
  process.env.FORESIGHT_CODE_VERSION = 'test';
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
  // The champion in production.
  await registerVersion(
    'shop',
    { algorithm: 'gbm', params: {}, metrics: { wape: 0.3 }, baselineMetrics: {}, segmentMetrics: {}, featureSchema: [], datasetFingerprint: 'old', trainingWindow: { from: '2022-01-01', to: '2023-11-01' }, author: 't', stage: 'staging', experimentId: null },
    { champion: true },
    SYSTEM_ACTOR,
  );
});

const champion = { wape: 0.3, segments: [['1', 0.3, 0.6], ['2', 0.3, 0.4]].map(([segment, wape, share]) => ({ level: 'store', segment: String(segment), wape: Number(wape), share: Number(share) })) };

describe('retraining cycle', () => {
  it('promotes a challenger better overall with no large store worse', async () => {
    const out = await runRetrainCycle('shop', fakeDeps({ wape: 0.2, stores: [['1', 0.2, 0.6], ['2', 0.25, 0.4]] }, champion), SYSTEM_ACTOR, 'schedule');
    expect(out.decision.promote).toBe(true);
    expect((await productionVersion('shop'))?.id).toBe(out.version?.id);
    expect((await listAlerts('shop'))[0].title).toMatch(/promoted/);
  });

  it('keeps a worse challenger in staging and says why', async () => {
    const out = await runRetrainCycle('shop', fakeDeps({ wape: 0.35 }, champion), SYSTEM_ACTOR, 'decay');
    expect(out.version?.stage).toBe('staging');
    expect(out.version?.stageReason).toMatch(/not at least 1\.00% better/);
    expect((await productionVersion('shop'))?.id).toBe('v1');
  });

  it('keeps a challenger better overall but worse on a large store, naming the store', async () => {
    const out = await runRetrainCycle('shop', fakeDeps({ wape: 0.2, stores: [['1', 0.1, 0.6], ['2', 0.4, 0.4]] }, champion), SYSTEM_ACTOR, 'drift');
    expect(out.version?.stage).toBe('staging');
    expect(out.version?.stageReason).toMatch(/store 2/);
    expect((await productionVersion('shop'))?.id).toBe('v1');
  });

  it('runs one cycle at a time per tenant', async () => {
    const slow = runRetrainCycle('shop', fakeDeps({ wape: 0.2 }, champion, 300), SYSTEM_ACTOR, 'a');
    await new Promise((r) => setTimeout(r, 50));
    await expect(runRetrainCycle('shop', fakeDeps({ wape: 0.2 }, champion), SYSTEM_ACTOR, 'b')).rejects.toThrow(/already running/);
    await slow;
  });

  it('a cycle killed mid-way leaves the registry byte-identical, and the next cycle still runs', async () => {
    const registryFile = path.join(home, 'models', 'shop', 'registry.json');
    const before = await fs.readFile(registryFile);
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../support/retrain-child.ts')], {
      env: { ...process.env, FORESIGHT_HOME: home },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('training') && resolve()));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect((await fs.readFile(registryFile)).equals(before)).toBe(true);
    const out = await runRetrainCycle('shop', fakeDeps({ wape: 0.2 }, null), SYSTEM_ACTOR, 'after kill');
    expect(out.version?.id).toBe('v2');
    expect((await readRegistry('shop')).versions).toHaveLength(2);
  });

  describe('only days the champion never saw judge it', () => {
    const withDataEnd = (last: string, asked: (number | undefined)[]) => {
      const deps = fakeDeps({ wape: 0.2, stores: [['1', 0.2, 0.6], ['2', 0.25, 0.4]] }, champion);
      return {
        ...deps,
        train: (tenantId: string, options: { tune: boolean; holdoutDays?: number }, progress: (d: number, t: number, m: string) => void) => {
          asked.push(options.holdoutDays);
          return deps.train(tenantId, options, progress);
        },
        dataEnd: async () => ({ last, step: 1 }),
      };
    };

    it('skips the cycle without training or registering when under a week is new', async () => {
      const before = await readRegistry('shop');
      const asked: (number | undefined)[] = [];
      const out = await runRetrainCycle('shop', withDataEnd('2023-11-04', asked), SYSTEM_ACTOR, 'schedule');
      expect(out.version).toBeNull();
      expect(out.decision.reason).toMatch(/Only 3 new days since v1 .*at least 7/);
      expect(asked).toEqual([]);
      expect(await readRegistry('shop')).toEqual(before);
    });

    it('scores the challenger on exactly the new days when fewer than the usual 30 arrived', async () => {
      const asked: (number | undefined)[] = [];
      const out = await runRetrainCycle('shop', withDataEnd('2023-11-13', asked), SYSTEM_ACTOR, 'schedule');
      expect(asked).toEqual([12]);
      expect(out.version?.id).toBe('v2');
    });

    it('keeps the usual hold-out when a month or more is new', async () => {
      const asked: (number | undefined)[] = [];
      await runRetrainCycle('shop', withDataEnd('2023-12-31', asked), SYSTEM_ACTOR, 'schedule');
      expect(asked).toEqual([undefined]);
    });
  });
});
