import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';

let browser: Browser;
let windows = 0;

// A tenant whose production model decays: trained before demand halves, then newer days imported
// (the triggers are switched off so no retraining worker competes for the machine).
beforeAll(async () => {
  browser = await launch();
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { getTenantOrThrow } = await import('@/lib/tenants');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  const { ingestDataset } = await import('@/lib/datasets/ingest');
  const { trainAndRegister } = await import('@/lib/training/register');
  const { updateRetrainingSettings } = await import('@/lib/retraining-settings');
  const { latestLiveError } = await import('@/lib/monitoring/decay');
  const { generateRetailDemo, RETAIL_FILES } = await import('@/ml/data/generator');
  await createTenantWithAdmin({ id: 'decayco', name: 'Decay Co', tier: 'enterprise', adminEmail: 'admin@decayco.test', adminName: 'D', adminPassword: inject('password') }, SYSTEM_ACTOR);
  const files = (endDate: string) => {
    const demo = generateRetailDemo({ seed: 21, scale: 0.05, startDate: '2022-01-01', endDate, demandShift: { from: '2023-03-01', factor: 0.5 } });
    return RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] }));
  };
  await ingestDataset(await getTenantOrThrow('decayco'), { format: 'retail', files: files('2023-02-28') }, SYSTEM_ACTOR);
  await trainAndRegister('decayco', { algorithms: ['gbm'], seed: 1, calibrationWindows: 1 }, SYSTEM_ACTOR);
  await updateRetrainingSettings(await getTenantOrThrow('decayco'), { onDecay: false, onDrift: false });
  await ingestDataset(await getTenantOrThrow('decayco'), { format: 'retail', files: files('2023-04-15') }, SYSTEM_ACTOR);
  const live = await latestLiveError('decayco');
  if (live?.status !== 'decayed') throw new Error(`expected a decayed model, got ${live?.status}`);
  windows = live.windows.length;
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('Monitoring page', () => {
  it('shows the decay status, the live error chart, the windows table and the decay alert', async () => {
    const page = await signedInPage(browser, 'admin@decayco.test');
    await page.goto('/monitoring');
    expect(await page.getByTestId('decay-status').textContent()).toBe('decayed');
    expect(await page.getByTestId('decay-windows').locator('tbody tr').count()).toBe(windows);
    expect(await page.getByTestId('decay-windows').locator('tbody').textContent()).toContain('decayed');
    await page.waitForSelector('[data-testid=live-error] [data-testid=plot][data-state=ready]');
    expect(await page.getByTestId('open-alerts').textContent()).toContain('Model decay');
    // The drift table is still there beside it.
    expect(await page.getByTestId('drift-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.context().close();
  });
});
