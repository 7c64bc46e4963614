import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { api, sessionCookie } from '../support/http';
import { ensureProductionModel } from '../support/demo-model';

let browser: Browser;
let productionId: string;
let item: string;
beforeAll(async () => {
  browser = await launch();
  productionId = await ensureProductionModel('demo');
  process.env.FORESIGHT_HOME = inject('home');
  // An item store 1 sells (not every item is in every store).
  const { loadTable } = await import('@/lib/datasets/store');
  const { table } = (await loadTable('demo'))!;
  const [storeKey, itemKey] = [table.keyNames.indexOf('store'), table.keyNames.indexOf('item')];
  const s = [...Array(table.seriesStart.length - 1).keys()].find((i) => table.keyVocab[storeKey][table.seriesKeys[storeKey][i]] === '1')!;
  item = table.keyVocab[itemKey][table.seriesKeys[itemKey][s]];
});
afterAll(async () => {
  await browser?.close();
});

/** Forecast points drawn: the chart's data attribute and the Plotly trace itself, once drawn. */
async function drawnPoints(page: Page): Promise<{ attr: number; trace: number } | null> {
  return page.evaluate(() => {
    const wrap = document.querySelector('[data-testid=forecast-chart]');
    const plot = wrap?.querySelector('[data-testid=plot][data-state=ready]') as (HTMLElement & { data?: { name?: string; x?: unknown[] }[] }) | null;
    const trace = plot?.data?.find((t) => t.name === 'forecast');
    return wrap && trace ? { attr: Number(wrap.getAttribute('data-forecast-points')), trace: trace.x?.length ?? 0 } : null;
  });
}

/** A CSV as rows of cells; a quoted cell may hold commas (a store named "Москва, Гипермаркет"). */
function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split(/\r\n/)
    .map((line) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"')));
}

