import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RECENT_DAYS, seedDemo } from '@/lib/demo';
import { readManifest } from '@/lib/datasets/store';
import { latestLiveError } from '@/lib/monitoring/decay';
import { latestDriftReport } from '@/lib/monitoring/drift';
import { listJobs } from '@/lib/jobs/store';
import { listVersions } from '@/lib/registry/store';
import { DEFAULT_DEMO_OPTIONS } from '@/ml/data/generator';
import { formatDay, parseIsoDay } from '@/ml/data/dates';

let home: string;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-demo-seed-'));
  process.env.FORESIGHT_HOME = home;
  process.env.BCRYPT_ROUNDS = '4';
});

afterAll(() => fs.rm(home, { recursive: true, force: true }));

describe('seedDemo', () => {
  it('trains the first model on the default 760 days, then imports the newer days so Monitoring has something to show', async () => {
    const seeded = await seedDemo('Seed-pass-2026', { scale: 0.05 });
    const lastTrained = formatDay(parseIsoDay(DEFAULT_DEMO_OPTIONS.startDate) + DEFAULT_DEMO_OPTIONS.days - 1);
    expect(seeded.model?.stage).toBe('production');
    expect(seeded.model?.trainingWindow.to).toBe(lastTrained);
    const manifest = await readManifest('demo');
    expect(manifest?.imports).toHaveLength(2);
    expect(manifest?.dateRange?.last).toBe(formatDay(parseIsoDay(lastTrained) + DEMO_RECENT_DAYS));
    expect(seeded.data?.message).toMatch(/^Appended [\d,]+ rows of newer days\./);
    // The production model scored on the days it never saw, and their drift measured...
    const live = await latestLiveError('demo');
    expect(live?.versionId).toBe('v1');
    expect(live?.windows.length).toBeGreaterThan(0);
    expect(live?.current?.to).toBe(manifest?.dateRange?.last); // the newest window ends on the last day
    expect(live?.windows.map((w) => w.days).reduce((a, b) => a + b, 0)).toBe(DEMO_RECENT_DAYS);
    expect((await latestDriftReport('demo'))?.current.from).toBe(formatDay(parseIsoDay(lastTrained) + 1));
    // ...and no retraining started by the seed, whatever the signals.
    expect(await listJobs('demo', { kind: 'retrain', limit: 5 })).toEqual([]);
    // Seeding again changes nothing.
    const again = await seedDemo('Seed-pass-2026', { scale: 0.05 });
    expect(again.created).toBe(false);
    expect((await readManifest('demo'))?.imports).toHaveLength(2);
    expect(await listVersions('demo')).toHaveLength(1);
  }, 120_000);
});
