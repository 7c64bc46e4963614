import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { api, makeKey, sessionCookie } from '../support/http';

/**
 * Issue 13 item 1: progress that moves. The app's own polling of a job is the product's traffic,
 * not the organisation's API budget: with the tenant's API rate limit at 5 calls a minute the bar
 * still moves through its stages, says how long it has run, and ends without a reload.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { createUser } = await import('@/lib/users');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  const { getTenantOrThrow, setTenantQuotaOverrides } = await import('@/lib/tenants');
  const { ingestDataset } = await import('@/lib/datasets/ingest');
  const { generateRetailDemo, RETAIL_FILES } = await import('@/ml/data/generator');
  await createTenantWithAdmin({ id: 'progressco', name: 'Progress Co', tier: 'enterprise', adminEmail: 'admin@progressco.test', adminName: 'A', adminPassword: inject('password') }, SYSTEM_ACTOR);
  await createUser('progressco', { email: 'manager@progressco.test', name: 'M', role: 'manager', password: inject('password') });
  const demo = generateRetailDemo({ seed: 5, scale: 0.1, days: 450 });
  await ingestDataset(await getTenantOrThrow('progressco'), { format: 'retail', files: RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] })) }, SYSTEM_ACTOR);
  await setTenantQuotaOverrides('progressco', { rateLimitPerMinute: 5 });
});
afterAll(async () => {
  await browser?.close();
});

describe('job progress', () => {
  it('session calls have their own limit: the API key is throttled at 5 a minute, the signed-in user is not, and is not metered', async () => {
    const { flushUsage, apiCallsThisMonth } = await import('@/lib/usage');
    await flushUsage();
    const key = await makeKey('progressco', 'viewer');
    const keyStatuses: number[] = [];
    for (let i = 0; i < 7; i++) keyStatuses.push((await api('/api/v1/me', { key })).status);
    expect(keyStatuses.filter((s) => s === 429).length).toBe(2);
    // Let the server write its count (every 2 s), then read it.
    await new Promise((r) => setTimeout(r, 2500));
    const before = await apiCallsThisMonth('progressco');
    const cookie = await sessionCookie('manager@progressco.test');
    for (let i = 0; i < 30; i++) expect((await api('/api/v1/me', { cookie })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await apiCallsThisMonth('progressco')).toBe(before);
  });

  it('a manager sees the training bar move through its stages with the time run, and the job end on the page', async () => {
    const page = await signedInPage(browser, 'manager@progressco.test');
    await page.goto('/models');
    const form = page.getByTestId('train-form');
    for (const a of ['gbm', 'rf', 'ridge', 'ensemble']) await form.locator(`input[name=algo_${a}]`).setChecked(a === 'gbm' || a === 'ridge');
    await form.getByRole('button', { name: 'Train' }).click();
    const job = page.getByTestId('model-jobs').getByTestId('job').first();
    const seen = new Set<string>();
    const stages = new Set<string>();
    let times = '';
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const status = await job.getAttribute('data-status');
      if (status === 'succeeded' || status === 'failed') break;
      const bar = job.getByRole('progressbar');
      if (await bar.count()) {
        seen.add((await bar.getAttribute('aria-valuenow')) ?? '');
        stages.add((await job.getByTestId('job-stage').textContent()) ?? '');
        if (await job.getByTestId('job-times').count()) times = (await job.getByTestId('job-times').textContent()) ?? times;
      }
      await page.waitForTimeout(150);
    }
    // Ended on the page without a reload (polling kept going), after showing several steps.
    expect(await job.getAttribute('data-status')).toBe('succeeded');
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(stages.size).toBeGreaterThanOrEqual(2);
    expect(times).toMatch(/running \d+/);
    expect(await page.getByTestId('job-trouble').count()).toBe(0);
    await page.context().close();
  });
});