describe('Forecasts page', () => {
  it('an analyst picks a store and an item, changes the horizon, sees the chart follow and downloads the CSV the API agrees with', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.goto('/forecasts');
    await expect.poll(() => drawnPoints(page), { timeout: 60_000 }).toEqual({ attr: 30, trace: 30 });
    expect(await page.getByTestId('model-version').textContent()).toBe(productionId);
    expect(await page.getByTestId('forecast-meta').textContent()).toContain('generated');

    await page.getByLabel('Store').selectOption('1');
    await page.waitForURL((u) => u.searchParams.get('store') === '1', { timeout: 30_000 });
    await expect.poll(() => page.locator('#chart-title').textContent(), { timeout: 60_000 }).toContain('store 1');

    await page.getByLabel('Item (type to search)').fill(item);
    await page.waitForURL((u) => u.searchParams.get('item') === item, { timeout: 30_000 });
    await expect.poll(() => page.locator('#chart-title').textContent(), { timeout: 60_000 }).toContain(`item ${item}`);
    expect(await page.locator('#chart-title').textContent()).toContain('(1 series)');

    await page.getByLabel(/Horizon/).fill('14');
    await page.waitForURL((u) => u.searchParams.get('horizon') === '14', { timeout: 30_000 });
    await expect.poll(() => drawnPoints(page), { timeout: 60_000 }).toEqual({ attr: 14, trace: 14 });
    // The bands are drawn too: two filled areas over the 14 days (forward and back).
    const bands = await page.evaluate(() => {
      const plot = document.querySelector('[data-testid=forecast-chart] [data-testid=plot]') as HTMLElement & { data: { name?: string; fill?: string; x: unknown[] }[] };
      return plot.data.filter((t) => t.fill === 'toself').map((t) => [t.name, t.x.length]);
    });
    expect(bands).toEqual([
      ['95% interval', 28],
      ['80% interval', 28],
    ]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-forecast-csv').click()]);
    const csv = parseCsv(fs.readFileSync((await download.path())!, 'utf8'));
    // Issue 13 item 10: the CSV carries the selection and the model as columns and actuals before the forecast.
    const FORECAST_COLUMNS = ['date', 'forecast', 'p80_low', 'p80_high', 'p95_low', 'p95_high'];
    for (const c of [...FORECAST_COLUMNS, 'store', 'item', 'item_name', 'actual', 'model_version', 'generated_at_utc']) expect(csv[0], c).toContain(c);
    await page.context().close();

    const res = await api(`/api/v1/forecast?store=1&item=${encodeURIComponent(item)}&horizon=14`, { cookie: await sessionCookie('analyst@demo.test') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model_version: string; points: { date: string; forecast: number; p80: [number, number]; p95: [number, number] }[] };
    expect(body.model_version).toBe(productionId);
    expect(body.points.length).toBe(14);
    // The forecast rows are the API's points, rounded (issue 13 item 10: values rounded sensibly).
    const forecastRows = csv.slice(1).filter((r) => r[csv[0].indexOf('forecast')] !== '');
    const columns = (r: string[]) => FORECAST_COLUMNS.map((c) => r[csv[0].indexOf(c)]);
    expect(forecastRows.map((r) => columns(r)[0])).toEqual(body.points.map((p) => p.date));
    forecastRows.forEach((r, i) => {
      const p = body.points[i];
      columns(r).slice(1).forEach((v, j) => expect(Number(v)).toBeCloseTo([p.forecast, p.p80[0], p.p80[1], p.p95[0], p.p95[1]][j], 1));
      expect(r[csv[0].indexOf('model_version')]).toBe(productionId);
    });
  });

  it('an analyst exports the top products by forecast growth from Analysis, filtered by a category in the URL', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.goto('/analysis');
    const categories = await page.getByLabel('Growth category').locator('option').allTextContents();
    const category = categories.find((c) => c !== 'All categories')!;
    await page.getByLabel('Growth category').selectOption(category);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((u) => u.searchParams.get('category') === category, { timeout: 30_000 });
    const rows = page.getByTestId('top-products-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBeGreaterThan(0);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    const headers = await page.getByTestId('top-products-table').locator('thead th').allTextContents();
    // Issue 13 item 3: the products are named (the retail catalogue names them by subclass).
    expect(headers).toContain('Name');
    const categoryColumn = headers.indexOf('Category');
    expect(categoryColumn).toBeGreaterThan(0);
    for (const r of shown) expect(r[categoryColumn]).toBe(category);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('top-products').getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split(/\r\n/);
    expect(csv[0]).toBe('item,name,category,previous,forecast,growth');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(shown.map((r) => r[0]));
    await page.context().close();
  });

  it('a viewer sees the dashboards with the forecast, but no report download and no CSV export (the export route refuses)', async () => {
    const page = await signedInPage(browser, 'viewer@demo.test');
    await page.goto('/');
    expect(await page.getByTestId('kpi-forecast').textContent()).toMatch(/^[\d,]+$/);
    await page.goto('/forecasts?store=2&horizon=7');
    await expect.poll(() => drawnPoints(page), { timeout: 60_000 }).toEqual({ attr: 7, trace: 7 });
    expect(await page.getByTestId('download-forecast-csv').count()).toBe(0);
    await page.goto('/analysis');
    expect(await page.getByTestId('top-products-table').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
    await page.goto('/reports');
    expect(await page.getByTestId('download-executive').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Download PDF' }).count()).toBe(0);
    await page.context().close();
    const refused = await api('/forecasts/export?store=2&horizon=7', { cookie: await sessionCookie('viewer@demo.test') });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('a tenant without data sees the empty states, not made-up figures', async () => {
    const page = await signedInPage(browser, 'admin@other.test');
    await page.goto('/forecasts');
    expect(await page.getByTestId('forecast-empty').textContent()).toContain('No data yet');
    expect(await page.getByTestId('forecast-chart').count()).toBe(0);
    await page.goto('/');
    await expect.poll(() => page.locator('main').textContent()).toContain('No data yet');
    expect(await page.getByTestId('kpi-forecast').count()).toBe(0);
    await page.context().close();
  });

  it('a manager downloads the executive PDF from the Reports page', async () => {
    const page = await signedInPage(browser, 'manager@demo.test');
    await page.goto('/reports');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('download-executive').click()]);
    expect(download.suggestedFilename()).toMatch(/^demo-executive-\d{4}-\d{2}-\d{2}\.pdf$/);
    const bytes = fs.readFileSync((await download.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = spawnSync('pdftotext', ['-layout', '-', '-'], { input: bytes }).stdout.toString('utf8');
    expect(text).toContain('Executive summary');
    expect(text).toContain(`Production model ${productionId}`);
    await page.context().close();
  });
});
