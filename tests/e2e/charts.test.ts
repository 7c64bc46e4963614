import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { api, makeKey } from '../support/http';
import { ensureProductionModel } from '../support/demo-model';
import { walmartTenant } from '../support/walmart';

// Issue 13, item 7: charts without defects, in one shared style.

const BRAND = '#0a7d3b';
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  await ensureProductionModel('demo');
  // Weekly store-only data, a trained model and a brand colour of its own.
  await walmartTenant('chartco', { roles: ['analyst', 'manager'], train: [['gbm']], seed: 1, primaryColor: BRAND });
});
afterAll(async () => {
  await browser?.close();
});

type PlotElement = HTMLElement & {
  data: { name?: string; fill?: string; mode?: string; line?: { color?: string }; marker?: { color?: unknown }; x?: unknown[]; y?: unknown[] }[];
  _fullData: { name?: string; fill?: string; mode?: string }[];
  _fullLayout: { yaxis: { range: [number, number] } };
};

async function readyPlots(page: Page, min = 1): Promise<void> {
  await expect.poll(() => page.locator('[data-testid=plot][data-state=ready]').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(min);
}

/** Rectangles of two element sets overlap anywhere (by their client rects). */
async function overlaps(page: Page, a: string, b: string, within: string): Promise<boolean> {
  return page.evaluate(
    ([a, b, within]) => {
      const root = document.querySelector(within)!;
      const rects = (sel: string) => [...root.querySelectorAll(sel)].map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
      const [ra, rb] = [rects(a), rects(b)];
      return ra.some((x) => rb.some((y) => x.left < y.right && y.left < x.right && x.top < y.bottom && y.top < x.bottom));
    },
    [a, b, within],
  );
}

describe('charts', () => {
  it("a weekly forecast: its bands are areas without marker dots, drawn in the tenant's brand colour, and the chart adds no tab stops", async () => {
    const page = await signedInPage(browser, 'analyst@chartco.test');
    await page.goto('/');
    await readyPlots(page);
    const plot = page.locator('[data-testid=forecast-chart] [data-testid=plot]');
    const traces = await plot.evaluate((el) => {
      const p = el as PlotElement;
      return p._fullData.map((t, i) => ({ name: t.name, fill: t.fill, mode: t.mode, color: p.data[i].line?.color }));
    });
    const bands = traces.filter((t) => t.fill === 'toself');
    expect(bands.map((b) => b.name)).toEqual(['95% interval', '80% interval']);
    for (const b of bands) expect(b.mode ?? '', b.name).not.toContain('markers');
    expect(traces.find((t) => t.name === 'forecast')?.color).toBe(BRAND);
    // Keyboard users tab past a chart in one step: nothing inside it takes the focus.
    const focusable = await page.locator('figure.plot').evaluateAll((figs) =>
      figs.flatMap((f) => [...f.querySelectorAll<HTMLElement>('a[href], button, input, select, [tabindex]')].filter((e) => e.tabIndex >= 0)).length,
    );
    expect(focusable).toBe(0);
    await page.context().close();
  });

  it('the legend never covers the rotated labels of a breakdown', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.setViewportSize({ width: 820, height: 1000 });
    await page.goto('/analysis?by=item&days=30');
    await readyPlots(page);
    const chart = 'section[aria-labelledby=breakdown] .js-plotly-plot';
    await page.locator(chart).waitFor();
    expect(await page.locator(`${chart} .legend`).count()).toBe(1);
    expect(await page.locator(`${chart} .xtick text`).count()).toBeGreaterThan(10);
    expect(await overlaps(page, '.legend .traces', '.xtick text', chart)).toBe(false);
    await page.context().close();
  });

  it('store-only data gets a store by month heatmap, not store by store', async () => {
    const page = await signedInPage(browser, 'analyst@chartco.test');
    await page.goto('/analysis');
    await readyPlots(page);
    const heading = (await page.locator('#heatmap').textContent()) ?? '';
    expect(heading).not.toMatch(/store × store/);
    const axes = await page.locator('section[aria-labelledby=heatmap] [data-testid=plot]').evaluate((el) => {
      const t = (el as PlotElement).data[0];
      return { x: (t.x ?? []).map(String), y: (t.y ?? []).map(String) };
    });
    expect(axes.y.length).toBeGreaterThan(1);
    expect(axes.x.filter((c) => axes.y.includes(c))).toEqual([]);
    await page.context().close();
  });

  it('drift bars fill their axis, each with its value, instead of lying flat under the band lines', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.goto('/monitoring');
    await readyPlots(page);
    const psi = await page.locator('section[aria-labelledby=drift] [data-testid=plot]').evaluate((el) => {
      const p = el as PlotElement;
      const ys = (p.data[0].y ?? []).map(Number);
      return { max: Math.max(...ys), top: p._fullLayout.yaxis.range[1], labels: el.querySelectorAll('.bars .bartext').length, bars: ys.length };
    });
    expect(psi.bars).toBeGreaterThan(3);
    expect(psi.max / psi.top).toBeGreaterThan(0.5);
    expect(psi.labels).toBe(psi.bars);
    await page.context().close();
  });

  it("the PDF's value axis reads in short round figures, none cut or wrapped", async () => {
    const key = await makeKey('chartco', 'manager');
    const res = await api('/api/v1/reports/executive.pdf', { key });
    expect(res.status).toBe(200);
    const text = spawnSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(await res.arrayBuffer()) }).stdout.toString('utf8');
    const chart = text.slice(text.indexOf('recent actuals'), text.indexOf('Grey: actuals'));
    const axis = chart.split('\n').map((l) => l.trim()).filter((l) => /^[\d.,…]+[KMB]?$/.test(l));
    expect(axis.length).toBeGreaterThanOrEqual(3);
    for (const label of axis) expect(label).toMatch(/^(0|\d+(\.\d)?[KMB])$/);
  });
});
