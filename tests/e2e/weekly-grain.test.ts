import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { api, makeKey } from '../support/http';
import { walmartTenant } from '../support/walmart';

/** Issue 13 item 6: weekly data (Walmart, step 7) is looked at in weeks, comparing equal spans. */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  await walmartTenant('weekshop', { train: [['gbm']] });
});
afterAll(async () => {
  await browser?.close();
});

async function drawnPoints(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const plot = document.querySelector('[data-testid=forecast-chart] [data-testid=plot][data-state=ready]') as (HTMLElement & { data?: { name?: string; x?: unknown[] }[] }) | null;
    return plot?.data?.find((t) => t.name === 'forecast')?.x?.length ?? null;
  });
}

describe('weekly data in weeks', () => {
  it('the Overview compares the last 4 weeks with the 4 before and a year before, and forecasts the next 4 weeks against the last 4', async () => {
    const page = await signedInPage(browser, 'analyst@weekshop.test');
    await page.goto('/');
    expect(await page.getByTestId('overview-window').textContent()).toBe('Last 4 weeks of data: Oct 5, 2012 to Oct 26, 2012.');
    // The KPI grid itself, not the loading skeleton's (streamed first, replaced when the figures arrive).
    const grid = (await page.locator('.kpi-grid', { has: page.getByTestId('kpi-units') }).innerText()).replace(/\s+/g, ' ');
    expect(grid).toContain('vs previous 4 weeks');
    expect(grid).toContain('vs same 4 weeks last year');
    expect(grid).toContain('Forecast, next 4 weeks');
    expect(grid).toContain('vs last 4 weeks');
    expect(grid).not.toMatch(/\bdays?\b/);

    // The change is the plain ratio of two equal spans, computed here from the library.
    process.env.FORESIGHT_HOME = inject('home');
    const { loadTable } = await import('@/lib/datasets/store');
    const { periodKpis } = await import('@/ml/data/analytics');
    const { getSelectionForecast } = await import('@/lib/forecast/service');
    const { formatterFor } = await import('@/lib/format');
    const { table } = (await loadTable('weekshop'))!;
    const kpis = periodKpis(table, 4)!;
    const forecast = (await getSelectionForecast('weekshop', { horizon: 28 }))!;
    expect(forecast.points.length).toBe(4);
    const total = forecast.points.reduce((s, p) => s + p.forecast, 0);
    const fmt = formatterFor();
    expect(grid).toContain(`vs last 4 weeks ${fmt.signedPercent(total / kpis.current.target - 1)}`);
    expect(await page.getByTestId('kpi-forecast').textContent()).toBe(fmt.moneyCompact(total));
    // The chart draws 4 forecast weeks.
    await expect.poll(() => drawnPoints(page), { timeout: 60_000 }).toBe(4);
    await page.context().close();
  });

  it('the Forecasts page picks the horizon in weeks; a shared link in days still opens, and the API keeps days', async () => {
    const page = await signedInPage(browser, 'analyst@weekshop.test');
    await page.goto('/forecasts?store=1');
    await expect.poll(() => drawnPoints(page), { timeout: 60_000 }).toBe(4);
    const horizon = page.getByLabel('Horizon (weeks, 1 to 13)');
    expect(await horizon.inputValue()).toBe('4');
    await horizon.fill('6');
    await page.waitForURL((u) => u.searchParams.get('weeks') === '6', { timeout: 30_000 });
    await expect.poll(() => drawnPoints(page), { timeout: 60_000 }).toBe(6);
    expect(await page.getByTestId('forecast-span').textContent()).toMatch(/^6 weeks ahead, from /);
    expect(await page.getByTestId('download-forecast-csv').getAttribute('href')).toContain('horizon=42');
    await page.goto('/forecasts?store=1&horizon=60');
    await expect.poll(() => drawnPoints(page), { timeout: 60_000 }).toBe(9);
    expect(await page.getByLabel('Horizon (weeks, 1 to 13)').inputValue()).toBe('9');
    await page.goto('/forecasts?store=1&weeks=20');
    // The page's own alert (Next.js's route announcer is an empty alert too).
    expect(await page.getByRole('alert').filter({ hasText: /\S/ }).first().textContent()).toContain('weeks must be at most 13; showing 4 weeks instead.');
    await page.context().close();

    const key = await makeKey('weekshop', 'analyst');
    const res = await api('/api/v1/forecast?store=1&horizon=28', { key });
    const body = (await res.json()) as { horizon: number; step: number; points: unknown[] };
    expect([body.horizon, body.step, body.points.length]).toEqual([4, 7, 4]);
    const spec = (await (await api('/api/v1/openapi.json', { key })).json()) as { paths: Record<string, { get?: { summary?: string } }> };
    expect(spec.paths['/forecast']?.get?.summary).toContain('`horizon` is in days, also for weekly data');
  });

  it('the executive PDF says the same spans', async () => {
    const res = await api('/api/v1/reports/executive.pdf', { key: await makeKey('weekshop', 'manager') });
    expect(res.status).toBe(200);
    const text = spawnSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(await res.arrayBuffer()) }).stdout.toString('utf8');
    expect(text).toContain('Last 4 weeks: Oct 5, 2012 to Oct 26, 2012');
    expect(text).toContain('Forecast, next 4 weeks');
    expect(text).toContain('Stores, last 4 weeks');
    expect(text).not.toMatch(/30 days|35 days|per day/);
  });
});
