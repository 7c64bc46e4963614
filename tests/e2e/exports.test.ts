import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, signedInPage } from '../support/browser';
import { api, sessionCookie } from '../support/http';
import { ensureProductionModel } from '../support/demo-model';

// Issue 13, item 10: exports a spreadsheet user can open.

let browser: Browser;
let productionId: string;
let store1Item: { id: string; subclass: string };
beforeAll(async () => {
  browser = await launch();
  productionId = await ensureProductionModel('demo');
  process.env.FORESIGHT_HOME = inject('home');
  const { loadTable } = await import('@/lib/datasets/store');
  const { table } = (await loadTable('demo'))!;
  const [sk, ik] = [table.keyNames.indexOf('store'), table.keyNames.indexOf('item')];
  const s = [...Array(table.seriesStart.length - 1).keys()].find((i) => table.keyVocab[sk][table.seriesKeys[sk][i]] === '1')!;
  const sub = table.categorical.subclass_name;
  store1Item = { id: table.keyVocab[ik][table.seriesKeys[ik][s]], subclass: sub.vocab[sub.codes[table.seriesStart[s]]] };
});
afterAll(async () => {
  await browser?.close();
});

/** A CSV as rows of cells; a quoted cell may hold commas (a store named "Москва, Гипермаркет") and quotes. */
function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split(/\r\n/)
    .map((line) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"')));
}

async function download(page: Page, trigger: () => Promise<unknown>): Promise<string[][]> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), trigger()]);
  return parseCsv(fs.readFileSync((await file.path())!, 'utf8'));
}

describe('CSV exports', () => {
  it('the forecast CSV has the store, item and their names, rounded figures, the actuals before the forecast, and the model version and time as columns', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.goto(`/forecasts?store=1&item=${store1Item.id}&horizon=14`);
    await page.getByTestId('download-forecast-csv').waitFor({ timeout: 60_000 });
    const [header, ...rows] = await download(page, () => page.getByTestId('download-forecast-csv').click());
    for (const col of ['date', 'store', 'store_name', 'item', 'item_name', 'actual', 'forecast', 'p80_low', 'p95_high', 'model_version', 'generated_at_utc']) expect(header, col).toContain(col);
    const cell = (r: string[], c: string) => r[header.indexOf(c)];
    const forecastRows = rows.filter((r) => cell(r, 'forecast') !== '');
    const actualRows = rows.filter((r) => cell(r, 'actual') !== '');
    expect(forecastRows.length).toBe(14);
    expect(actualRows.length).toBeGreaterThan(0);
    expect(actualRows.every((r) => r[0] < forecastRows[0][0])).toBe(true);
    for (const r of rows) {
      expect(cell(r, 'store')).toBe('1');
      expect(cell(r, 'store_name')).toBe('Москва, Гипермаркет');
      expect(cell(r, 'item')).toBe(store1Item.id);
      expect(cell(r, 'item_name')).toBe(store1Item.subclass);
      expect(cell(r, 'model_version')).toBe(productionId);
      expect(cell(r, 'generated_at_utc')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
    // Figures rounded: at most two decimals, and the same values the API answers.
    for (const r of forecastRows) for (const c of ['forecast', 'p80_low', 'p80_high', 'p95_low', 'p95_high']) expect(cell(r, c)).toMatch(/^-?\d+(\.\d{1,2})?$/);
    const res = await api(`/api/v1/forecast?store=1&item=${store1Item.id}&horizon=14`, { cookie: await sessionCookie('analyst@demo.test') });
    const body = (await res.json()) as { points: { date: string; forecast: number }[] };
    expect(forecastRows.map((r) => r[0])).toEqual(body.points.map((p) => p.date));
    forecastRows.forEach((r, i) => expect(Number(cell(r, 'forecast'))).toBeCloseTo(body.points[i].forecast, 1));
    await page.context().close();
  });

  it('the Analysis breakdown and top products give shares and growth as percentages', async () => {
    const page = await signedInPage(browser, 'analyst@demo.test');
    await page.goto('/analysis?by=store');
    const [header, ...rows] = await download(page, () => page.locator('section[aria-labelledby=breakdown]').getByRole('button', { name: 'Export CSV' }).click());
    // Columns by their display labels (issue 13 item 4), the store's name beside its id (item 3).
    expect(header).toContain('Store name');
    for (const r of rows) {
      expect(r[header.indexOf('Share')]).toMatch(/^\d+\.\d%$/);
      expect(r[header.indexOf('Change')]).toMatch(/^(-?\d+\.\d%|)$/);
    }
    const growth = await download(page, () => page.getByTestId('top-products').getByRole('button', { name: 'Export CSV' }).click());
    expect(growth[0]).toEqual(['item', 'name', 'category', 'previous', 'forecast', 'growth']);
    for (const r of growth.slice(1)) {
      expect(r[1]).not.toBe('');
      expect(r[5]).toMatch(/^(-?\d+\.\d%|)$/);
    }
    await page.context().close();
  });

  it('the audit CSV has its details as columns, not one JSON cell', async () => {
    const cookie = await sessionCookie('analyst@demo.test');
    // Something with details to find: a forecast export records its store, item and rows.
    expect((await api(`/forecasts/export?store=1&item=${store1Item.id}&horizon=7`, { cookie })).status).toBe(200);
    const res = await api('/audit/export?action=forecasts.export', { cookie });
    const [header, ...rows] = parseCsv(await res.text());
    expect(header.slice(0, 7)).toEqual(['at_utc', 'actor_type', 'actor', 'action', 'target', 'outcome', 'ip']);
    expect(header).not.toContain('details');
    for (const c of ['store', 'item', 'horizon', 'rows', 'model_version']) expect(header, c).toContain(c);
    const mine = rows.find((r) => r[header.indexOf('item')] === store1Item.id && r[header.indexOf('horizon')] === '7');
    expect(mine?.[header.indexOf('store')]).toBe('1');
    expect(mine?.[header.indexOf('at_utc')]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('the experiments CSV has one column per metric (WAPE as a percentage) and per parameter', async () => {
    const res = await api('/experiments/export', { cookie: await sessionCookie('analyst@demo.test') });
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toContain('wape');
    expect(header).toContain('duration_s');
    expect(header).not.toContain('params');
    expect(header.some((h) => h.startsWith('param_'))).toBe(true);
    const ok = rows.filter((r) => r[header.indexOf('status')] === 'succeeded');
    expect(ok.length).toBeGreaterThan(0);
    for (const r of ok) expect(r[header.indexOf('wape')]).toMatch(/^\d+\.\d%$/);
  });
});
