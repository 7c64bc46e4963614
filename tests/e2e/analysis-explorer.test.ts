import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { ensureProductionModel } from '../support/demo-model';
import { walmartTenant } from '../support/walmart';

/** Issue 13 item 8: Analysis as an explorer. */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  await ensureProductionModel('demo');
  await walmartTenant('explorer');
});
afterAll(async () => {
  await browser?.close();
});

type Trace = { name?: string; x?: unknown[]; y?: number[] };

/** The traces of a chart once drawn. */
async function traces(page: Page, wrapper: string): Promise<Trace[]> {
  await page.waitForSelector(`${wrapper} [data-testid=plot][data-state=ready]`, { timeout: 60_000 });
  return page.locator(`${wrapper} [data-testid=plot]`).first().evaluate((el) => ((el as HTMLElement & { data?: Trace[] }).data ?? []).map((t) => ({ name: t.name, x: t.x, y: t.y })));
}

/** Clicks the bar of the breakdown chart's first trace at `index`, where a person would. */
async function clickBar(page: Page, index: number): Promise<void> {
  await page.waitForSelector('[data-testid=breakdown-chart] [data-testid=plot][data-state=ready]', { timeout: 60_000 });
  const box = await page.locator('[data-testid=breakdown-chart] .trace.bars').first().locator('.point').nth(index).boundingBox();
  if (!box) throw new Error(`no bar ${index}`);
  await page.mouse.click(box.x + box.width / 2, box.y + Math.max(2, box.height / 2));
}

const seasonMonths = (page: Page) => page.locator('[data-testid=seasonality-charts] [data-testid=plot]').last().evaluate((el) => ((el as HTMLElement & { data?: { y?: number[] }[] }).data?.[0]?.y ?? []).slice());

