import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';

/**
 * Issue 11 item 8 on the Data page: a correction of a stored day is refused with its line unless
 * the admin chooses to replace the stored days, and then the page says how many rows changed.
 */
const RETAIL_TINY = path.resolve(__dirname, '../fixtures/retail-tiny');

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  await createTenantWithAdmin({ id: 'fixco', name: 'Fix Co', tier: 'enterprise', adminEmail: 'admin@fixco.test', adminName: 'F', adminPassword: inject('password') }, SYSTEM_ACTOR);
});
afterAll(async () => {
  await browser?.close();
});

/** The tiny 8 files, sales.csv with line 4 (a1 in store 1 on 2024-01-02) selling `quantity`. */
const tinyFiles = (quantity?: number) =>
  fs.readdirSync(RETAIL_TINY).map((name) => {
    const text = fs.readFileSync(path.join(RETAIL_TINY, name), 'utf8');
    const fixed = name === 'sales.csv' && quantity !== undefined ? text.replace('2,2024-01-02,a1,3,100,240,1', `2,2024-01-02,a1,${quantity},100,${quantity * 80},1`) : text;
    return { name, mimeType: 'text/csv', buffer: Buffer.from(fixed) };
  });

describe('Data page: corrections of stored days', () => {
  it('a correction is refused in the default mode with its line, and applied with "replace", saying the rows changed', async () => {
    const page = await signedInPage(browser, 'admin@fixco.test');
    await page.goto('/data');
    const upload = async (quantity: number | undefined, mode?: 'replace') => {
      await page.getByLabel("The retailer's 8 CSV files").check();
      if (mode) await page.getByLabel('Days the stored data already has').selectOption(mode);
      await page.getByTestId('retail-files').setInputFiles(tinyFiles(quantity));
      await page.getByRole('button', { name: 'Upload and import' }).click();
    };
    await upload(undefined);
    await expect.poll(() => page.getByTestId('profile-key-store').textContent().catch(() => null), { timeout: 60_000 }).toBe('2');

    await page.reload();
    expect(await page.getByLabel('Days the stored data already has').inputValue()).toBe('append');
    await upload(5);
    await expect.poll(() => page.getByTestId('validation-report').textContent().catch(() => ''), { timeout: 60_000 }).toContain('nothing was imported');
    expect(await page.getByTestId('validation-report').textContent()).toMatch(/sales\.csv\s*4.*quantity.*3 is stored, the file has 5/);
    await expect.poll(() => page.getByText(/Import again with replace mode to apply corrections/).count()).toBeGreaterThan(0);

    await page.reload();
    await upload(5, 'replace');
    // The upload has reached the server once the form shows its job (a reload before would cut it off).
    await expect.poll(() => page.getByTestId('upload-form').getByTestId('job').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    // The page's last import, once the job has ended (a reload shows it from the job record).
    await expect
      .poll(
        async () => {
          await page.reload();
          // Waits for the message to render (the page may refresh itself once the job has ended).
          return page.getByTestId('import-message').textContent({ timeout: 5000 }).catch(() => '');
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toMatch(/^Replaced 1 stored row \(2024-01-02\)\./);
    await page.context().close();
  });
});
