import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';

import { WALMART_CSV as WALMART } from '../support/paths';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const RETAIL_TINY = path.join(FIXTURES, 'retail-tiny');

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  await createTenantWithAdmin({ id: 'wizard', name: 'Wizard Stores', tier: 'enterprise', adminEmail: 'admin@wizard.test', adminName: 'W', adminPassword: inject('password') }, SYSTEM_ACTOR);
});
afterAll(async () => {
  await browser?.close();
});

describe('Data page', () => {
  it('shows the demo profile with its chart drawn; a viewer sees no import form', async () => {
    const page = await signedInPage(browser, 'viewer@demo.test');
    await page.goto('/data');
    expect(await page.getByTestId('profile-key-store').textContent()).toBe('4');
    await page.waitForSelector('[data-testid=plot][data-state=ready]');
    expect(await page.locator('.js-plotly-plot').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('upload-form').count()).toBe(0);
    // The rest of the profile: rows, date range, items, distribution and missing share per column.
    expect(Number((await page.getByTestId('profile-rows').textContent())?.replace(/,/g, ''))).toBeGreaterThanOrEqual(150_000);
    expect(Number((await page.getByTestId('profile-key-item').textContent())?.replace(/,/g, ''))).toBeGreaterThan(100);
    expect(await page.getByTestId('profile').textContent()).toMatch(/\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/);
    expect(await page.getByTestId('profile-periods').textContent()).toMatch(/^[\d,]+ days$/);
    expect(await page.getByRole('heading', { name: /distribution/ }).count()).toBe(1);
    const missing = page.locator('section', { has: page.getByRole('heading', { name: 'Missing values per column' }) });
    expect(await missing.locator('tbody tr').count()).toBeGreaterThan(5);
    expect(await missing.textContent()).toContain('price');
    await page.context().close();
  });

  it('an admin maps and imports Walmart.csv in the wizard and sees 45 stores and 143 weeks', async () => {
    const page = await signedInPage(browser, 'admin@wizard.test');
    await page.goto('/data');
    await page.getByLabel('One CSV with a column mapping').check();
    await page.getByTestId('generic-file').setInputFiles(WALMART);
    await page.waitForSelector('[data-testid=mapping]');
    expect(await page.getByLabel('Use of column Date').inputValue()).toBe('date');
    await page.getByLabel('Use of column Store').selectOption('key');
    await page.getByLabel('Use of column Weekly_Sales').selectOption('target');
    await page.getByLabel('Use of column Temperature').selectOption('numeric');
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => page.getByTestId('profile-key-store').textContent().catch(() => null), { timeout: 60_000 }).toBe('45');
    expect(await page.getByTestId('profile-periods').textContent()).toContain('143 weeks');
    // A reload shows the same finished job and its outcome.
    await page.reload();
    expect(await page.getByTestId('job').first().getAttribute('data-status')).toBe('succeeded');
    expect(await page.getByTestId('import-message').textContent()).toContain('Imported 6,435 rows');
    await page.context().close();
  });

  it('a manager uploads the 8 retail files together, sees the job finish and the profile; a broken set changes nothing', async () => {
    process.env.FORESIGHT_HOME = inject('home');
    const { createTenantWithAdmin } = await import('@/lib/provisioning');
    const { createUser } = await import('@/lib/users');
    const { SYSTEM_ACTOR } = await import('@/lib/audit');
    await createTenantWithAdmin({ id: 'shopco', name: 'Shop Co', tier: 'enterprise', adminEmail: 'admin@shopco.test', adminName: 'S', adminPassword: inject('password') }, SYSTEM_ACTOR);
    await createUser('shopco', { email: 'manager@shopco.test', name: 'M', role: 'manager', password: inject('password') });
    const page = await signedInPage(browser, 'manager@shopco.test');
    await page.goto('/data');
    await page.getByLabel("The retailer's 8 CSV files").check();
    await page.getByTestId('retail-files').setInputFiles(fs.readdirSync(RETAIL_TINY).map((n) => path.join(RETAIL_TINY, n)));
    await expect.poll(() => page.getByTestId('upload-form').textContent()).toContain('8 files');
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => page.getByTestId('profile-key-store').textContent().catch(() => null), { timeout: 60_000 }).toBe('2');
    expect(await page.getByTestId('profile-key-item').textContent()).toBe('2');
    const rows = await page.getByTestId('profile-rows').textContent();
    // Both progress bars (the form's and the page's last import) settle on the finished job.
    await expect.poll(() => page.getByTestId('job').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(expect.arrayContaining(['succeeded']));
    await expect.poll(() => page.getByTestId('job').evaluateAll((els) => els.every((e) => e.getAttribute('data-status') === 'succeeded'))).toBe(true);

    // The same 8 files with a repeated header row in sales.csv: the report names it, the data stays.
    await page.reload();
    await page.getByLabel("The retailer's 8 CSV files").check();
    const files = fs.readdirSync(RETAIL_TINY).map((name) => ({
      name,
      mimeType: 'text/csv',
      buffer: name === 'sales.csv' ? fs.readFileSync(path.join(FIXTURES, 'broken', 'sales.duplicated-header.csv')) : fs.readFileSync(path.join(RETAIL_TINY, name)),
    }));
    await page.getByTestId('retail-files').setInputFiles(files);
    await page.getByRole('button', { name: 'Upload and import' }).click();
    // The report of the first import (its repairs) is on the page until the new job ends.
    await expect.poll(() => page.getByTestId('validation-report').textContent().catch(() => ''), { timeout: 60_000 }).toContain('nothing was imported');
    const report = (await page.getByTestId('validation-report').textContent()) ?? '';
    expect(report).toMatch(/sales\.csv\s*4.*header row is repeated/);
    await page.reload();
    expect(await page.getByTestId('profile-rows').textContent()).toBe(rows);
    await page.context().close();
  });

  it('a broken file gives the validation report with file, line and column, and keeps the data', async () => {
    const page = await signedInPage(browser, 'admin@wizard.test');
    await page.goto('/data');
    await page.getByLabel('One CSV with a column mapping').check();
    await page.getByTestId('generic-file').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('Store,Date,Weekly_Sales\n1,05/02/2010,100\n2,05/02/2010,abc\n') });
    await page.waitForSelector('[data-testid=mapping]');
    await page.getByLabel('Use of column Store').selectOption('key');
    await page.getByLabel('Use of column Weekly_Sales').selectOption('target');
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => page.getByTestId('validation-report').textContent().catch(() => ''), { timeout: 60_000 }).toContain('broken.csv');
    const report = await page.getByTestId('validation-report').textContent();
    expect(report).toContain('nothing was imported');
    expect(report).toContain('Weekly_Sales');
    expect(await page.getByTestId('profile-key-store').textContent()).toBe('45');
    await page.context().close();
  });

  it('an admin imports a 15 MB CSV through the Data page: the mapping wizard, the upload and the job', async () => {
    process.env.FORESIGHT_HOME = inject('home');
    const { createTenantWithAdmin } = await import('@/lib/provisioning');
    const { SYSTEM_ACTOR } = await import('@/lib/audit');
    await createTenantWithAdmin({ id: 'bigcsv', name: 'Big CSV', tier: 'enterprise', adminEmail: 'admin@bigcsv.test', adminName: 'B', adminPassword: inject('password') }, SYSTEM_ACTOR);
    // Walmart's 45 stores copied 42 times under new store numbers: 1,890 stores, 143 weeks, over 15 MB.
    const [header, ...lines] = fs.readFileSync(WALMART, 'utf8').trim().split(/\r?\n/);
    const out: string[] = [header];
    for (let copy = 0; copy < 42; copy++) for (const line of lines) out.push(`${Number(line.slice(0, line.indexOf(','))) + 45 * copy}${line.slice(line.indexOf(','))}`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'foresight-bigcsv-')), 'stores.csv');
    fs.writeFileSync(file, `${out.join('\n')}\n`);
    expect(fs.statSync(file).size).toBeGreaterThan(15_000_000);

    const page = await signedInPage(browser, 'admin@bigcsv.test');
    await page.goto('/data');
    // The page says how large an upload may be (the test server's FORESIGHT_UPLOAD_MAX_MB).
    expect(await page.getByTestId('upload-form').textContent()).toContain(`${inject('uploadMaxMb')} MB`);
    await page.getByLabel('One CSV with a column mapping').check();
    await page.getByTestId('generic-file').setInputFiles(file);
    await page.waitForSelector('[data-testid=mapping]', { timeout: 30_000 });
    expect(await page.getByLabel('Use of column Date').inputValue()).toBe('date');
    await page.getByLabel('Use of column Store').selectOption('key');
    await page.getByLabel('Use of column Weekly_Sales').selectOption('target');
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => page.getByTestId('profile-key-store').textContent().catch(() => null), { timeout: 120_000 }).toBe('1,890');
    expect(await page.getByTestId('profile-periods').textContent()).toContain('143 weeks');
    await page.reload();
    expect(await page.getByTestId('job').first().getAttribute('data-status')).toBe('succeeded');
    expect(await page.getByTestId('import-message').textContent()).toContain(`Imported ${(6435 * 42).toLocaleString('en')} rows`);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    await page.context().close();
  });
});
