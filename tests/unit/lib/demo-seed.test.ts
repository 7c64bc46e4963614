import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_RECENT_DAYS, demoDataOptions, seedDemo, seedDemoData } from '@/lib/demo';
import { readManifest } from '@/lib/datasets/store';
import { latestLiveError } from '@/lib/monitoring/decay';
import { latestDriftReport } from '@/lib/monitoring/drift';
import { listJobs } from '@/lib/jobs/store';
import { listVersions } from '@/lib/registry/store';
import { DEFAULT_DEMO_OPTIONS } from '@/ml/data/generator';
import { formatDay, parseIsoDay } from '@/ml/data/dates';

const homes: string[] = [];
const lastTrained = formatDay(parseIsoDay(DEFAULT_DEMO_OPTIONS.startDate) + DEFAULT_DEMO_OPTIONS.days - 1);
// Demand halves a few days into the recent days: the production model decays on them, so the
// seed's "no retraining" is tested against a real signal.
const SHIFT = { from: formatDay(parseIsoDay(lastTrained) + 5), factor: 0.4 };

beforeEach(async () => {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-demo-seed-'));
  homes.push(home);
  process.env.FORESIGHT_HOME = home;
  process.env.BCRYPT_ROUNDS = '4';
});

afterAll(() => Promise.all(homes.map((h) => fs.rm(h, { recursive: true, force: true }))));

describe('seedDemo', () => {
  it('trains the first model on the default 760 days, then imports the newer days so Monitoring has something to show', async () => {
    const seeded = await seedDemo('Seed-pass-2026', { scale: 0.05, demandShift: SHIFT });
    expect(seeded.model?.stage).toBe('production');
    expect(seeded.model?.trainingWindow.to).toBe(lastTrained);
    const manifest = await readManifest('demo');
    expect(manifest?.imports).toHaveLength(2);
    expect(manifest?.dateRange?.last).toBe(formatDay(parseIsoDay(lastTrained) + DEMO_RECENT_DAYS));
    expect(seeded.data?.message).toMatch(/^Appended [\d,]+ rows of newer days\./);
    // The production model scored on the days it never saw (and found decayed), their drift measured...
    const live = await latestLiveError('demo');
    expect(live?.versionId).toBe('v1');
    expect(live?.status).toBe('decayed');
    expect(live?.current?.to).toBe(manifest?.dateRange?.last); // the newest window ends on the last day
    expect(live?.windows.map((w) => w.days).reduce((a, b) => a + b, 0)).toBe(DEMO_RECENT_DAYS);
    expect((await latestDriftReport('demo'))?.current.from).toBe(formatDay(parseIsoDay(lastTrained) + 1));
    // ...and no retraining started by the seed although onDecay is on and the model decayed.
    expect(await listJobs('demo', { kind: 'retrain', limit: 5 })).toEqual([]);
    // Seeding again changes nothing.
    const again = await seedDemo('Seed-pass-2026', { scale: 0.05, demandShift: SHIFT });
    expect(again.created).toBe(false);
    expect((await readManifest('demo'))?.imports).toHaveLength(2);
    expect(await listVersions('demo')).toHaveLength(1);
  }, 120_000);

  it('completes a seed that stopped after its first import: trains, then adds the newer days', async () => {
    await seedDemo('Seed-pass-2026', null, { train: false }); // accounts only
    await seedDemoData(demoDataOptions({ scale: 0.05 }, DEMO_RECENT_DAYS), undefined, DEMO_RECENT_DAYS);
    expect((await readManifest('demo'))?.dateRange?.last).toBe(lastTrained);
    const resumed = await seedDemo('Seed-pass-2026', { scale: 0.05 });
    expect(resumed.created).toBe(true);
    expect(resumed.model?.trainingWindow.to).toBe(lastTrained);
    expect((await readManifest('demo'))?.imports).toHaveLength(2);
  }, 120_000);
});
