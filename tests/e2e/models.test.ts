import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { api, sessionCookie } from '../support/http';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { createUser } = await import('@/lib/users');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  const { registerVersion } = await import('@/lib/registry/store');
  await createTenantWithAdmin({ id: 'modelco', name: 'Model Co', tier: 'enterprise', adminEmail: 'admin@modelco.test', adminName: 'A', adminPassword: inject('password') }, SYSTEM_ACTOR);
  await createUser('modelco', { email: 'manager@modelco.test', name: 'M', role: 'manager', password: inject('password') });
  await createUser('modelco', { email: 'viewer@modelco.test', name: 'V', role: 'viewer', password: inject('password') });
  for (const [wape, store2] of [
    [0.3, 0.3],
    [0.25, 0.27],
  ]) {
    await registerVersion(
      'modelco',
      {
        algorithm: 'gbm',
        params: { trees: 200 },
        metrics: { wape, mae: wape * 10 },
        baselineMetrics: { wape: 0.4 },
        segmentMetrics: { store: [{ segment: '1', wape, share: 0.6 }, { segment: '2', wape: store2, share: 0.4 }] },
        featureSchema: ['lag_7'],
        datasetFingerprint: 'fp',
        trainingWindow: { from: '2023-01-01', to: '2023-12-31' },
        author: 'seed',
        stage: 'staging',
        experimentId: null,
      },
      { test: true },
      SYSTEM_ACTOR,
    );
  }
});
afterAll(async () => {
  await browser?.close();
});

describe('Models page', () => {
  it('a manager compares two versions, promotes the better one and rolls back', async () => {
    const page = await signedInPage(browser, 'manager@modelco.test');
    page.on('dialog', (d) => void d.accept());
    await page.goto('/models');
    expect(await page.getByTestId('production-version').textContent()).toBe('v1');

    await page.getByTestId('compare-form').getByLabel('Version A').selectOption('v1');
    await page.getByTestId('compare-form').getByLabel('Version B').selectOption('v2');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForSelector('[data-testid=comparison]');
    expect(new URL(page.url()).searchParams.get('b')).toBe('v2');
    const comparison = await page.getByTestId('comparison').textContent();
    expect(comparison).toContain('wape');
    expect(comparison).toContain('store 2');

    await page.getByTestId('version-row-v2').getByRole('button', { name: 'Promote' }).click();
    await expect.poll(() => page.getByTestId('production-version').textContent()).toBe('v2');
    expect(await page.getByTestId('version-row-v1').textContent()).toContain('archived');

    await page.getByTestId('rollback').getByRole('button').click();
    await expect.poll(() => page.getByTestId('production-version').textContent()).toBe('v1');
    expect(await page.getByTestId('history').textContent()).toContain('rollback');
    await page.context().close();
  });

  it('a viewer sees the registry without the buttons, and is refused the actions', async () => {
    const page = await signedInPage(browser, 'viewer@modelco.test');
    await page.goto('/models');
    expect(await page.getByTestId('production-version').textContent()).toBe('v1');
    expect(await page.getByRole('button', { name: 'Promote' }).count()).toBe(0);
    expect(await page.getByTestId('rollback').count()).toBe(0);
    await page.context().close();
    // The API refuses a promotion by a viewer too.
    const res = await api('/api/v1/models/v2/promote', { method: 'POST', cookie: await sessionCookie('viewer@modelco.test') });
    expect(res.status).toBe(403);
  });
});
