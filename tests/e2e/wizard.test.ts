import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { WALMART_CSV } from '../support/paths';

// Issue 13, item 11: an import wizard that guesses right and forgets nothing, and a setup checklist.

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  await createTenantWithAdmin({ id: 'newco', name: 'New Co', tier: 'enterprise', adminEmail: 'admin@newco.test', adminName: 'N', adminPassword: inject('password') }, SYSTEM_ACTOR);
  await createTenantWithAdmin({ id: 'guessco', name: 'Guess Co', tier: 'enterprise', adminEmail: 'admin@guessco.test', adminName: 'G', adminPassword: inject('password') }, SYSTEM_ACTOR);
});
afterAll(async () => {
  await browser?.close();
});

async function chooseWalmart(page: Page): Promise<void> {
  await page.getByLabel('One CSV with a column mapping').check();
  await page.getByTestId('generic-file').setInputFiles(WALMART_CSV);
  await page.waitForSelector('[data-testid=mapping]');
}

const roleOf = (page: Page, column: string) => page.getByLabel(`Use of column ${column}`).inputValue();

describe('the import wizard', () => {
  it("guesses Walmart's mapping, says what it detected, and the defaults import without a change", async () => {
    const page = await signedInPage(browser, 'admin@guessco.test');
    await page.goto('/data');
    await chooseWalmart(page);
    expect(await roleOf(page, 'Date')).toBe('date');
    expect(await roleOf(page, 'Store')).toBe('key');
    expect(await roleOf(page, 'Weekly_Sales')).toBe('target');
    for (const c of ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment']) expect(await roleOf(page, c), c).toBe('numeric');
    expect(await page.getByTestId('detected-summary').textContent()).toBe('weekly, 143 weeks, 45 stores');
    expect(await page.getByTestId('detected').textContent()).toContain('holiday calendar us-retail');
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => page.getByTestId('profile-key-store').textContent().catch(() => null), { timeout: 60_000 }).toBe('45');
    // Line endings or anything else: the import is clean, no repairs listed.
    await page.reload();
    expect(await page.getByTestId('import-message').textContent()).toContain('Imported 6,435 rows');
    expect(await page.getByTestId('validation-report').textContent().catch(() => '')).not.toMatch(/line endings|CRLF/i);
    expect(await page.getByTestId('holiday-calendar').textContent()).toContain('us-retail');
    await page.context().close();
  });

  it('keeps the mapping after a failed import, in the page and after a reload', async () => {
    const page = await signedInPage(browser, 'admin@newco.test');
    await page.goto('/data');
    await chooseWalmart(page);
    // A person unsure of Store: ignored, and Temperature left out.
    await page.getByLabel('Use of column Store').selectOption('ignore');
    await page.getByLabel('Use of column Temperature').selectOption('ignore');
    expect(await page.getByTestId('keys-warning').textContent()).toContain('Store');
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => page.getByTestId('upload-form').getByTestId('job').getAttribute('data-status').catch(() => null), { timeout: 60_000 }).toBe('failed');
    // Still there, as chosen.
    expect(await roleOf(page, 'Store')).toBe('ignore');
    expect(await roleOf(page, 'Temperature')).toBe('ignore');
    expect(await roleOf(page, 'Fuel_Price')).toBe('numeric');
    // After a reload, the same file brings the same mapping back, and says so.
    await page.reload();
    await chooseWalmart(page);
    expect(await page.getByTestId('mapping-from-last').textContent()).toContain('Walmart.csv');
    expect(await roleOf(page, 'Store')).toBe('ignore');
    expect(await roleOf(page, 'Temperature')).toBe('ignore');
    // One change fixes it.
    await page.getByLabel('Use of column Store').selectOption('key');
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => page.getByTestId('profile-key-store').textContent().catch(() => null), { timeout: 60_000 }).toBe('45');
    await page.context().close();
  });

  it('a holiday file written like the data (8/10/2012) imports with the same date reading', async () => {
    const page = await signedInPage(browser, 'admin@guessco.test');
    await page.goto('/data');
    const form = page.getByTestId('holiday-form');
    await form.locator('input[name=file]').setInputFiles({ name: 'local.csv', mimeType: 'text/csv', buffer: Buffer.from('date,name\r\n8/10/2012,Columbus Day\r\n12/11/2012,Veterans Day\r\n') });
    await form.getByRole('button', { name: 'Set calendar' }).click();
    await expect.poll(() => form.locator('.alert').textContent()).toContain('plus 2 dates');
    process.env.FORESIGHT_HOME = inject('home');
    const { getHolidayCalendar } = await import('@/lib/holidays');
    expect((await getHolidayCalendar('guessco')).spec.dates).toEqual([
      { date: '2012-10-08', name: 'Columbus Day' },
      { date: '2012-11-12', name: 'Veterans Day' },
    ]);
    await page.context().close();
  });
});

