import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { api, makeKey } from '../support/http';
import { ensureProductionModel } from '../support/demo-model';
import { walmartTenant } from '../support/walmart';

/** Issue 13 item 5: accuracy in plain words, green is better everywhere. */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  await ensureProductionModel('demo');
  // Boosting in production (it adds nothing over seasonal naive on Walmart: 4.9% against 4.9%), ridge in staging.
  await walmartTenant('wordshop', { train: [['gbm'], ['ridge']] });
});
afterAll(async () => {
  await browser?.close();
});

const RAW_NAMES = ['fva', 'smape', 'coverage_p80', 'coverage_p95', 'fitSeconds'];
const GREEN = 'rgb(26, 127, 55)';
const RED = 'rgb(198, 40, 40)';

describe('accuracy in plain words', () => {
  it('the Overview says the demo model’s error as a person would, with the metric defined on focus', async () => {
    const page = await signedInPage(browser, 'viewer@demo.test');
    await page.goto('/');
    const card = page.getByTestId('kpi-accuracy');
    expect(await card.innerText()).toMatch(/typical daily error\s+\d+%\s*of sales\s+\d+% smaller than repeating last week \(\d+%\)/);
    // The definition is the term's accessible description and shows when the term gets focus.
    const term = card.locator('.term');
    const tip = page.locator(`[id="${await term.getAttribute('aria-describedby')}"]`);
    expect(await tip.textContent()).toContain('Weighted absolute percentage error');
    expect(await tip.isVisible()).toBe(false);
    await term.focus();
    expect(await tip.isVisible()).toBe(true);
    await page.context().close();
  });

  it('a model that adds nothing over seasonal naive is said to, with the better choice recommended; comparisons are green when better whichever way round', async () => {
    const page = await signedInPage(browser, 'manager@wordshop.test');
    await page.goto('/');
    expect(await page.getByTestId('kpi-accuracy').innerText()).toContain('no better than repeating the same week last year');
    expect(await page.getByTestId('kpi-advice').textContent()).toContain('Adds nothing over the simple rule');

    await page.goto('/models');
    expect(await page.getByTestId('production-accuracy').innerText()).toMatch(/Typical weekly error 4\.9% of sales; no better than repeating the same week last year \(4\.9%\)/);
    expect(await page.getByTestId('model-advice').textContent()).toContain('v1 (gbm) adds nothing over repeating the same week last year');
    expect(await page.getByTestId('model-advice').textContent()).toContain('Recommended: plan with repeating the same week last year until a model beats it');
    expect(await page.getByTestId('value-added-v2').textContent()).toMatch(/^\d+% larger error$/);

    // B (v1, boosting) misses less than A (v2, ridge) on Walmart: its better segments are green.
    await page.goto('/models?a=v2&b=v1');
    const comparison = page.getByTestId('comparison');
    const text = await comparison.innerText();
    for (const raw of RAW_NAMES) expect(text, raw).not.toMatch(new RegExp(`\\b${raw}\\b`));
    expect(await page.getByTestId('compare-n').innerText()).toMatch(/Forecasts scored.*\d[\d,]* forecasts/);
    expect(await page.getByTestId('compare-fitSeconds').innerText()).toMatch(/Training time.*\d+(\.\d)? s/);
    const wapeChange = page.getByTestId('compare-wape').locator('td').last();
    expect(await wapeChange.textContent()).toMatch(/^−\d+(\.\d)? pts, better$/);
    expect(await wapeChange.evaluate((el) => getComputedStyle(el).color)).toBe(GREEN);
    const tones = await page.getByTestId('segment-comparison').locator('tbody td[data-tone]').evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-tone'), getComputedStyle(td).color, td.textContent]));
    expect(tones.length).toBe(45);
    for (const [tone, color, words] of tones) {
      if (tone === 'better') expect([color, words]).toEqual([GREEN, expect.stringMatching(/^−.* pts, better$/)]);
      if (tone === 'worse') expect([color, words]).toEqual([RED, expect.stringMatching(/^\+.* pts, worse$/)]);
    }
    expect(tones.filter(([t]) => t === 'better').length).toBeGreaterThan(tones.filter(([t]) => t === 'worse').length);
    // The other way round the same segments are red: one rule, by the metric's direction.
    await page.goto('/models?a=v1&b=v2');
    const reversed = await page.getByTestId('segment-comparison').locator('tbody td[data-tone]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-tone')));
    expect(reversed.filter((t) => t === 'worse').length).toBe(tones.filter(([t]) => t === 'better').length);
    expect(await page.getByTestId('metric-glossary').textContent()).toContain('Forecast value added');
    await page.context().close();
  });

  it('Experiments and Monitoring use the same words, and the PDF says the accuracy in them', async () => {
    const page = await signedInPage(browser, 'manager@wordshop.test');
    await page.goto('/experiments');
    const picks = page.locator('input[name=pick]');
    await picks.nth(0).check();
    await picks.nth(1).check();
    await page.getByRole('button', { name: 'Compare selected' }).click();
    const side = page.getByTestId('experiment-comparison');
    await side.waitFor();
    const sideText = await side.innerText();
    expect(sideText).toContain('Typical error');
    for (const raw of RAW_NAMES) expect(sideText, raw).not.toMatch(new RegExp(`\\b${raw}\\b`));
    // The better run on a measure is the green one.
    expect(await page.getByTestId('side-wape').locator('td.tone-better').evaluate((el) => getComputedStyle(el).color)).toBe(GREEN);
    await page.context().close();

    const demo = await signedInPage(browser, 'viewer@demo.test');
    await demo.goto('/monitoring');
    const decay = await demo.getByTestId('live-error').innerText();
    expect(decay).toContain('typical error');
    expect(await demo.getByTestId('decay-windows').locator('thead').innerText()).toMatch(/typical error/i);
    await demo.context().close();

    const res = await api('/api/v1/reports/executive.pdf', { key: await makeKey('wordshop', 'manager') });
    const pdf = spawnSync('pdftotext', ['-', '-'], { input: Buffer.from(await res.arrayBuffer()) }).stdout.toString('utf8').replace(/\s+/g, ' ');
    expect(pdf).toContain('Production model v1 (gbm): typical weekly error 4.9% of sales; no better than repeating the same week last year (4.9%)');
    expect(pdf).toContain('Recommended: plan with repeating the same week last year');
    expect(pdf).toContain('Weighted absolute percentage error');
  });
});
