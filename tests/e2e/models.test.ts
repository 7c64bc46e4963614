import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { api, sessionCookie } from '../support/http';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { createUser } = await import('@/lib/users');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  const { getTenantOrThrow } = await import('@/lib/tenants');
  const { ingestDataset } = await import('@/lib/datasets/ingest');
  const { generateRetailDemo, RETAIL_FILES } = await import('@/ml/data/generator');
  await createTenantWithAdmin({ id: 'modelco', name: 'Model Co', tier: 'enterprise', adminEmail: 'admin@modelco.test', adminName: 'A', adminPassword: inject('password') }, SYSTEM_ACTOR);
  await createUser('modelco', { email: 'manager@modelco.test', name: 'M', role: 'manager', password: inject('password') });
  await createUser('modelco', { email: 'viewer@modelco.test', name: 'V', role: 'viewer', password: inject('password') });
  // A small generated retailer, so that training from the page takes seconds.
  const demo = generateRetailDemo({ seed: 11, scale: 0.1, days: 450 });
  await ingestDataset(await getTenantOrThrow('modelco'), { format: 'retail', files: RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] })) }, SYSTEM_ACTOR);
});
afterAll(async () => {
  await browser?.close();
});

/** Ticks exactly the given algorithms in the train form (and tuning or not), then submits it. */
async function train(page: Page, algorithms: string[], tune = false): Promise<void> {
  const formEl = page.getByTestId('train-form');
  for (const a of ['gbm', 'rf', 'ridge', 'ensemble']) await formEl.locator(`input[name=algo_${a}]`).setChecked(algorithms.includes(a));
  await formEl.locator('input[name=tune]').setChecked(tune);
  await formEl.getByRole('button', { name: 'Train' }).click();
}

const trainJob = (page: Page) => page.getByTestId('model-jobs').getByTestId('job').first();

describe('Models page', () => {
  it('a manager trains (progress, cancel, a second version in staging), compares, promotes and rolls back', async () => {
    const page = await signedInPage(browser, 'manager@modelco.test');
    page.on('dialog', (d) => void d.accept());
    await page.goto('/models');
    expect(await page.getByText('No model yet').count()).toBe(1);

    // A tuned run of everything is slow: its progress bar shows, and it can be cancelled.
    await train(page, ['gbm', 'rf', 'ridge', 'ensemble'], true);
    await page.getByTestId('model-jobs').getByRole('progressbar').waitFor({ timeout: 30_000 });
    await expect.poll(() => trainJob(page).getAttribute('data-status'), { timeout: 30_000 }).toBe('running');
    await trainJob(page).getByRole('button', { name: 'Cancel' }).click();
    // It stops at its next step, or is ended after 30 s inside a long fit; either way nothing is registered.
    await expect.poll(() => trainJob(page).getAttribute('data-status'), { timeout: 60_000, interval: 500 }).toBe('cancelled');
    const { listVersions } = await import('@/lib/registry/store');
    expect(await listVersions('modelco')).toEqual([]);

    // The first model goes straight to production.
    await train(page, ['ridge']);
    await expect.poll(() => trainJob(page).getAttribute('data-status'), { timeout: 120_000, interval: 500 }).toBe('succeeded');
    await page.reload();
    expect(await page.getByTestId('production-version').textContent()).toBe('v1');
    expect(await page.getByTestId('version-row-v1').textContent()).toContain('ridge');

    // A second one waits in staging with how it compares; the job survives a reload while it runs.
    await train(page, ['gbm']);
    await page.getByTestId('model-jobs').getByRole('progressbar').waitFor({ timeout: 30_000 });
    await page.reload();
    await expect.poll(() => trainJob(page).getAttribute('data-status'), { timeout: 180_000, interval: 500 }).toBe('succeeded');
    await page.reload();
    const v2 = await page.getByTestId('version-row-v2').textContent();
    expect(v2).toContain('staging');
    expect(v2).toContain('production v1');
    expect(await page.getByTestId('production-version').textContent()).toBe('v1');

    await page.getByTestId('compare-form').getByLabel('Version A').selectOption('v1');
    await page.getByTestId('compare-form').getByLabel('Version B').selectOption('v2');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForSelector('[data-testid=comparison]');
    expect(new URL(page.url()).searchParams.get('b')).toBe('v2');
    const comparison = await page.getByTestId('comparison').textContent();
    // Metrics by their names in words (issue 13 item 5), not their codes.
    expect(comparison).toContain('Typical error');
    expect(comparison).toContain('store ');

    await page.getByTestId('version-row-v2').getByRole('button', { name: 'Promote' }).click();
    await expect.poll(() => page.getByTestId('production-version').textContent()).toBe('v2');
    expect(await page.getByTestId('version-row-v1').textContent()).toContain('archived');

    await page.getByTestId('rollback').getByRole('button').click();
    await expect.poll(() => page.getByTestId('production-version').textContent()).toBe('v1');
    expect(await page.getByTestId('history').textContent()).toContain('rollback');
    await page.context().close();
  }, 420_000);

  it('a viewer sees the registry and the jobs without the buttons, and is refused the actions', async () => {
    const page = await signedInPage(browser, 'viewer@modelco.test');
    await page.goto('/models');
    expect(await page.getByTestId('production-version').textContent()).toBe('v1');
    expect(await page.getByTestId('train-form').count()).toBe(0);
    expect(await page.getByTestId('retrain-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Train' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Run retraining cycle now' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Promote' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(await page.getByTestId('rollback').count()).toBe(0);
    await page.context().close();
    // The API refuses a promotion by a viewer too.
    const res = await api('/api/v1/models/v2/promote', { method: 'POST', cookie: await sessionCookie('viewer@modelco.test') });
    expect(res.status).toBe(403);
  });

  it('the scheduler the server started gives a due tenant a retraining job', async () => {
    const { updateRetrainingSettings } = await import('@/lib/retraining-settings');
    const { getTenantOrThrow } = await import('@/lib/tenants');
    const { listJobs } = await import('@/lib/jobs/store');
    const { cancelJob } = await import('@/lib/jobs/submit');
    await updateRetrainingSettings(await getTenantOrThrow('modelco'), { schedule: 'daily', lastRunAt: null });
    try {
      // The scheduler looks every minute.
      await expect.poll(async () => (await listJobs('modelco', { kind: 'retrain' })).map((j) => j.createdBy), { timeout: 90_000, interval: 1000 }).toEqual(['scheduler']);
    } finally {
      await updateRetrainingSettings(await getTenantOrThrow('modelco'), { schedule: 'off' });
      for (const j of await listJobs('modelco', { kind: 'retrain' })) {
        if (j.status === 'queued' || j.status === 'running') await cancelJob({ tenantId: 'modelco', actor: { type: 'system', id: 'test', label: 'test' }, ip: '' }, j.id);
      }
    }
  }, 120_000);

  it('the demo tenant comes with a trained model in production', async () => {
    const { productionVersion } = await import('@/lib/registry/store');
    const v = await productionVersion('demo');
    expect(v?.author).toBe('system');
    expect(v?.metrics.wape).toBeLessThan(0.75 * (v?.baselineMetrics.wape ?? 0));
  });
});
