import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant } from '@/lib/tenants';
import { SYSTEM_ACTOR } from '@/lib/audit';
import {
  archiveVersion,
  compareVersions,
  listVersions,
  productionVersion,
  promoteVersion,
  readArtifact,
  readRegistry,
  registerVersion,
  rollbackProduction,
  type NewVersion,
} from '@/lib/registry/store';

let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-registry-'));
  process.env.FORESIGHT_HOME = home;
  process.env.FORESIGHT_CODE_VERSION = 'test';
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
});

const version = (wape: number): NewVersion => ({
  algorithm: 'gbm',
  params: { trees: 100 },
  metrics: { wape, mae: 1 },
  baselineMetrics: { wape: 0.5 },
  segmentMetrics: { store: [{ segment: '1', wape, share: 0.6 }] },
  featureSchema: ['lag_7'],
  datasetFingerprint: 'abc',
  trainingWindow: { from: '2022-01-01', to: '2023-12-31' },
  author: 'test',
  stage: 'staging',
  experimentId: null,
});

describe('model registry', () => {
  it('promotes the first version automatically and keeps later ones in staging', async () => {
    const v1 = await registerVersion('shop', version(0.3), { model: 1 }, SYSTEM_ACTOR);
    const v2 = await registerVersion('shop', version(0.2), { model: 2 }, SYSTEM_ACTOR);
    expect(v1.stage).toBe('production');
    expect(v2.stage).toBe('staging');
    expect(await readArtifact('shop', 'v2')).toEqual({ model: 2 });
    expect((await listVersions('shop')).map((v) => v.id)).toEqual(['v2', 'v1']);
  });

  it('ends 50 concurrent promotions of different versions with exactly one production version and a valid file', async () => {
    for (let i = 0; i < 50; i++) await registerVersion('shop', version(0.2 + i / 1000), { i }, SYSTEM_ACTOR);
    const ids = (await listVersions('shop')).map((v) => v.id);
    const results = await Promise.allSettled(ids.map((id) => promoteVersion('shop', id, SYSTEM_ACTOR)));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(0);
    const reg = await readRegistry('shop');
    expect(reg.versions.filter((v) => v.stage === 'production')).toHaveLength(1);
    expect(reg.versions).toHaveLength(50);
    JSON.parse(await fs.readFile(path.join(home, 'models', 'shop', 'registry.json'), 'utf8'));
  });

  it('rolls back to the previous production version, and a second rollback goes one step further back', async () => {
    await registerVersion('shop', version(0.3), {}, SYSTEM_ACTOR);
    await registerVersion('shop', version(0.2), {}, SYSTEM_ACTOR);
    await registerVersion('shop', version(0.1), {}, SYSTEM_ACTOR);
    await promoteVersion('shop', 'v2', SYSTEM_ACTOR);
    await promoteVersion('shop', 'v3', SYSTEM_ACTOR);
    expect((await productionVersion('shop'))?.id).toBe('v3');
    await rollbackProduction('shop', SYSTEM_ACTOR);
    expect((await productionVersion('shop'))?.id).toBe('v2');
    await rollbackProduction('shop', SYSTEM_ACTOR);
    expect((await productionVersion('shop'))?.id).toBe('v1');
    await expect(rollbackProduction('shop', SYSTEM_ACTOR)).rejects.toThrow(/nothing to roll back/);
  });

  it('refuses to archive the production version, and compares two versions', async () => {
    const a = await registerVersion('shop', version(0.3), {}, SYSTEM_ACTOR);
    const b = await registerVersion('shop', version(0.2), {}, SYSTEM_ACTOR);
    await expect(archiveVersion('shop', a.id, SYSTEM_ACTOR)).rejects.toThrow(/cannot be archived/);
    await archiveVersion('shop', b.id, SYSTEM_ACTOR);
    const cmp = compareVersions(a, b);
    expect(cmp.metrics.find((m) => m.metric === 'wape')?.diff).toBeCloseTo(-0.1);
    expect(cmp.segments[0]).toMatchObject({ level: 'store', segment: '1' });
  });
});

describe('registering a challenger as production', () => {
  it('promotes and archives the champion in one change, with the reason', async () => {
    await registerVersion('shop', version(0.3), {}, SYSTEM_ACTOR);
    const v2 = await registerVersion('shop', { ...version(0.2), stage: 'production', stageReason: 'auto-retraining: better by 33%' }, {}, SYSTEM_ACTOR);
    expect(v2.stage).toBe('production');
    const reg = await readRegistry('shop');
    expect(reg.versions.find((v) => v.id === 'v1')?.stage).toBe('archived');
    expect(reg.history.at(-1)).toMatchObject({ action: 'promote', versionId: 'v2', previousProduction: 'v1' });
    await rollbackProduction('shop', SYSTEM_ACTOR);
    expect((await productionVersion('shop'))?.id).toBe('v1');
  });
});