describe('Analysis as an explorer', () => {
  it('clicking a bar drills store -> department -> item (in the URL), and seasonality follows', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.goto('/analysis');
    expect(await page.locator('#breakdown').textContent()).toBe('Units sold by store, all data');
    await page.waitForSelector('[data-testid=seasonality-charts] [data-testid=plot][data-state=ready]');
    const allMonths = await seasonMonths(page);
    // Bars are labelled by name: a store as "2 (Москва, Гипермаркет)", an item as "Name (id)" (item 3).
    const stores = (await traces(page, '[data-testid=breakdown-chart]'))[0].x as string[];
    const storeId = (label: string) => label.split(' (')[0];
    const itemId = (label: string) => /\(([^()]+)\)$/.exec(label)?.[1] ?? label;

    await clickBar(page, 1);
    await page.waitForURL((u) => u.searchParams.get('store') === storeId(stores[1]), { timeout: 30_000 });
    expect(await page.locator('#breakdown').textContent()).toBe(`Units sold by department, store ${stores[1]}`);
    expect(await page.getByTestId('drill-path').innerText()).toMatch(new RegExp(`All data\\s*›?\\s*Store ${stores[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await page.waitForSelector('[data-testid=seasonality-charts] [data-testid=plot][data-state=ready]');
    await expect.poll(() => seasonMonths(page)).not.toEqual(allMonths);
    expect(await page.locator('#seasonality').textContent()).toBe(`Seasonality, store ${stores[1]}`);

    const departments = (await traces(page, '[data-testid=breakdown-chart]'))[0].x as string[];
    await clickBar(page, 0);
    await page.waitForURL((u) => u.searchParams.get('category') === departments[0], { timeout: 30_000 });
    expect(new URL(page.url()).searchParams.get('store')).toBe(storeId(stores[1]));
    expect(await page.locator('#breakdown').textContent()).toBe(`Units sold by item, store ${stores[1]}, category ${departments[0]}`);
    // Every item shown is one of that department in that store; the growth table follows the department.
    const items = (await traces(page, '[data-testid=breakdown-chart]'))[0].x as string[];
    expect(items.length).toBeGreaterThan(0);
    // The Category column, wherever the Name column (issue 13 item 3) puts it.
    const headers = await page.getByTestId('top-products-table').locator('thead th').allTextContents();
    const categoryColumn = headers.findIndex((h) => h.trim() === 'Category') + 1;
    expect(categoryColumn).toBeGreaterThan(0);
    const growthCategories = await page.getByTestId('top-products-table').locator(`tbody tr > :nth-child(${categoryColumn})`).allTextContents();
    for (const c of growthCategories) expect(c).toBe(departments[0]);
    // An item opens its forecast.
    await clickBar(page, 0);
    await page.waitForURL((u) => u.pathname === '/forecasts' && u.searchParams.get('item') === itemId(items[0]), { timeout: 30_000 });
    // Back up the path by its breadcrumb.
    await page.goBack();
    await page.getByTestId('drill-path').getByRole('link', { name: `Store ${stores[1]}` }).click();
    await page.waitForURL((u) => u.searchParams.get('store') === storeId(stores[1]) && !u.searchParams.has('category'));
    await page.context().close();
  });

  it('a control switches the measure between units and revenue', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.goto('/analysis?store=1');
    const units = await page.getByTestId('breakdown-table').locator('tbody tr td:nth-child(2)').first().textContent();
    await page.getByTestId('measure-switch').getByRole('link', { name: 'Revenue (RUB)' }).click();
    await page.waitForURL((u) => u.searchParams.get('measure') === 'revenue' && u.searchParams.get('store') === '1');
    expect(await page.locator('#breakdown').textContent()).toMatch(/^Revenue by department, store 1 \(.+\)$/);
    expect(await page.getByTestId('measure-switch').getByRole('link', { name: 'Revenue (RUB)' }).getAttribute('aria-current')).toBe('true');
    expect(await page.getByTestId('breakdown-table').locator('thead th').nth(1).textContent()).toBe('Revenue (RUB)');
    const revenue = await page.getByTestId('breakdown-table').locator('tbody tr td:nth-child(2)').first().textContent();
    expect(revenue).toMatch(/^₽[\d,]+$/);
    expect(revenue).not.toBe(units);
    const chart = await page.evaluate(() => (document.querySelector('[data-testid=breakdown-chart] .js-plotly-plot') as HTMLElement & { layout?: { yaxis?: { title?: { text?: string } } } }).layout?.yaxis?.title?.text);
    expect(chart).toBe('Revenue (RUB)');
    await page.context().close();
  });

  it('a breakdown of 45 stores shows all 45; 187 items show the largest 30 and say so', async () => {
    const page = await signedInPage(browser, 'analyst@explorer.test');
    await page.goto('/analysis');
    expect(((await traces(page, '[data-testid=breakdown-chart]'))[0].x ?? []).length).toBe(45);
    expect(await page.getByTestId('breakdown-table').locator('tbody tr').count()).toBe(45);
    expect(await page.getByTestId('breakdown-note').textContent()).toContain('All 45 store values.');
    await page.context().close();

    const demo = await signedInPage(browser, 'analyst@demo.test');
    await demo.goto('/analysis?by=item');
    const rows = await demo.getByTestId('breakdown-table').locator('tbody tr').count();
    expect(rows).toBeGreaterThan(60);
    expect(((await traces(demo, '[data-testid=breakdown-chart]'))[0].x ?? []).length).toBe(30);
    expect(await demo.getByTestId('breakdown-note').textContent()).toMatch(new RegExp(`The chart shows the 30 largest of ${rows} item values; the other ${rows - 30} together: [\\d,]+ units \\([\\d.]+% of the total\\)\\. The table lists all ${rows}\\.`));
    await demo.context().close();
  });

  it('top products by forecast growth are sorted by growth, show the volume beside it, and the low-volume rule is a control', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.goto('/analysis');
    const table = page.getByTestId('top-products-table');
    const headers = await table.locator('thead th').allTextContents();
    const g = headers.indexOf('Growth');
    expect(headers[g + 1]).toBe('Last month (units)');
    const read = async () =>
      (await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')))).map((r) => ({ growth: Number(r[g].replace(/[+%,]/g, '')), last: Number(r[g + 1].replace(/,/g, '')) }));
    const ranked = await read();
    expect(ranked.length).toBeGreaterThan(5);
    expect(ranked.map((r) => r.growth)).toEqual([...ranked.map((r) => r.growth)].sort((a, b) => b - a));
    // The rule is visible: its threshold in the control's label and the note.
    const min = page.getByTestId('growth-min');
    const floor = Number(await min.getAttribute('placeholder'));
    expect(floor).toBeGreaterThan(0);
    expect(await page.getByTestId('growth-rule').textContent()).toMatch(/highest growth first, among the \d+ of \d+ products that sold at least [\d.,]+ units last month \(a fifth of the average product's/);
    for (const r of ranked) expect(r.last).toBeGreaterThanOrEqual(Math.floor(floor));
    // A higher threshold ranks only larger products, still by growth.
    await min.fill(String(Math.ceil(floor * 5)));
    await page.getByTestId('top-products').getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((u) => u.searchParams.get('min') === String(Math.ceil(floor * 5)));
    const larger = await read();
    expect(larger.length).toBeGreaterThan(0);
    for (const r of larger) expect(r.last).toBeGreaterThanOrEqual(Math.ceil(floor * 5));
    expect(larger.map((r) => r.growth)).toEqual([...larger.map((r) => r.growth)].sort((a, b) => b - a));
    await page.context().close();
  });
});
