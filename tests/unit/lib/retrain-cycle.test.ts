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
    // The first cycle trains (so it holds the tenant's lock) until the test lets it go.
    const deps = fakeDeps({ wape: 0.2 }, champion);
    let training!: () => void;
    const insideLock = new Promise<void>((resolve) => (training = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = runRetrainCycle(
      'shop',
      {
        ...deps,
        async train(tenantId, options, progress) {
          training();
          await held;
          return deps.train(tenantId, options, progress);
        },
      },
      SYSTEM_ACTOR,
      'a',
    );
    await insideLock;
    await expect(runRetrainCycle('shop', fakeDeps({ wape: 0.2 }, champion), SYSTEM_ACTOR, 'b')).rejects.toThrow(/already running/);
    release();
    expect((await first).version?.id).toBe('v2');
    // Once it has ended, the next cycle runs.
    expect((await runRetrainCycle('shop', fakeDeps({ wape: 0.1 }, champion), SYSTEM_ACTOR, 'c')).version?.id).toBe('v3');
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
    const withDataEnd = (last: string, trained: string[]) => {
      const deps = fakeDeps({ wape: 0.2, stores: [['1', 0.2, 0.6], ['2', 0.25, 0.4]] }, champion);
      return {
        ...deps,
        train: (tenantId: string, options: { tune: boolean }, progress: (d: number, t: number, m: string) => void) => {
          trained.push(tenantId);
          return deps.train(tenantId, options, progress);
        },
        dataEnd: async () => ({ last, step: 1 }),
      };
    };

    it('skips the cycle without training or registering while under a whole hold-out (30 days) is new', async () => {
      const before = await readRegistry('shop');
      for (const [last, n] of [['2023-11-04', 3], ['2023-11-30', 29]] as const) {
        const trained: string[] = [];
        const out = await runRetrainCycle('shop', withDataEnd(last, trained), SYSTEM_ACTOR, 'decay');
        expect(out.version).toBeNull();
        expect(out.decision.reason).toMatch(new RegExp(`Only ${n} new days since v1 .*hold-out of 30 days`));
        expect(trained).toEqual([]);
      }
      expect(await readRegistry('shop')).toEqual(before);
    });

    it('trains and compares once 30 or more days are new', async () => {
      const trained: string[] = [];
      const out = await runRetrainCycle('shop', withDataEnd('2023-12-01', trained), SYSTEM_ACTOR, 'schedule');
      expect(trained).toEqual(['shop']);
      expect(out.version?.id).toBe('v2');
      expect(out.decision.promote).toBe(true);
    });
  });
});