describe('a new organisation', () => {
  it("its admin's empty Overview is a setup checklist, linked, ticked as the steps are done", async () => {
    process.env.FORESIGHT_HOME = inject('home');
    const { createTenantWithAdmin } = await import('@/lib/provisioning');
    const { SYSTEM_ACTOR } = await import('@/lib/audit');
    await createTenantWithAdmin({ id: 'startco', name: 'Start Co', tier: 'enterprise', adminEmail: 'admin@startco.test', adminName: 'S', adminPassword: inject('password') }, SYSTEM_ACTOR);
    const page = await signedInPage(browser, 'admin@startco.test');
    await page.goto('/');
    const list = page.getByTestId('setup-checklist');
    await list.waitFor();
    const steps = list.locator('li');
    expect(await steps.allTextContents()).toEqual([expect.stringContaining('Import your sales'), expect.stringContaining('Train a first model'), expect.stringContaining('Invite your team')]);
    expect(await steps.evaluateAll((ls) => ls.map((l) => l.getAttribute('data-done')))).toEqual(['false', 'false', 'false']);
    expect(await list.getByRole('link', { name: 'Import your sales' }).getAttribute('href')).toBe('/data');
    expect(await list.getByRole('link', { name: 'Invite your team' }).getAttribute('href')).toBe('/admin/users');

    // Import done: ticked, no longer a link.
    const { ingestDataset } = await import('@/lib/datasets/ingest');
    const { getTenantOrThrow } = await import('@/lib/tenants');
    const fs = await import('node:fs');
    const { WALMART_MAPPING } = await import('../support/walmart');
    await ingestDataset(await getTenantOrThrow('startco'), { format: 'generic', file: { name: 'Walmart.csv', bytes: new Uint8Array(fs.readFileSync(WALMART_CSV)) }, mapping: WALMART_MAPPING }, SYSTEM_ACTOR, undefined, undefined, { retrain: false });
    await page.reload();
    await list.waitFor();
    expect(await steps.evaluateAll((ls) => ls.map((l) => l.getAttribute('data-done')))).toEqual(['true', 'false', 'false']);
    expect(await list.getByRole('link', { name: 'Import your sales' }).count()).toBe(0);
    await page.context().close();
  });

  it('a viewer of an organisation without data is told who imports it, with no link to a page it cannot use', async () => {
    process.env.FORESIGHT_HOME = inject('home');
    const { createTenantWithAdmin } = await import('@/lib/provisioning');
    const { createUser } = await import('@/lib/users');
    const { SYSTEM_ACTOR } = await import('@/lib/audit');
    await createTenantWithAdmin({ id: 'emptyco', name: 'Empty Co', tier: 'enterprise', adminEmail: 'admin@emptyco.test', adminName: 'E', adminPassword: inject('password') }, SYSTEM_ACTOR);
    await createUser('emptyco', { email: 'viewer@emptyco.test', name: 'V', role: 'viewer', password: inject('password') });
    const page = await signedInPage(browser, 'viewer@emptyco.test');
    await page.goto('/');
    await expect.poll(() => page.locator('main').textContent()).toContain('No data yet');
    expect(await page.locator('main').textContent()).toContain('a manager or admin imports it');
    expect(await page.getByRole('link', { name: 'Import your sales' }).count()).toBe(0);
    expect(await page.getByTestId('setup-checklist').count()).toBe(0);
    await page.context().close();
  });
});
