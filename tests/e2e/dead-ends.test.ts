import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, navLabels, signedInPage } from '../support/browser';
import { ensureProductionModel } from '../support/demo-model';

// Issue 13, item 12: no dead ends. A role sees only what it can use, or is told in one line who can.

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  await ensureProductionModel('demo');
});
afterAll(async () => {
  await browser?.close();
});

describe('no dead ends', () => {
  for (const role of ['viewer', 'analyst'] as const) {
    it(`a ${role} is not offered the Reports page it cannot use`, async () => {
      const page = await signedInPage(browser, `${role}@demo.test`);
      expect(await navLabels(page)).not.toContain('Reports');
      const res = await page.goto('/reports');
      expect(res?.status()).toBe(403);
      expect(await page.getByRole('button', { name: 'Download PDF' }).count()).toBe(0);
      await page.context().close();
    });
  }

  it('a manager has Reports in the navigation and downloads from it', async () => {
    const page = await signedInPage(browser, 'manager@demo.test');
    expect(await navLabels(page)).toContain('Reports');
    await page.goto('/reports');
    expect(await page.getByTestId('download-executive').count()).toBe(1);
    await page.context().close();
  });

  it('a viewer is offered no CSV export on Monitoring (exports are for analysts and up)', async () => {
    const page = await signedInPage(browser, 'viewer@demo.test');
    await page.goto('/monitoring');
    await page.locator('h1').waitFor();
    expect(await page.getByRole('button', { name: /Export .*CSV/ }).count()).toBe(0);
    await page.context().close();
    const analyst = await signedInPage(browser, 'analyst@demo.test');
    await analyst.goto('/monitoring');
    // The analyst has the exports (when the page has a scored window to export).
    const decay = await analyst.getByTestId('decay-windows').count();
    if (decay > 0) expect(await analyst.getByRole('button', { name: /Export .*CSV/ }).count()).toBeGreaterThan(0);
    await analyst.context().close();
  });

  it("the platform's tenant form checks the id in the browser with a valid pattern, as the server does", async () => {
    const page = await signedInPage(browser, 'platform@foresight.test');
    const problems: string[] = [];
    page.on('console', (m) => {
      if (/pattern/i.test(m.text())) problems.push(m.text());
    });
    await page.reload();
    const id = page.getByTestId('create-tenant').getByLabel(/^Id/);
    const mismatch = async (value: string) => {
      await id.fill(value);
      return id.evaluate((el) => (el as HTMLInputElement).validity.patternMismatch);
    };
    expect(await mismatch('Bad_Id')).toBe(true);
    expect(await mismatch('ends-with-')).toBe(true);
    expect(await mismatch('fresh-co')).toBe(false);
    expect(await mismatch('a')).toBe(false);
    expect(problems).toEqual([]);
    // The browser stops the form before it is sent: no tenant made, the reason shown by the field.
    await page.getByTestId('create-tenant').getByLabel('Name', { exact: true }).fill('Bad');
    await page.getByTestId('create-tenant').getByLabel('First admin email').fill('x@bad.test');
    await page.getByTestId('create-tenant').getByLabel(/First admin password/).fill('Velvet-quarry-lantern-2026');
    await id.fill('Bad_Id');
    await page.getByTestId('create-tenant').getByRole('button', { name: 'Create tenant' }).click();
    expect(await id.evaluate((el) => (el as HTMLInputElement).validationMessage)).not.toBe('');
    expect(await page.getByTestId('create-tenant').locator('.alert').count()).toBe(0);
    await page.context().close();
  });
});
