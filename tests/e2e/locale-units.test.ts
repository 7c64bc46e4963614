import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { api, makeKey } from '../support/http';
import { ensureProductionModel } from '../support/demo-model';
import { WALMART_CSV } from '../support/paths';
import { CHART_TITLES_SCRIPT, walmartTenant } from '../support/walmart';

/** Issue 13 item 4: money, units, labels and the tenant's locale. */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  await ensureProductionModel('demo');
  await walmartTenant('euroshop', { train: [['gbm']] });
  process.env.FORESIGHT_HOME = inject('home');
  const { createTenantWithAdmin } = await import('@/lib/provisioning');
  const { SYSTEM_ACTOR } = await import('@/lib/audit');
  await createTenantWithAdmin({ id: 'labelco', name: 'Label Co', tier: 'enterprise', adminEmail: 'admin@labelco.test', adminName: 'L', adminPassword: inject('password') }, SYSTEM_ACTOR);
});
afterAll(async () => {
  await browser?.close();
});

function pdfText(bytes: ArrayBuffer): string {
  const r = spawnSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(bytes) });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout.toString('utf8');
}

/** The titles of every chart on the page, once all are drawn. */
async function chartTitles(page: Page, path: string): Promise<{ title: string; x: string; y: string }[]> {
  await page.goto(path);
  await page.waitForSelector('[data-testid=plot]', { timeout: 60_000 });
  await expect.poll(() => page.locator('[data-testid=plot]').evaluateAll((els) => els.every((e) => e.getAttribute('data-state') === 'ready')), { timeout: 60_000 }).toBe(true);
  return page.evaluate(CHART_TITLES_SCRIPT);
}

const nbsp = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');

describe('money, units, labels and the tenant’s locale', () => {
  it('an admin sets euros, German number and date formats and Berlin time; figures, charts, CSV and PDF follow', async () => {
    const page = await signedInPage(browser, 'admin@euroshop.test');
    await page.goto('/settings');
    const form = page.getByTestId('regional-form');
    await form.getByLabel('Currency (ISO 4217)').selectOption('EUR');
    await form.getByLabel('Number and date locale (BCP 47)').fill('de-DE');
    await form.getByLabel('Time zone (IANA)').selectOption('Europe/Berlin');
    await form.getByRole('button', { name: 'Save formats' }).click();
    await expect.poll(() => form.getByRole('status').textContent().then(nbsp)).toContain('3.437.942 €');
    // A bad code is refused with what is wrong, and nothing changes.
    await form.getByLabel('Number and date locale (BCP 47)').fill('not a locale!');
    await form.getByRole('button', { name: 'Save formats' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('is not a language tag');

    // The Overview: weekly sales in euros, large numbers compact, the time in Berlin's zone.
    await page.goto('/');
    const sales = nbsp(await page.getByTestId('kpi-units').textContent());
    expect(sales).toMatch(/^\d{2,3},\d Mio\. €$/);
    expect(await page.locator('section[aria-label="Weekly sales"]').textContent()).toContain('Weekly sales');
    expect(await page.locator('.meta-line time').first().textContent()).toMatch(/MES?Z/);
    expect(await page.getByTestId('overview-window').textContent()).toMatch(/\d{2}\.\d{2}\.\d{4}|\d+\. \S+ \d{4}/);

    // Every chart has a title and both axis titles; value axes carry the unit.
    for (const path of ['/', '/forecasts', '/analysis', '/data']) {
      const charts = await chartTitles(page, path);
      expect(charts.length, path).toBeGreaterThan(0);
      for (const c of charts) {
        expect(c.title, `${path} title`).not.toBe('');
        expect(c.x, `${path} x axis of "${c.title}"`).not.toBe('');
        expect(c.y, `${path} y axis of "${c.title}"`).not.toBe('');
      }
      expect(charts.some((c) => c.y.includes('(EUR)') || c.x.includes('(EUR)')), path).toBe(true);
    }

    // The breakdown CSV names its columns with their units.
    await page.goto('/analysis');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('breakdown').getByRole('button', { name: 'Export CSV' }).click()]);
    const header = fs.readFileSync((await download.path())!, 'utf8').split(/\r\n/)[0];
    // Shares and changes are percentages in their cells (issue 13 item 10), the store's name beside its id (item 3).
    expect(header).toBe('Store,Store name,Weekly sales (EUR),Share,Period before (EUR),Change');
    await page.context().close();

    // The executive PDF prints the same figure, in euros, and its time in Berlin's zone.
    const res = await api('/api/v1/reports/executive.pdf', { key: await makeKey('euroshop', 'manager') });
    expect(res.status).toBe(200);
    const text = nbsp(pdfText(await res.arrayBuffer()));
    expect(text).toContain(sales);
    expect(text).toContain('Weekly sales (EUR)');
    expect(text).toMatch(/generated \d+\. \S+ \d{4}, \d{2}:\d{2} MES?Z/);
  });

  it('the demo shows revenue in roubles, units as units, and columns by their labels, never their raw names', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.goto('/');
    expect(await page.getByTestId('kpi-sales').textContent()).toMatch(/^₽\d+(\.\d)?[KM]$/);
    expect(await page.locator('section[aria-label="Units sold"]').textContent()).toContain('units');
    const overview = await chartTitles(page, '/');
    expect(overview[0].title).toContain('Units sold per day');
    expect(overview[0].y).toBe('Units sold');
    await page.goto('/analysis');
    expect(await page.locator('#heatmap').textContent()).toBe('Store × Department');
    const main = (await page.locator('main').textContent()) ?? '';
    for (const raw of ['dept_name', 'sum_total', 'quantity']) expect(main, raw).not.toContain(raw);
    expect(await page.getByLabel('Break down by').locator('option').allTextContents()).toEqual(expect.arrayContaining(['Store', 'Item', 'Department', 'Class', 'City', 'Store format']));
    await page.context().close();
  });

  it('a label set in the import wizard is what the pages show', async () => {
    const page = await signedInPage(browser, 'admin@labelco.test');
    await page.goto('/data');
    await page.getByLabel('One CSV with a column mapping').check();
    await page.getByTestId('generic-file').setInputFiles(WALMART_CSV);
    await page.waitForSelector('[data-testid=mapping]');
    await page.getByLabel('Use of column Store').selectOption('key');
    await page.getByLabel('Use of column Weekly_Sales').selectOption('target');
    // The default label is the column name made readable; an admin types another.
    expect(await page.getByLabel('Label of column Weekly_Sales').getAttribute('placeholder')).toBe('Weekly sales');
    await page.getByLabel('Label of column Store').fill('Shop');
    await page.getByLabel('Label of column Weekly_Sales').fill('Turnover');
    expect(await page.getByTestId('target-unit').inputValue()).toBe('currency');
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect.poll(() => page.getByTestId('profile-key-store').textContent().catch(() => null), { timeout: 60_000 }).toBe('45');
    await page.goto('/analysis');
    expect(await page.locator('#breakdown').textContent()).toBe('Turnover by shop, all data');
    expect(await page.getByTestId('breakdown-table').locator('thead th').first().textContent()).toBe('Shop');
    expect(await page.locator('#heatmap').textContent()).toContain('Shop');
    await page.context().close();
  });
});
