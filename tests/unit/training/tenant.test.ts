import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { createTenant, getTenantOrThrow } from '@/lib/tenants';
import { ingestDataset } from '@/lib/datasets/ingest';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { loadTenantForecaster, trainTenant } from '@/lib/training';
import { evaluateCommand } from '@/scripts/commands/train';

describe('trainTenant on a stored dataset', () => {
  it('trains from the tenant files and serves from the artifact (planned promotions applied)', async () => {
    process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-training-'));
    await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
    await expect(trainTenant('shop')).rejects.toThrow(/no dataset/);
    const demo = generateRetailDemo({ seed: 5, scale: 0.1, days: 450 });
    await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] })) }, SYSTEM_ACTOR);
    const run = await trainTenant('shop', { algorithms: ['ridge'], seed: 2 });
    expect(run.best).toBe('ridge');
    expect(run.datasetFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(run.trainingWindow.to).toBe(demo.groundTruth.endDate);
    const f = await loadTenantForecaster('shop', JSON.parse(JSON.stringify(run.artifact)));
    const total = f.forecast({ level: 'total', horizon: 90 });
    expect(total.dates[0] > demo.groundTruth.endDate).toBe(true);
    expect(total.mean.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(total.p95.every(([lo, hi], k) => lo <= total.p80[k][0] && hi >= total.p80[k][1])).toBe(true);

    // evaluate --json prints exactly one JSON object on stdout.
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      await evaluateCommand(['--tenant', 'shop', '--holdout-days', '14', '--json']);
    } finally {
      spy.mockRestore();
    }
    const parsed = JSON.parse(out.join('')) as { models: Record<string, { wape: number }>; best: string; coverage: { p80: number; p95: number } };
    expect(Object.keys(parsed.models).sort()).toEqual(['ensemble', 'gbm', 'moving_average', 'rf', 'ridge', 'seasonal_naive']);
    expect(parsed.models[parsed.best].wape).toBeLessThanOrEqual(parsed.models.ridge.wape);
    expect(parsed.coverage.p80).toBeGreaterThan(0);
  }, 60_000);
});
